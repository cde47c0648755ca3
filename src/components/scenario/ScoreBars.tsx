import { t } from '../../i18n';
import { DIMENSIONS } from '../../scenarios/constants';

interface Props {
  scores: { calmness: number; empathy: number; solution: number; overall: number; passed: boolean };
  minEach?: number;
}

/** The three dimension scores as labelled bars (text values for screen readers and print). */
export default function ScoreBars({ scores, minEach = 60 }: Props) {
  return (
    <div className="score-bars" data-testid="score-bars">
      <p className="score-overall">
        {t.scenario.overall} <strong>{scores.overall}</strong>
        <span className={`pill ${scores.passed ? 'completed' : 'inactive'}`}>{scores.passed ? t.scenario.passed : t.scenario.notPassed}</span>
      </p>
      <ul>
        {DIMENSIONS.map((d) => (
          <li key={d} data-dimension={d}>
            <span className="bar-label">{t.scenario.dimensions[d]}</span>
            <span className="bar-track" aria-hidden="true">
              <span className={`bar-fill ${scores[d] >= minEach ? 'ok' : 'low'}`} style={{ width: `${scores[d]}%` }} />
              <span className="bar-mark" style={{ left: `${minEach}%` }} />
            </span>
            <span className="bar-value">{scores[d]}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
