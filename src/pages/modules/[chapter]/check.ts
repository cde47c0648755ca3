import type { APIRoute } from 'astro';
import { submitCheck, DEALT_FIELD } from '../../../app/check-service';
import { readForm, refusal } from '../../../app/http';

/** Grades a knowledge check on the server and shows the result on the module page. */
export const POST: APIRoute = async ({ params, locals, request, redirect }) => {
  try {
    const form = await readForm(request);
    const attempt = await submitCheck(locals.runtime, locals.user!, Number(params.chapter), (id) => form.getAll(id).map(String), new Date(), form.get(DEALT_FIELD)?.toString());
    return redirect(`/modules/${attempt.chapter}?attempt=${attempt.id}#check-result`, 303);
  } catch (e) {
    const r = refusal(e);
    if (!r) throw e;
    return new Response(r.message, { status: r.status });
  }
};
