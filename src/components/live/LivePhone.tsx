import { useState } from 'react';
import { useLiveStream, post, OUTCOME, type FullView } from './useLive';
import TallyBars from './TallyBars';
import RubricForm from './RubricForm';
import type { Rubric } from '../../live/rubric';

/** A trainee's phone: vote at each decision, or play a role in pair role-play and score as observer. */
export default function LivePhone({ initial, rubric }: { initial: FullView; rubric: Rubric }) {
  const { view, connected } = useLiveStream(initial.id, initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const mine = pending ?? view.you?.vote;
  async function vote(choiceId: string) {
    setPending(choiceId);
    const err = await post(`/api/live/${view.id}/vote`, { choiceId });
    setError(err ?? null);
    if (err) setPending(null);
  }
  // A new decision clears the locally remembered vote.
  const [step, setStep] = useState(view.step);
  if (step !== view.step) {
    setStep(view.step);
    setPending(null);
  }
  const pair = view.pairs.find((p) => p.agent.id === view.you?.agentId);
  return (
    <div className="phone" aria-live="polite">
      <p className="hint">{view.title} · <span className={connected ? 'conn ok' : 'conn'}>{connected ? '● 已连接' : '○ 重新连接中…'}</span></p>
      {error && <p className="notice bad" role="alert">{error}</p>}
      {view.status === 'lobby' && <p className="notice info">已加入课堂，等待培训师开始……</p>}
      {view.status !== 'lobby' && view.mode === 'vote' && view.node && (
        <>
          <div className="bubble them owner phone-line">
            <span className="who">{view.node.speakerName}{view.node.emotion && <span className="emotion">{view.node.emotion}</span>}</span>
            <p data-testid="phone-line">{view.node.line}</p>
          </div>
          {!view.revealed ? (
            <div className="choices" role="group" aria-label="投票">
              <h2>你会怎么回应？投出你的一票</h2>
              <ul>
                {view.choices.map((c, i) => (
                  <li key={c.id}>
                    <button type="button" className={`choice-button ${mine === c.id ? 'picked' : ''}`} aria-pressed={mine === c.id} data-choice={c.id} onClick={() => vote(c.id)}>
                      <span className="letter">{String.fromCharCode(65 + i)}</span> {c.text}
                    </button>
                  </li>
                ))}
              </ul>
              {mine && <p className="hint" role="status">已投票，揭晓前可以改票。</p>}
            </div>
          ) : (
            <>
              <p className="notice info">培训师已揭晓，听听讲解吧。</p>
              <TallyBars view={view} />
            </>
          )}
        </>
      )}
      {view.mode === 'pairs' && view.status !== 'lobby' && view.roleplay && (
        <div className="role-card card">
          {view.you?.role === 'owner' && view.roleplay.owner && (
            <>
              <h2>你扮演业主：{view.roleplay.owner.name}{view.roleplay.owner.flat && `（${view.roleplay.owner.flat}）`}</h2>
              {view.roleplay.owner.profile && <p><strong>人物特点：</strong>{view.roleplay.owner.profile}</p>}
              <h3>台词与情绪提示</h3>
              <ol className="cues">{view.roleplay.owner.cues.map((c, i) => <li key={i}>{c.emotion && <span className="emotion">{c.emotion}</span>} {c.line}</li>)}</ol>
              <p className="hint">根据客服的回应调整情绪：被认真倾听、真诚道歉时缓和；被推诿、打断时更激动。</p>
            </>
          )}
          {view.you?.role === 'agent' && (
            <>
              <h2>你扮演客服</h2>
              <p><strong>任务：</strong>{view.roleplay.brief}</p>
              <h3>应对六步（对照检查）</h3>
              <ol className="checklist">{view.roleplay.checklist.map((c) => <li key={c}>{c}</li>)}</ol>
            </>
          )}
          {view.you?.role === 'observer' && pair && (
            <>
              <h2>你是观察员</h2>
              <p>观察客服 {pair.agent.name} 的表现，演练结束后按下面的评分表打分。</p>
              <RubricForm sessionId={view.id} agent={pair.agent} rubric={rubric} />
            </>
          )}
          {view.you?.role === 'owner' && pair && (
            <details>
              <summary>演练结束后为客服打分</summary>
              <RubricForm sessionId={view.id} agent={pair.agent} rubric={rubric} />
            </details>
          )}
          {!view.you?.role && <p>培训师还没有给你分组。</p>}
        </div>
      )}
      {view.ending && view.mode === 'vote' && (
        <div className="card">
          <p className={`ending-banner ${view.ending.outcome}`}>结局：{OUTCOME[view.ending.outcome]}</p>
          <p>{view.ending.debrief}</p>
        </div>
      )}
      {view.status === 'ended' && <p className="notice ok">本场课堂演练已结束，辛苦了！</p>}
    </div>
  );
}
