import type { APIRoute } from 'astro';
import { z } from 'zod';
import { api, json, readJson } from '../../../../app/http';
import { StepRefused, takeStep, viewOf } from '../../../../app/scenario-service';

/** One choice: its per-play token and the step it was made at (so a replayed or stale one is refused). */
const stepSchema = z.object({ token: z.string().min(1).max(40), at: z.number().int().min(0).max(500) });

/** Takes one choice of the signed-in person's play; answers with the next turn as the server deals it. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const { token, at } = await readJson(request, stepSchema, 1024);
    const now = new Date();
    try {
      const { play, attempt } = await takeStep(locals.runtime, locals.user!, params.id, token, at, now);
      return json({ view: viewOf(locals.runtime, play, now), attemptId: attempt?.id });
    } catch (e) {
      // The refusal carries the play as it now stands: the page shows that, never a fork.
      if (e instanceof StepRefused) return json({ error: e.message, view: viewOf(locals.runtime, e.play, now) }, e.status);
      throw e;
    }
  });
