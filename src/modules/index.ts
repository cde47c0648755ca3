import { parseModules, type CourseModule } from './load';
import type { SourceFile } from '../content/frontmatter';
import { ContentError } from '../content/problems';
import type { CourseHeadings } from '../quiz/source';

export { gradeCheck, courseOverview, moduleStatus, foldCheckAttempt, shouldRecordOpen, completedChapters, REOPEN_WINDOW_MS, type CheckOutcome, type CheckResult, type CourseOverview, type ModuleStatus, type ModuleProgressRecord } from './progress';
export type { CourseModule } from './load';
export type { CheckQuestion } from './schema';
export { CHAPTER_COUNT } from './load';
export { checkReview } from './review';
export { dealCheck, shownIn, type ShownAttempt } from './draw';

/** The course, loaded once: modules by chapter. Throws ContentError listing every problem. */
export function loadCourse(files: SourceFile[]) {
  const { modules, problems } = parseModules(files);
  if (problems.length) throw new ContentError(problems);
  const byChapter = new Map(modules.map((m) => [m.chapter, m]));
  /** Each chapter's headings, to link a question's `source` to the section it comes from. */
  const headings: CourseHeadings = new Map(modules.map((m) => [m.chapter, m.toc]));
  return { modules, headings, get: (chapter: number): CourseModule | undefined => byChapter.get(chapter) };
}
export type Course = ReturnType<typeof loadCourse>;
