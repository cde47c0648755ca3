import type { APIRoute } from 'astro';
import { z } from 'zod';
import { control } from '../../../../app/live-service';
import { api, json, readJson } from '../../../../app/http';

const body = z.object({
  action: z.enum(['start', 'reveal', 'advance', 'pair', 'round', 'end']),
  choiceId: z.string().min(1).max(80).optional(),
});

/** The session's trainer drives it: start, reveal, advance (class majority or a picked branch), pair, the next round of pairs, end. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const { action, choiceId } = await readJson(request, body);
    const s = await control(locals.runtime, locals.user!, params.id ?? '', action, choiceId, new Date());
    return json({ status: s.status, step: s.path.length + 1 });
  });
