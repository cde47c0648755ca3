import { useEffect, useRef, useState } from 'react';
import type { PlayView } from '../../scenarios/play';
import { formatTime, t } from '../../i18n';

export interface PlayPanelProps {
  /** What the server has dealt so far: nothing more (no scores, no feedback of steps not taken, no best path). */
  view: PlayView;
  scenarioId: string;
  ownerName: string;
  /** The server's clock when the page was made, to show an assessment's time left without trusting the phone's clock. */
  serverNow: string;
  /** The organisation's time zone (the server's ORG_TIME_ZONE): the phone's own zone may differ. */
  timeZone: string;
}

const moodLevel = (m: number) => t.scenario.moodLevels[m <= 30 ? 0 : m <= 60 ? 1 : m <= 85 ? 2 : 3];

/**
 * The role-play as the server deals it. Every choice is a real form button
 * (`POST /scenarios/<id>`), so the page works before and without JavaScript;
 * once hydrated, a choice is sent to the step API instead and the next turn
 * appears without a reload. The server decides everything; this only shows it.
 */
export default function PlayPanel({ view: initial, scenarioId, ownerName, serverNow, timeZone }: PlayPanelProps) {
  const [view, setView] = useState(initial);
  const [message, setMessage] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [left, setLeft] = useState<number | null>(null);
  const current = useRef<HTMLLIElement | null>(null);
  const moved = useRef(false);
  const action = `/scenarios/${scenarioId}#play`;

  // Time left on an assessment, counted against the server's clock (skew measured once at load).
  useEffect(() => {
    if (!view.deadline || view.status !== 'open') return setLeft(null);
    const skew = Date.parse(serverNow) - Date.now();
    const tick = () => setLeft(Math.max(0, Math.round((Date.parse(view.deadline!) - (Date.now() + skew)) / 1000)));
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [view.deadline, view.status, serverNow]);

  // Keyboard and screen-reader users follow the conversation: focus moves to the newest line.
  useEffect(() => {
    if (moved.current) current.current?.focus();
  }, [view.step]);

  async function choose(e: React.FormEvent<HTMLFormElement>) {
    const token = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!token) return; // let the browser post the form as it would without JavaScript
    e.preventDefault();
    if (sending) return;
    setSending(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/plays/${view.playId}/steps`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ token, at: view.step }),
      });
      const body = await res.json().catch(() => ({}));
      if (body.view) {
        moved.current = true;
        setView(body.view);
      }
      if (!res.ok) setMessage(body.error ?? `HTTP ${res.status}`);
      else if (body.attemptId) await showRecord(body.attemptId);
    } catch {
      setMessage(t.play.sendFailed);
    } finally {
      setSending(false);
    }
  }

  /**
   * The play ended: the debrief, the start card and 我的练习记录 (best score included) are
   * the server's to render, so its fresh copy of the page replaces that part in place, with
   * no reload; the address becomes the debrief's own. Should that fail, the page is opened.
   */
  async function showRecord(attemptId: string) {
    const url = `/scenarios/${scenarioId}?attempt=${encodeURIComponent(attemptId)}`;
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      const fresh = res.ok ? new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('[data-after-play]') : null;
      const stale = document.querySelector('[data-after-play]');
      if (!fresh || !stale) throw new Error('no record section');
      stale.replaceWith(document.importNode(fresh, true));
      history.replaceState(history.state, '', `${url}#past-attempt`);
      const heading = document.getElementById('past-heading');
      heading?.scrollIntoView({ block: 'start' });
      heading?.focus({ preventScroll: true });
    } catch {
      setMessage(t.play.finished);
      location.assign(`${url}#past-attempt`);
    }
  }

  // Out of time on this phone's count: say so at once (the server refuses any later step anyway).
  const expired = left === 0;
  const who = (speaker: string) => (speaker === 'owner' ? ownerName : t.scenario.speakers[speaker as keyof typeof t.scenario.speakers] ?? '');
  const mm = left === null ? '' : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;

  return (
    <section className="player" id="play" aria-label={view.mode === 'practice' ? t.scenario.practice : t.scenario.assessment}>
      <div className="player-bar">
        <span className={`pill ${view.mode === 'practice' ? 'completed' : 'in_progress'}`}>{view.mode === 'practice' ? t.scenario.practice : t.scenario.assessment}</span>
        {view.mood !== undefined && (
          <div className="mood-meter">
            <span id="mood-label">{t.scenario.mood}</span>
            <div className="meter" role="meter" aria-labelledby="mood-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={view.mood} aria-valuetext={`${view.mood}（${moodLevel(view.mood)}）`}>
              <span className="meter-fill" style={{ width: `${view.mood}%`, background: `hsl(${Math.round(130 - view.mood * 1.3)} 55% 42%)` }} />
            </div>
            <span className="meter-value" data-testid="mood-value">{view.mood}</span>
            <span className="meter-level">{moodLevel(view.mood)}</span>
          </div>
        )}
        {view.deadline && view.status === 'open' && (
          <p className="hint timer" role="timer" aria-live="off">
            {left === null ? t.play.deadline(formatTime(view.deadline, timeZone)) : `${t.play.timeLeft} ${mm}`}
          </p>
        )}
      </div>

      <ol className="chat">
        {view.turns.map((d, i) => (
          <li key={i} className="turn">
            <div className={`bubble them ${d.speaker}`}>
              <span className="who">{who(d.speaker)}{d.emotion && <span className="emotion">{d.emotion}</span>}</span>
              <p>{d.line}</p>
            </div>
            <div className="bubble me">
              <span className="who">{t.scenario.you}</span>
              <p>{d.reply}</p>
            </div>
            {d.feedback && (
              <div className={`feedback-note ${d.feedback.tone}`}>
                {d.feedback.notes.map((f, j) => <p key={j}>{f}</p>)}
                <p className="point">{d.feedback.point} · {t.scenario.moodChange(d.feedback.moodBefore, d.feedback.moodAfter)}</p>
              </div>
            )}
          </li>
        ))}
        {view.prompt && (
          <li className="turn current" ref={current} tabIndex={-1} aria-live="polite">
            <div className={`bubble them ${view.prompt.speaker}`}>
              <span className="who">{who(view.prompt.speaker)}{view.prompt.emotion && <span className="emotion">{view.prompt.emotion}</span>}</span>
              <p>{view.prompt.line}</p>
            </div>
          </li>
        )}
        {view.ending && (
          <li className="turn ending" ref={current} tabIndex={-1}>
            {view.ending.line && (
              <div className="bubble them owner">
                <span className="who">{ownerName}</span>
                <p>{view.ending.line}</p>
              </div>
            )}
            <p className={`ending-banner ${view.ending.outcome}`}>结局：{t.scenario.outcomes[view.ending.outcome]}</p>
          </li>
        )}
      </ol>

      {message && <p className="notice bad" role="alert">{message}</p>}

      {view.prompt && (
        <form method="post" action={action} className="choices" onSubmit={choose} aria-labelledby="choose-heading">
          <input type="hidden" name="action" value="choose" />
          <input type="hidden" name="play" value={view.playId} />
          <input type="hidden" name="at" value={view.step} />
          <h2 id="choose-heading">{t.scenario.choose}</h2>
          <ul>
            {view.prompt.choices.map((c) => (
              <li key={c.token}>
                <button type="submit" name="token" value={c.token} className="choice-button" disabled={sending || expired}>
                  {c.text}
                </button>
              </li>
            ))}
          </ul>
        </form>
      )}
      {(view.status === 'timed-out' || expired) && <p className="notice bad" role="status">{t.play.timedOut}</p>}
      {view.attemptId && (
        <p className="actions">
          <a className="button" href={`/scenarios/${scenarioId}?attempt=${view.attemptId}#past-attempt`}>{t.play.seeDebrief}</a>
        </p>
      )}
    </section>
  );
}
