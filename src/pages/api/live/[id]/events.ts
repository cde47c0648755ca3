import type { APIRoute } from 'astro';
import { watchAccess, watch } from '../../../../app/live-service';
import { api } from '../../../../app/http';

/**
 * Server-Sent Events: the session's current state at once (so a phone that
 * reconnects catches up), then every change. EventSource reconnects by itself.
 */
export const GET: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const rt = locals.runtime;
    const user = locals.user!;
    const id = params.id ?? '';
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
        request.signal?.addEventListener('abort', cleanup);
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
