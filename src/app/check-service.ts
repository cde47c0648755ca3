// Application services for the knowledge check at the end of each module: the
// questions of the next attempt (dealt on the server), grading on the server
// against what was dealt, and the review of a graded attempt at the level it earned.
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import type { UserRecord, CheckAttemptRecord } from '../store';
import { gradeCheck, checkReview, dealCheck, type CheckResult, type CheckQuestion, type CourseModule } from '../modules';
import type { AttemptReview } from '../quiz';
import { Conflict, NotFound } from './errors';

/** The form field that names the questions the page showed: checked against the server's deal, never used to choose what is graded. */
export const DEALT_FIELD = '_dealt';

/** The ids the server deals for the person's next attempt at this chapter's check. */
async function nextDeal(rt: Runtime, user: UserRecord, module: CourseModule): Promise<string[]> {
  return dealCheck(module, user.id, await storageOf(rt).listCheckAttempts(user.id, module.chapter));
}

/** The questions of the person's next attempt, in display order (the page shows these, without keys). */
export async function dealtQuestions(rt: Runtime, user: UserRecord, module: CourseModule): Promise<CheckQuestion[]> {
  const byId = new Map(module.knowledgeCheck.questions.map((q) => [q.id, q]));
  return (await nextDeal(rt, user, module)).map((id) => byId.get(id)!);
}

/**
 * Grades a submitted check (form fields named after the question ids) against
 * the questions the server deals for this attempt, and records it with them;
 * 404 for an unknown chapter. A form that shows other questions than the
 * server deals now (an old tab, after another attempt was submitted) is
 * refused (409) rather than graded as unanswered. `shown`: the ids the page
 * showed (the DEALT_FIELD), only compared with the deal.
 */
export async function submitCheck(rt: Runtime, user: UserRecord, chapter: number, form: (questionId: string) => string[], now: Date, shown?: string): Promise<CheckAttemptRecord> {
  const module = rt.course.get(chapter);
  if (!module) throw new NotFound('moduleNotFound');
  const dealt = await nextDeal(rt, user, module);
  if (shown !== undefined && shown !== dealt.join(',')) throw new Conflict('checkRedealt');
  const graded = gradeCheck(module, dealt, form);
  return storageOf(rt).recordCheckAttempt({
    userId: user.id,
    chapter: module.chapter,
    results: graded.results,
    correct: graded.correct,
    total: graded.total,
    percent: graded.percent,
    passed: graded.passed,
    at: now.toISOString(),
    dealt,
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
