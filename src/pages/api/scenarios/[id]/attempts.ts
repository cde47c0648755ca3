import type { APIRoute } from 'astro';
import { submissionSchema } from '../../../../scenarios';
import { api, json, readJson } from '../../../../app/http';
import { submitAttempt } from '../../../../app/scenario-service';

/** Scores a finished role-play by replaying its choices on the server; the client's view of the score is never read. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const attempt = await submitAttempt(locals.runtime, locals.user!, params.id, await readJson(request, submissionSchema), new Date());
    return json({ attempt: { id: attempt.id, ending: attempt.ending, outcome: attempt.outcome, scores: attempt.scores, moods: attempt.moods, version: attempt.version } }, 201);
  });
