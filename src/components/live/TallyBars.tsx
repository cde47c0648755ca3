import type { LiveView } from '../../live/view';

/**
 * Votes per choice as bars with counts (text too, for screen readers and the back of the room).
 * After the reveal the best choice carries "✓ 最佳" in words, not only a colour; `highlight` is the class's majority.
 */
export default function TallyBars({ view, highlight, points = true }: { view: LiveView; highlight?: string; /** The courseware reference after each feedback (the projector leaves it to the phones, for room). */ points?: boolean }) {
  const total = Object.values(view.tally ?? {}).reduce((a, b) => a + b, 0);
  return (
    <ul className="tally" data-testid="tally">
      {view.choices.map((c, i) => {
        const n = view.tally?.[c.id] ?? 0;
        const pct = total ? Math.round((n / total) * 100) : 0;
        const cls = [highlight === c.id ? 'top' : '', c.best ? 'best' : ''].filter(Boolean).join(' ');
        return (
          <li key={c.id} className={cls} data-choice={c.id}>
            <span className="tally-count" data-testid={`count-${c.id}`}>{n} 票</span>
            <span className="tally-label">
              <span className="letter">{String.fromCharCode(65 + i)}</span>
              {c.best && <span className="best-badge" data-testid="best">✓ 最佳</span>}
              {highlight === c.id && <span className="majority-badge">全班多数</span>}
              {c.text}
            </span>
            <span className="tally-track" aria-hidden="true"><span className="tally-fill" style={{ width: `${pct}%` }} /></span>
            {c.feedback && <p className="tally-feedback">{c.feedback}{points && c.point && <span className="point">（{c.point}）</span>}</p>}
          </li>
        );
      })}
    </ul>
  );
}
