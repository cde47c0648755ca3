import type { APIRoute } from 'astro';
import { scoreSubmission, submissionSchema, SubmissionError } from '../../../../scenarios';
import { api, json, readJson, BadRequest } from '../../../../app/http';

/** Scores a finished role-play by replaying its choices on the server; the client's view of the score is never read. */
export const POST: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const sub = await readJson(request, submissionSchema);
    if (sub.scenarioId !== params.id) throw new BadRequest('scenarioId 与地址不一致');
    let scored;
    try {
      scored = scoreSubmission(locals.runtime.scenarios.get(sub.scenarioId), sub);
    } catch (e) {
      if (e instanceof SubmissionError) throw new BadRequest(e.message);
      throw e;
    }
    const attempt = await locals.runtime.store.recordScenarioAttempt({
      userId: locals.user!.id,
      scenarioId: sub.scenarioId,
      mode: sub.mode,
      choiceIds: sub.choiceIds,
      ...scored,
      at: new Date().toISOString(),
    });
    return json({ attempt: { id: attempt.id, ending: attempt.ending, outcome: attempt.outcome, scores: attempt.scores, moods: attempt.moods, version: attempt.version } }, 201);
  });
