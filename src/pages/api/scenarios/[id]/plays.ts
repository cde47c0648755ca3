import type { APIRoute } from 'astro';
import { z } from 'zod';
import { MODES } from '../../../../scenarios';
import { api, json, readJson } from '../../../../app/http';
import { startPlay, viewOf } from '../../../../app/scenario-service';

const startSchema = z.object({ mode: z.enum(MODES) });

/** Starts a play (an open one of the same scenario is given up); answers with its first turn. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const { mode } = await readJson(request, startSchema, 1024);
    const now = new Date();
    const play = await startPlay(locals.runtime, locals.user!, params.id, mode, now);
    return json({ view: viewOf(locals.runtime, play, now) }, 201);
  });
