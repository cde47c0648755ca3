import type { CourseModule } from './load';
import type { CheckQuestion } from './schema';
import { isCorrect, responseFromForm, type Response } from '../quiz/grade';

export type ModuleStatus = 'not_started' | 'in_progress' | 'completed';

/** What the store keeps per trainee and module. */
export interface ModuleProgressRecord {
  chapter: number;
  openedAt: string;
  lastOpenedAt: string;
  completedAt?: string;
  bestPercent?: number;
}

export interface QuestionResult {
  id: string;
  correct: boolean;
  answered: boolean;
  /** Option ids (or true/false) the trainee chose, for showing the review. */
  given: Response;
}

export interface CheckResult {
  chapter: number;
  results: QuestionResult[];
  correct: number;
  total: number;
  percent: number;
  passed: boolean;
}

/**
 * Grades a knowledge check from raw form fields against the questions the
 * server dealt for this attempt (`dealt`, ids in display order): form fields
 * for any other question are ignored, and a dealt id no longer in the module
 * (edited since) is left out. Never trusts the browser for which questions were asked.
 */
export function gradeCheck(module: CourseModule, dealt: readonly string[], form: (questionId: string) => string[]): CheckResult {
  const byId = new Map(module.knowledgeCheck.questions.map((q) => [q.id, q]));
  const questions: CheckQuestion[] = dealt.flatMap((id) => byId.get(id) ?? []);
  const results = questions.map((q) => {
    const given = responseFromForm(q, form(q.id));
    return { id: q.id, given, answered: given !== undefined, correct: isCorrect(q, given) };
  });
  const correct = results.filter((r) => r.correct).length;
  const percent = questions.length ? Math.round((correct / questions.length) * 100) : 0;
  return { chapter: module.chapter, results, correct, total: questions.length, percent, passed: questions.length > 0 && percent >= module.knowledgeCheck.passPercent };
}

/** What a graded knowledge check adds to a module's progress. */
export interface CheckOutcome {
  chapter: number;
  percent: number;
  passed: boolean;
  /** When it was submitted (ISO). */
  at: string;
}

/**
 * A module's progress after one more knowledge check: the best percent never
 * drops, and the module is completed at the first passed check (a later pass
 * keeps that first time). A check without an earlier open starts the record.
 * A new object; the other fields of `p` (a stored record's owner) are copied.
 */
export function foldCheckAttempt(p: ModuleProgressRecord | undefined, a: CheckOutcome): ModuleProgressRecord {
  const base = p ?? { chapter: a.chapter, openedAt: a.at, lastOpenedAt: a.at };
  const completedAt = base.completedAt ?? (a.passed ? a.at : undefined);
  return { ...base, bestPercent: Math.max(base.bestPercent ?? 0, a.percent), ...(completedAt ? { completedAt } : {}) };
}

/** A module opened again within this long of the last recorded open is not worth a write. */
export const REOPEN_WINDOW_MS = 60_000;

/** Whether opening a module at `now` is recorded: the first open, or one at least REOPEN_WINDOW_MS from the last (either way, should clocks step back). */
export function shouldRecordOpen(existing: Pick<ModuleProgressRecord, 'lastOpenedAt'> | undefined, now: Date): boolean {
  return !existing || Math.abs(now.getTime() - Date.parse(existing.lastOpenedAt)) >= REOPEN_WINDOW_MS;
}

/** The chapters completed, from a person's module progress records. */
export const completedChapters = (progress: ReadonlyArray<Pick<ModuleProgressRecord, 'chapter' | 'completedAt'>>): number[] =>
  progress.filter((p) => moduleStatus(p) === 'completed').map((p) => p.chapter);

export function moduleStatus(p: Pick<ModuleProgressRecord, 'completedAt'> | undefined): ModuleStatus {
  if (!p) return 'not_started';
  return p.completedAt ? 'completed' : 'in_progress';
}

export interface CourseOverview {
  items: Array<{ module: CourseModule; status: ModuleStatus; bestPercent?: number }>;
  completed: number;
  total: number;
  percent: number;
  /** The module to open next: the most recently opened unfinished one, else the first not started. */
  next?: CourseModule;
}

export function courseOverview(modules: CourseModule[], progress: readonly Readonly<ModuleProgressRecord>[]): CourseOverview {
  const byChapter = new Map(progress.map((p) => [p.chapter, p]));
  const items = modules.map((module) => {
    const p = byChapter.get(module.chapter);
    return { module, status: moduleStatus(p), bestPercent: p?.bestPercent };
  });
  const completed = items.filter((i) => i.status === 'completed').length;
  const inProgress = progress
    .filter((p) => !p.completedAt && modules.some((m) => m.chapter === p.chapter))
    .sort((a, b) => b.lastOpenedAt.localeCompare(a.lastOpenedAt))[0];
  const next = inProgress
    ? modules.find((m) => m.chapter === inProgress.chapter)
    : items.find((i) => i.status === 'not_started')?.module;
  return { items, completed, total: modules.length, percent: modules.length ? Math.round((completed / modules.length) * 100) : 0, next };
}
