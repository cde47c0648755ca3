import type { APIRoute } from 'astro';
import { liveEvents } from '../../../../app/live-view';

/** Server-Sent Events: the session's current state at once, then every change. EventSource reconnects by itself. */
export const GET: APIRoute = ({ params, locals, request }) => liveEvents(locals.runtime, locals.user!, params.id ?? '', request.signal);
