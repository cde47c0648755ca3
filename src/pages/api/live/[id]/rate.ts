import type { APIRoute } from 'astro';
import { rate } from '../../../../app/live-service';
import { rubricScoreSchema } from '../../../../live';
import { api, json, readJson } from '../../../../app/http';

/** A rubric score (1–5 per dimension, comment) for an agent in pair role-play, from the trainer or the agent's group. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const score = await readJson(request, rubricScoreSchema);
    const rec = await rate(locals.runtime, locals.user!, params.id ?? '', score, new Date());
    return json({ id: rec.id }, 201);
  });
