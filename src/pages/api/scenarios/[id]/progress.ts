import type { APIRoute } from 'astro';
import { progressSchema } from '../../../../scenarios';
import { api, json, readJson } from '../../../../app/http';
import { saveProgress } from '../../../../app/scenario-service';

/** Saves a half-played path (validated as a real prefix) so the conversation resumes after a reload. */
export const PUT: APIRoute = ({ params, locals, request }) =>
  api(async () => {
    const sub = await readJson(request, progressSchema);
    await saveProgress(locals.runtime, locals.user!, params.id, sub, new Date());
    return json({ saved: sub.choiceIds.length });
  });

/** Forgets the half-played path ("try again"). */
export const DELETE: APIRoute = ({ params, locals }) =>
  api(async () => {
    await locals.runtime.store.clearScenarioProgress(locals.user!.id, params.id ?? '');
    return json({ cleared: true });
  });
