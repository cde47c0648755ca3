import { parseQuestionBank, parseBlueprint, bankVersion } from './load';
import type { SourceFile } from '../content/frontmatter';
import { ContentError } from '../content/problems';
import type { ExamQuestion } from './schema';

export { assemblePaper, shownHistory, publicPaper, responseFromPublic, responseToPublic, AnswerError, type Paper, type PaperQuestion, type PublicQuestion, type ShownHistory } from './paper';
export { gradePaper, weakestCategories, attemptState, deadlineFor, examEligibility, type ExamResult, type Eligibility, type AttemptState } from './exam';
export { paperSize, type Blueprint } from './blueprint';
export { CATEGORIES, type Category, type ExamQuestion, type Question } from './schema';
export { isCorrect, scoreQuestion } from './grade';
export { reviewLevel, reviewShows, buildReview, paperReview, REVIEW_LEVELS, DEFAULT_REVIEW, type ReviewLevel, type ReviewPolicy, type ReviewShows, type AttemptReview, type QuestionReview, type SectionToReread } from './review';
export { sectionsOf, type SectionRef, type CourseHeadings, type Heading } from './source';

/** The exam: bank, blueprint and the bank's fingerprint. Throws ContentError listing every problem. */
export function loadExam(questionFiles: SourceFile[], blueprintFile: SourceFile | undefined, takenIds?: ReadonlyMap<string, string>) {
  const { questions, problems } = parseQuestionBank(questionFiles, takenIds);
  const bp = parseBlueprint(blueprintFile, questions);
  problems.push(...bp.problems);
  if (problems.length || !bp.blueprint) throw new ContentError(problems);
  return {
    questions,
    bank: new Map<string, ExamQuestion>(questions.map((q) => [q.id, q])),
    blueprint: bp.blueprint,
    version: bankVersion(questions),
  };
}
export type Exam = ReturnType<typeof loadExam>;
export { describeResponse, describeKey } from './describe';
