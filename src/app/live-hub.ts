// Fan-out of live-session updates to this process's Server-Sent Event streams.
// State lives in storage (so a session survives a restart and every server
// sees it); changes arrive through the notifier (live-service.ts `watch`), and
// this only pushes them to the screens connected here.

export interface Subscriber {
  userId: string;
  full: boolean;
  send: (chunk: string) => void;
  /** Ends the stream (the person lost access to the session). */
  close?: () => void;
}

/** Called once per push: does the shared work, returns what each screen gets. */
type Prepare = () => Promise<((sub: Subscriber) => string | undefined) | undefined>;

/** Coalesces bursts (a class voting at once) into one push per window. */
const WINDOW_MS = 15;

export class LiveHub {
  private subs = new Map<string, Set<Subscriber>>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Whether the scheduled push goes to every screen or only the full views (trainer, projector). */
  private audience = new Map<string, 'all' | 'full'>();
  /** Per session with screens here: how to stop listening for its changes. */
  private listening = new Map<string, () => void>();

  /**
   * Adds a screen. The first screen of a session starts `listen` (subscribe
   * to the session's changes; it returns how to stop), the last one to leave stops it.
   */
  subscribe(sessionId: string, sub: Subscriber, listen?: () => () => void): () => void {
    const set = this.subs.get(sessionId) ?? new Set();
    set.add(sub);
    this.subs.set(sessionId, set);
    if (listen && !this.listening.has(sessionId)) this.listening.set(sessionId, listen());
    return () => {
      set.delete(sub);
      if (!set.size && this.subs.get(sessionId) === set) {
        this.subs.delete(sessionId);
        this.listening.get(sessionId)?.();
        this.listening.delete(sessionId);
      }
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
        if (!this.subs.get(sessionId)?.size) return;
        prepare()
          .then((build) => {
            const subs = this.subs.get(sessionId);
            if (!build || !subs) return;
            for (const sub of subs) {
              if (to === 'full' && !sub.full) continue;
              const data = build(sub);
              if (data) sub.send(`event: state\ndata: ${data}\n\n`);
            }
          })
          .catch((e) => console.error(`[live] could not push session ${sessionId}: ${e instanceof Error ? e.message : String(e)}`));
      }, WINDOW_MS),
    );
  }
}

export const liveHub = new LiveHub();
