import type { CourseModule } from './load';
import type { CheckResult } from './progress';
import { buildReview, reviewLevel, type AttemptReview } from '../quiz/review';
import { sectionsOf, type CourseHeadings } from '../quiz/source';

/**
 * The review of a graded knowledge check at the level its own result earns
 * (the module's `knowledgeCheck.review`). Questions the attempt has no result
 * for (the check was edited since) are left out.
 */
export function checkReview(module: CourseModule, result: CheckResult, headings: CourseHeadings): AttemptReview {
  const byId = new Map(module.knowledgeCheck.questions.map((q) => [q.id, q]));
  // In the order the attempt showed them (its results follow the questions it was dealt).
  const graded = result.results.flatMap((r) => {
    const question = byId.get(r.id);
    return question ? [{ question, response: r.given, credit: r.correct ? 1 : 0, correct: r.correct }] : [];
  });
  return buildReview(graded, reviewLevel(module.knowledgeCheck.review, result.passed), (q) => sectionsOf(q.source, module.chapter, headings));
}
