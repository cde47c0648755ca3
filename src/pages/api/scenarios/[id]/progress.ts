import type { APIRoute } from 'astro';
import { checkProgress, progressSchema, SubmissionError } from '../../../../scenarios';
import { api, json, readJson, BadRequest } from '../../../../app/http';

/** Saves a half-played path (validated as a real prefix) so the conversation resumes after a reload. */
export const PUT: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const sub = await readJson(request, progressSchema);
    if (sub.scenarioId !== params.id) throw new BadRequest('scenarioId 与地址不一致');
    try {
      checkProgress(locals.runtime.scenarios.get(sub.scenarioId), sub);
    } catch (e) {
      if (e instanceof SubmissionError) throw new BadRequest(e.message);
      throw e;
    }
    await locals.runtime.store.saveScenarioProgress({ userId: locals.user!.id, ...sub, updatedAt: new Date().toISOString() });
    return json({ saved: sub.choiceIds.length });
  });

/** Forgets the half-played path ("try again"). */
export const DELETE: APIRoute = ({ params, locals }) =>
  api(async () => {
    await locals.runtime.store.clearScenarioProgress(locals.user!.id, params.id ?? '');
    return json({ cleared: true });
  });
