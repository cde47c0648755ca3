import { z } from 'zod';
import type { ExamQuestion, Question } from './schema';
import type { ExamResult } from './exam';
import { sectionsOf, type CourseHeadings, type SectionRef } from './source';
import { describeResponse, describeKey } from './describe';

/**
 * How much of a graded attempt a trainee sees, from least to most:
 * - `score`: the total (and, for the exam, the scores by category);
 * - `correctness`: also which questions were right or wrong, with the
 *   section of the chapter to re-read, but never the correct option;
 * - `explanations`: also the correct answers and their explanations.
 */
export const REVIEW_LEVELS = ['score', 'correctness', 'explanations'] as const;
export const reviewLevelSchema = z.enum(REVIEW_LEVELS);
export type ReviewLevel = z.infer<typeof reviewLevelSchema>;

export const DEFAULT_REVIEW = { failed: 'correctness', passed: 'explanations' } as const;

/** What a trainee sees after an attempt, by whether it passed (like Moodle's review options). */
export const reviewPolicySchema = z.strictObject({
  /** After a failed attempt. Default `correctness`: which questions were wrong and what to re-read, no keys. */
  failed: reviewLevelSchema.default(DEFAULT_REVIEW.failed),
  /** After a passed attempt. Default `explanations`: the correct answers and why. */
  passed: reviewLevelSchema.default(DEFAULT_REVIEW.passed),
});
export type ReviewPolicy = z.infer<typeof reviewPolicySchema>;

/** The level an attempt is reviewed at: decided by that attempt's own result, never by a later or earlier one. */
export const reviewLevel = (policy: ReviewPolicy, passed: boolean): ReviewLevel => (passed ? policy.passed : policy.failed);

/** What a level shows, field by field, so a renderer never compares level names itself. */
export interface ReviewShows {
  /** Right/wrong per question and the section to re-read. */
  perQuestion: boolean;
  /** The correct answers and the explanations. */
  keys: boolean;
}

export function reviewShows(level: ReviewLevel): ReviewShows {
  return { perQuestion: level !== 'score', keys: level === 'explanations' };
}

/**
 * A policy that shows more after failing than after passing would reward
 * failing on purpose (fail, read the keys, retake). Returns [path, message]
 * pairs relative to the policy.
 */
export function reviewPolicyProblems(policy: ReviewPolicy): Array<[string, string]> {
  const rank = (l: ReviewLevel) => REVIEW_LEVELS.indexOf(l);
  if (rank(policy.failed) <= rank(policy.passed)) return [];
  return [['failed', `shows more ("${policy.failed}") than passed ("${policy.passed}"), so failing on purpose would reveal more; lower failed or raise passed`]];
}

/** A hint for a review policy written in the old one-level form (`review: explanations`). */
export const ONE_LEVEL_REVIEW_FIX =
  'is a single level, which would show the same after a failed attempt as after a passed one; write it as review: { failed: correctness, passed: explanations } (levels: score | correctness | explanations)';

/** One question of a graded attempt, as the review shows it at the attempt's level. */
export interface QuestionReview {
  id: string;
  /** 1-based position in the attempt. */
  number: number;
  stem: string;
  verdict: 'correct' | 'partly' | 'wrong';
  answered: boolean;
  /** Partly right: the share of the point earned, 1–99. */
  creditPercent?: number;
  /** The trainee's own answer, in words. */
  yourAnswer: string;
  /** Where to re-read; empty when the answer was right. */
  sections: SectionRef[];
  /** The correct answer in words: only at `explanations`. */
  key?: string;
  /** Only at `explanations`. */
  explanation?: string;
}

/** A section to re-read and the questions (by number) that sent the trainee there. */
export interface SectionToReread extends SectionRef {
  questions: number[];
}

/** What a trainee may see of a graded attempt beyond its score; nothing here goes beyond the level. */
export interface AttemptReview {
  level: ReviewLevel;
  /** Every question, at `correctness` and `explanations`; empty at `score`. */
  questions: QuestionReview[];
  /** Sections to re-read, most-missed first; empty at `score`. */
  reread: SectionToReread[];
}

/** A question as graded: its content, the trainee's response, the credit (0–1) and whether fully right. */
export interface GradedQuestion {
  question: Question;
  response: unknown;
  credit: number;
  correct: boolean;
}

/**
 * Builds the review of a graded attempt at `level`. The key and the
 * explanation are copied in only at `explanations`, so whatever renders the
 * result cannot show them by mistake after a failed attempt.
 */
export function buildReview(graded: readonly GradedQuestion[], level: ReviewLevel, sectionsFor: (q: Question) => SectionRef[]): AttemptReview {
  const shows = reviewShows(level);
  if (!shows.perQuestion) return { level, questions: [], reread: [] };
  const questions = graded.map(({ question: q, response, credit, correct }, i): QuestionReview => {
    const answered = response !== undefined && response !== null;
    const verdict = correct ? 'correct' : credit > 0 ? 'partly' : 'wrong';
    return {
      id: q.id,
      number: i + 1,
      stem: q.stem,
      verdict,
      answered,
      ...(verdict === 'partly' ? { creditPercent: Math.min(99, Math.max(1, Math.round(credit * 100))) } : {}),
      yourAnswer: describeResponse(q, response),
      sections: correct ? [] : sectionsFor(q),
      ...(shows.keys ? { key: describeKey(q), explanation: q.explanation } : {}),
    };
  });
  const reread = new Map<string, SectionToReread>();
  for (const q of questions) {
    for (const s of q.sections) {
      const k = `${s.chapter ?? ''}|${s.anchor ?? s.text}`;
      const entry = reread.get(k) ?? { ...s, questions: [] };
      if (!entry.questions.includes(q.number)) entry.questions.push(q.number);
      reread.set(k, entry);
    }
  }
  const order = [...reread.values()].sort((a, b) => b.questions.length - a.questions.length || (a.chapter ?? 99) - (b.chapter ?? 99));
  return { level, questions, reread: order };
}

/** The review of a submitted exam paper at the level its own result earns. */
export function paperReview(result: ExamResult, answers: Readonly<Record<string, unknown>>, bank: ReadonlyMap<string, ExamQuestion>, policy: ReviewPolicy, headings: CourseHeadings): AttemptReview {
  const graded = result.questions.map((r) => ({ question: bank.get(r.id)!, response: answers[r.id], credit: r.credit, correct: r.correct }));
  return buildReview(graded, reviewLevel(policy, result.passed), (q) => sectionsOf(q.source, (q as ExamQuestion).chapter, headings));
}
