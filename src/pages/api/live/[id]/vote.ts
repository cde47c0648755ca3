import type { APIRoute } from 'astro';
import { z } from 'zod';
import { vote } from '../../../../app/live-service';
import { api, json, readJson } from '../../../../app/http';

const body = z.object({ choiceId: z.string().min(1).max(80) });

export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const { choiceId } = await readJson(request, body);
    await vote(locals.runtime, locals.user!, params.id ?? '', choiceId);
    return json({ voted: choiceId });
  });
