import { CATEGORIES, type Category, type ExamQuestion } from './schema';
import type { Blueprint } from './blueprint';
import type { Paper } from './paper';
import { scoreQuestion, isCorrect, type Response } from './grade';

export interface CategoryResult {
  earned: number;
  total: number;
  percent: number;
}

export interface ExamResult {
  earned: number;
  total: number;
  percent: number;
  passed: boolean;
  byCategory: Record<Category, CategoryResult>;
  /** The category with the lowest percentage (ties: blueprint order). */
  weakest: Category;
  /** Chapters of the questions not fully right, most missed first: what to review. */
  reviewChapters: number[];
  questions: Array<{ id: string; credit: number; correct: boolean }>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Grades a paper against the saved answers: each question is worth 1, partial credit by the blueprint's rules. */
export function gradePaper(paper: Paper, answers: Record<string, unknown>, bank: ReadonlyMap<string, ExamQuestion>, blueprint: Blueprint): ExamResult {
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { earned: 0, total: 0, percent: 0 }])) as Record<Category, CategoryResult>;
  const missed = new Map<number, number>();
  const questions = paper.questions.map(({ id }) => {
    const q = bank.get(id)!;
    const r = answers[id] as Response;
    const credit = scoreQuestion(q, r, blueprint.partialCredit);
    byCategory[q.category].earned += credit;
    byCategory[q.category].total += 1;
    if (credit < 1) missed.set(q.chapter, (missed.get(q.chapter) ?? 0) + (1 - credit));
    return { id, credit: round1(credit * 100) / 100, correct: isCorrect(q, r) };
  });
  let earned = 0;
  let total = 0;
  for (const c of CATEGORIES) {
    const r = byCategory[c];
    earned += r.earned;
    total += r.total;
    r.percent = r.total ? Math.round((r.earned / r.total) * 100) : 0;
    r.earned = round1(r.earned);
  }
  const percent = total ? Math.round((earned / total) * 100) : 0;
  const weakest = CATEGORIES.filter((c) => byCategory[c].total > 0).reduce((a, b) => (byCategory[b].percent < byCategory[a].percent ? b : a));
  return {
    earned: round1(earned),
    total,
    percent,
    passed: percent >= blueprint.passPercent,
    byCategory,
    weakest,
    reviewChapters: [...missed.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([c]) => c),
    questions,
  };
}

/**
 * Every category sharing the lowest percentage, in blueprint order (a tie is
 * worded as a tie, never one of them picked); none when even the lowest is full marks.
 */
export function weakestCategories(byCategory: Readonly<Record<Category, CategoryResult>>): Category[] {
  const sat = CATEGORIES.filter((c) => byCategory[c].total > 0);
  const low = Math.min(...sat.map((c) => byCategory[c].percent));
  return low >= 100 ? [] : sat.filter((c) => byCategory[c].percent === low);
}

export interface AttemptTimes {
  startedAt: string;
  deadline: string;
  submittedAt?: string;
}

export type AttemptState = 'open' | 'grace' | 'overdue' | 'submitted';

/** open until the deadline; grace for `graceSeconds` after it (saves still accepted); then overdue (to be submitted as saved). */
export function attemptState(a: AttemptTimes, now: Date, graceSeconds: number): AttemptState {
  if (a.submittedAt) return 'submitted';
  const t = now.getTime();
  const deadline = Date.parse(a.deadline);
  if (t <= deadline) return 'open';
  return t <= deadline + graceSeconds * 1000 ? 'grace' : 'overdue';
}

export const deadlineFor = (startedAt: Date, b: Blueprint) => new Date(startedAt.getTime() + b.timeLimitMinutes * 60_000);

/** `M`: how a missing prerequisite is described (the certification rules' structured items). */
export type Eligibility<M = unknown> =
  | { ok: true; attemptsLeft: number }
  | { ok: false; reason: 'prerequisites' | 'attempts' | 'wait' | 'in-progress' | 'certified'; until?: string; missing?: M[] };

/**
 * Whether a trainee may start an exam attempt now. Attempts count since the
 * last certificate expired (an expired certificate sends the person back to
 * recertify with a fresh allowance).
 */
export function examEligibility<M>(input: {
  blueprint: Blueprint;
  now: Date;
  attempts: ReadonlyArray<AttemptTimes>;
  prerequisitesMissing: M[];
  waived: boolean;
  hasValidCertificate: boolean;
  countSince?: string;
}): Eligibility<M> {
  const { blueprint: b, now } = input;
  if (input.hasValidCertificate) return { ok: false, reason: 'certified' };
  if (input.prerequisitesMissing.length && !input.waived) return { ok: false, reason: 'prerequisites', missing: input.prerequisitesMissing };
  const counted = input.attempts.filter((a) => !input.countSince || a.startedAt > input.countSince);
  if (counted.some((a) => !a.submittedAt)) return { ok: false, reason: 'in-progress' };
  if (counted.length >= b.attemptsAllowed) return { ok: false, reason: 'attempts' };
  const last = counted.map((a) => a.submittedAt!).sort().at(-1);
  if (last) {
    const until = new Date(Date.parse(last) + b.hoursBetweenAttempts * 3_600_000);
    if (now < until) return { ok: false, reason: 'wait', until: until.toISOString() };
  }
  return { ok: true, attemptsLeft: b.attemptsAllowed - counted.length };
}
