import type { APIRoute } from 'astro';
import { z } from 'zod';
import { saveAnswer } from '../../../../app/exam-service';
import { api, json, readJson } from '../../../../app/http';

const body = z.object({ questionId: z.string().min(1).max(40), response: z.unknown() });

/** Autosave of one answer (in the paper's option tokens; null clears it). */
export const PUT: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const { questionId, response } = await readJson(request, body);
    await saveAnswer(locals.runtime, locals.user!, params.id ?? '', questionId, response ?? null, new Date());
    return json({ saved: true });
  });
