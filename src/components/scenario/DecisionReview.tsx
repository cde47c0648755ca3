import { t } from '../../i18n';
import type { DebriefDecision } from '../../scenarios/debrief';

interface Props {
  decisions: DebriefDecision[];
  ownerName: string;
  /** How long each decision took (plays dealt by the server). */
  decisionMs?: number[];
}

const quality = (d: DebriefDecision['delta']) => {
  const sum = d.calmness + d.empathy + d.solution;
  return sum > 0 ? 'good' : sum < 0 ? 'bad' : 'neutral';
};

/** Each decision: what was said, the trainee's choice and its feedback, and the better choice where there was one. */
export default function DecisionReview({ decisions, ownerName, decisionMs }: Props) {
  return (
    <ol className="decision-review">
      {decisions.map((d, i) => {
        const q = quality(d.delta);
        return (
          <li key={d.node + i}>
            <p className="hint">
              {t.scenario.step(i + 1)} · {t.scenario.moodChange(d.moodBefore, d.moodAfter)}
              {decisionMs?.[i] !== undefined && ` · ${t.play.decisionTime(Math.round(decisionMs[i]! / 1000))}`}
            </p>
            {d.line && (
              <p className="said">
                <strong>{d.speaker === 'owner' ? ownerName : t.scenario.speakers[d.speaker as keyof typeof t.scenario.speakers] ?? ''}</strong>
                {d.emotion ? `（${d.emotion}）` : ''}：{d.line}
              </p>
            )}
            <div className={`review-choice ${q}`}>
              <p>
                <span className={`tag ${q}`}>{t.scenario[q]}</span> {t.scenario.yourChoice}：{d.chosen.text}
              </p>
              {d.chosen.feedback.map((f, j) => (
                <p key={j} className="feedback">{f}</p>
              ))}
              <p className="point">{d.chosen.point}</p>
              {d.breach && (
                <p className="breach">
                  <span className="tag bad">{t.play.breach}</span> {d.breach.rule}（{t.learn.chapter(d.breach.chapter)} {d.breach.heading}）
                </p>
              )}
            </div>
            {d.better && (
              <div className="review-choice better">
                <p>
                  <span className="tag good">{t.scenario.betterChoice}</span> {d.better.text}
                </p>
                <p className="feedback">{d.better.feedback[0]}</p>
                <p className="point">{d.better.point}</p>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
