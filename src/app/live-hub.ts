// In-process fan-out of live-session updates to Server-Sent Event streams.
// State lives in the store (so a session survives a restart); this only pushes.

export interface Subscriber {
  userId: string;
  full: boolean;
  send: (chunk: string) => void;
}

type Builder = (sub: Subscriber) => string | undefined;

/** Coalesces bursts (a class voting at once) into one push per window. */
const WINDOW_MS = 15;

export class LiveHub {
  private subs = new Map<string, Set<Subscriber>>();
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  subscribe(sessionId: string, sub: Subscriber): () => void {
    const set = this.subs.get(sessionId) ?? new Set();
    set.add(sub);
    this.subs.set(sessionId, set);
    return () => {
      set.delete(sub);
      if (!set.size) this.subs.delete(sessionId);
    };
  }

  count(sessionId: string) {
    return this.subs.get(sessionId)?.size ?? 0;
  }

  /** Schedules a push of the session's current state to every screen watching it. */
  notify(sessionId: string, build: Builder) {
    if (this.timers.has(sessionId)) return;
    this.timers.set(
      sessionId,
      setTimeout(() => {
        this.timers.delete(sessionId);
        for (const sub of this.subs.get(sessionId) ?? []) {
          const data = build(sub);
          if (data) sub.send(`event: state\ndata: ${data}\n\n`);
        }
      }, WINDOW_MS),
    );
  }
}

export const liveHub = new LiveHub();
