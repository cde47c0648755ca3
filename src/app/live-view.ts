// Views of the live-session pages and the event stream: each reads (never
// writes) and returns what its page or endpoint sends.
import { storageOf, type Runtime } from './runtime';
import type { UserRecord } from '../store';
import { api } from './http';
import { mayUsePhone, viewFor, watch, watchAccess } from './live-service';

/** A trainee's phone view of a session: only a participant still in the cohort (joining is by code); undefined otherwise. */
export async function phoneView(rt: Runtime, me: UserRecord, id: string) {
  const session = await storageOf(rt).getLiveSession(id);
  if (!session || !(await mayUsePhone(rt, me, session))) return undefined;
  return viewFor(rt, session, { userId: me.id, full: false });
}

/**
 * Server-Sent Events of one session: the current state at once (so a phone
 * that reconnects catches up), then every change, with a comment every 15 s
 * to keep proxies from closing the stream. A refusal is answered as JSON (4xx).
 */
export const liveEvents = (rt: Runtime, user: UserRecord, id: string, signal: AbortSignal | undefined) =>
  api(async () => {
    const { full } = await watchAccess(rt, user, id);
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        let closed = false;
        const send = (chunk: string) => {
          if (closed) return;
          try {
            controller.enqueue(encoder.encode(chunk));
          } catch {
            cleanup();
          }
        };
        const sub = { userId: user.id, full, send, close: () => cleanup() };
        let unsubscribe = () => {};
        const heartbeat = setInterval(() => send(': keep-alive\n\n'), 15_000);
        cleanup = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          unsubscribe();
          try {
            controller.close();
          } catch {
            /* already closed */
          }
        };
        signal?.addEventListener('abort', cleanup);
        send('retry: 2000\n\n');
        const stop = await watch(rt, id, sub);
        if (closed) stop();
        else unsubscribe = stop;
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
    });
  });
