import type { APIRoute } from 'astro';
import { gradeCheck } from '../../../modules';
import { readForm, BadRequest } from '../../../app/http';

/** Grades a knowledge check on the server and shows the result on the module page. */
export const POST: APIRoute = async ({ params, locals, request, redirect }) => {
  const { store, course } = locals.runtime;
  const module = course.get(Number(params.chapter));
  if (!module) return new Response('没有这一章', { status: 404 });
  let form: FormData;
  try {
    form = await readForm(request);
  } catch (e) {
    const err = e as BadRequest;
    return new Response(err.message, { status: err.status ?? 400 });
  }
  const graded = gradeCheck(module, (id) => form.getAll(id).map(String));
  const attempt = await store.recordCheckAttempt({
    userId: locals.user!.id,
    chapter: module.chapter,
    results: graded.results,
    correct: graded.correct,
    total: graded.total,
    percent: graded.percent,
    passed: graded.passed,
    at: new Date().toISOString(),
  });
  return redirect(`/modules/${module.chapter}?attempt=${attempt.id}#check-result`, 303);
};
