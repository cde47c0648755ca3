import type { APIRoute } from 'astro';
import { submitExam } from '../../../../app/exam-service';
import { api, json } from '../../../../app/http';

/** Hands the paper in: graded on the server from the saved answers; a second submission is refused (409). */
export const POST: APIRoute = ({ params, locals }) =>
  api(async () => {
    const { attempt, certificate } = await submitExam(locals.runtime, locals.user!, params.id ?? '', new Date());
    return json({ percent: attempt.result!.percent, passed: attempt.result!.passed, certificateId: certificate?.id });
  });
