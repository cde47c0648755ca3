// In-process fan-out of live-session updates to Server-Sent Event streams.
// State lives in the store (so a session survives a restart); this only pushes.

export interface Subscriber {
  userId: string;
  full: boolean;
  send: (chunk: string) => void;
  /** Ends the stream (the person lost access to the session). */
  close?: () => void;
}

/** Called once per push: does the shared work, returns what each screen gets. */
type Prepare = () => ((sub: Subscriber) => string | undefined) | undefined;

/** Coalesces bursts (a class voting at once) into one push per window. */
const WINDOW_MS = 15;

export class LiveHub {
  private subs = new Map<string, Set<Subscriber>>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Whether the scheduled push goes to every screen or only the full views (trainer, projector). */
  private audience = new Map<string, 'all' | 'full'>();

  subscribe(sessionId: string, sub: Subscriber): () => void {
    const set = this.subs.get(sessionId) ?? new Set();
    set.add(sub);
    this.subs.set(sessionId, set);
    return () => {
      set.delete(sub);
      if (!set.size) this.subs.delete(sessionId);
    };
  }

  /** Closes this person's streams of the session (not the full views: a trainer's screens stay). */
  drop(sessionId: string, userId: string) {
    for (const sub of [...(this.subs.get(sessionId) ?? [])]) if (sub.userId === userId && !sub.full) sub.close?.();
  }

  count(sessionId: string) {
    return this.subs.get(sessionId)?.size ?? 0;
  }

  /**
   * Schedules a push of the session's current state. A vote changes only what
   * the trainer and projector show (phones see the tally after the reveal), so
   * `audience: 'full'` skips the phones: a class voting at once then costs a
   * few pushes to two screens, not hundreds of pushes to every phone.
   */
  notify(sessionId: string, prepare: Prepare, audience: 'all' | 'full' = 'all') {
    if (audience === 'all' || !this.audience.has(sessionId)) this.audience.set(sessionId, audience);
    if (this.timers.has(sessionId)) return;
    this.timers.set(
      sessionId,
      setTimeout(() => {
        this.timers.delete(sessionId);
        const to = this.audience.get(sessionId) ?? 'all';
        this.audience.delete(sessionId);
        const subs = this.subs.get(sessionId);
        if (!subs?.size) return;
        const build = prepare();
        if (!build) return;
        for (const sub of subs) {
          if (to === 'full' && !sub.full) continue;
          const data = build(sub);
          if (data) sub.send(`event: state\ndata: ${data}\n\n`);
        }
      }, WINDOW_MS),
    );
  }
}

export const liveHub = new LiveHub();
