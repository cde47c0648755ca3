import { t } from '../../i18n';

interface Props {
  moods: number[];
  limit?: number;
}

/** A small line chart of the owner's mood over the conversation, with its data as a table for assistive tech. */
export default function MoodChart({ moods, limit }: Props) {
  const w = 320;
  const h = 120;
  const pad = 18;
  const x = (i: number) => pad + (moods.length > 1 ? (i * (w - 2 * pad)) / (moods.length - 1) : (w - 2 * pad) / 2);
  const y = (m: number) => h - pad - (m / 100) * (h - 2 * pad);
  const points = moods.map((m, i) => `${x(i).toFixed(1)},${y(m).toFixed(1)}`).join(' ');
  const summary = `${t.scenario.moodCurve}：${moods.join(' → ')}`;
  return (
    <figure className="mood-chart" data-testid="mood-chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={summary} preserveAspectRatio="xMidYMid meet">
        {[0, 50, 100].map((v) => (
          <g key={v}>
            <line x1={pad} x2={w - pad} y1={y(v)} y2={y(v)} className="grid" />
            <text x={2} y={y(v) + 4} className="axis">{v}</text>
          </g>
        ))}
        {limit !== undefined && <line x1={pad} x2={w - pad} y1={y(limit)} y2={y(limit)} className="limit" />}
        <polyline points={points} className="curve" />
        {moods.map((m, i) => (
          <circle key={i} cx={x(i)} cy={y(m)} r={3.5} className="dot" />
        ))}
      </svg>
      <figcaption>{t.scenario.moodCurve}（0 平静 – 100 愤怒）</figcaption>
      <table className="visually-hidden">
        <caption>{t.scenario.moodCurve}</caption>
        <tbody>
          {moods.map((m, i) => (
            <tr key={i}>
              <th scope="row">{i === 0 ? '开始' : t.scenario.step(i)}</th>
              <td>{m}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
