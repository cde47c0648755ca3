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
  const byId = new Map(result.results.map((r) => [r.id, r]));
  const graded = module.knowledgeCheck.questions.flatMap((q) => {
    const r = byId.get(q.id);
    return r ? [{ question: q, response: r.given, credit: r.correct ? 1 : 0, correct: r.correct }] : [];
  });
  return buildReview(graded, reviewLevel(module.knowledgeCheck.review, result.passed), (q) => sectionsOf(q.source, module.chapter, headings));
}
