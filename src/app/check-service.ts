// Application services for the knowledge check at the end of each module: grading
// on the server, and the review of a graded attempt at the level it earned.
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import type { UserRecord, CheckAttemptRecord } from '../store';
import { gradeCheck, checkReview, type CheckResult } from '../modules';
import type { AttemptReview } from '../quiz';
import { NotFound } from './errors';

/** Grades a submitted check (form fields named after the question ids) and records it; 404 for an unknown chapter. */
export async function submitCheck(rt: Runtime, user: UserRecord, chapter: number, form: (questionId: string) => string[], now: Date): Promise<CheckAttemptRecord> {
  const module = rt.course.get(chapter);
  if (!module) throw new NotFound('moduleNotFound');
  const graded = gradeCheck(module, form);
  return storageOf(rt).recordCheckAttempt({
    userId: user.id,
    chapter: module.chapter,
    results: graded.results,
    correct: graded.correct,
    total: graded.total,
    percent: graded.percent,
    passed: graded.passed,
    at: now.toISOString(),
  });
}

export interface CheckAttemptView {
  result: CheckResult;
  review: AttemptReview;
  /** A failed attempt whose keys are held back, while a pass would show them. */
  keysAfterPass: boolean;
}

/**
 * A graded attempt to show on the module page: only the person's own, only
 * for this chapter (anyone else's id shows nothing), reviewed at the level its
 * own result earns, never more.
 */
export async function checkAttemptView(rt: Runtime, user: UserRecord, chapter: number, attemptId: string | null): Promise<CheckAttemptView | undefined> {
  const module = rt.course.get(chapter);
  const attempt = attemptId ? await storageOf(rt).getCheckAttempt(attemptId) : undefined;
  if (!module || !attempt || attempt.userId !== user.id || attempt.chapter !== chapter) return undefined;
  const review = checkReview(module, attempt, rt.course.headings);
  return {
    result: attempt,
    review,
    keysAfterPass: !attempt.passed && review.level !== 'explanations' && module.knowledgeCheck.review.passed === 'explanations',
  };
}
