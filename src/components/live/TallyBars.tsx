import type { LiveView } from '../../live/view';

/** Votes per choice as bars with counts (text too, for screen readers and the back of the room). */
export default function TallyBars({ view, highlight }: { view: LiveView; highlight?: string }) {
  const total = Object.values(view.tally ?? {}).reduce((a, b) => a + b, 0);
  return (
    <ul className="tally" data-testid="tally">
      {view.choices.map((c, i) => {
        const n = view.tally?.[c.id] ?? 0;
        const pct = total ? Math.round((n / total) * 100) : 0;
        return (
          <li key={c.id} className={highlight === c.id ? 'top' : ''} data-choice={c.id}>
            <span className="tally-label"><span className="letter">{String.fromCharCode(65 + i)}</span>{c.text}</span>
            <span className="tally-track" aria-hidden="true"><span className="tally-fill" style={{ width: `${pct}%` }} /></span>
            <span className="tally-count" data-testid={`count-${c.id}`}>{n} 票</span>
            {c.feedback && <p className="tally-feedback">{c.feedback}<span className="point">（{c.point}）</span></p>}
          </li>
        );
      })}
    </ul>
  );
}
