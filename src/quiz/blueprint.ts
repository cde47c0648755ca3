import { z } from 'zod';
import { CATEGORIES, type Category, type ExamQuestion } from './schema';
import { factShortfall } from './facts';
import { reviewPolicySchema, reviewPolicyProblems, DEFAULT_REVIEW } from './review';

const perDifficulty = z.strictObject({ 1: z.number().int().min(0).optional(), 2: z.number().int().min(0).optional(), 3: z.number().int().min(0).optional() });

/** content/quiz/blueprint.yaml: how a paper is drawn, timed, graded and reviewed. */
export const blueprintSchema = z.strictObject({
  /** Questions per category and difficulty (1–3) in every paper. */
  questions: z.strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, perDifficulty])) as Record<Category, typeof perDifficulty>),
  timeLimitMinutes: z.number().int().min(5).max(240).default(45),
  /** Seconds after the deadline in which saves and submission are still accepted. */
  graceSeconds: z.number().int().min(0).max(600).default(60),
  passPercent: z.number().int().min(1).max(100).default(80),
  attemptsAllowed: z.number().int().min(1).max(20).default(3),
  hoursBetweenAttempts: z.number().min(0).max(24 * 30).default(24),
  /**
   * At most this many questions with the same `fact` tag on one paper (across
   * categories). Absent: no cap.
   */
  maxPerFact: z.number().int().min(1).optional(),
  shuffleQuestions: z.boolean().default(true),
  shuffleOptions: z.boolean().default(true),
  /**
   * What a trainee sees after submitting, by whether the paper passed: `score`
   * (total and scores by category), `correctness` (also which questions were
   * wrong and the chapter section to re-read, never the key) or `explanations`
   * (also the keys and explanations). Default: correctness after a failed
   * paper, explanations after a passed one.
   */
  review: reviewPolicySchema.default(() => ({ ...DEFAULT_REVIEW })),
  partialCredit: z
    .strictObject({
      multiple: z.enum(['proportional', 'none']).default('proportional'),
      ordering: z.enum(['adjacentPairs', 'none']).default('adjacentPairs'),
      matching: z.enum(['perPair', 'none']).default('perPair'),
    })
    .default({ multiple: 'proportional', ordering: 'adjacentPairs', matching: 'perPair' }),
});
export type Blueprint = z.infer<typeof blueprintSchema>;
export type PartialCredit = Blueprint['partialCredit'];

export const paperSize = (b: Blueprint) =>
  CATEGORIES.reduce((n, c) => n + Object.values(b.questions[c]).reduce((m, k) => m + (k ?? 0), 0), 0);

/**
 * Rules across fields: the bank must fill a paper (and a retake without
 * repeating it: twice the count), and the review must not show more after a
 * failed paper than after a passed one.
 */
export function blueprintProblems(b: Blueprint, bank: ExamQuestion[]): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  for (const [path, message] of reviewPolicyProblems(b.review)) problems.push({ path: `review.${path}`, message });
  if (paperSize(b) === 0) problems.push({ path: 'questions', message: 'a paper needs at least one question' });
  for (const c of CATEGORIES) {
    for (const d of [1, 2, 3] as const) {
      const need = b.questions[c][d] ?? 0;
      if (!need) continue;
      const have = bank.filter((q) => q.category === c && q.difficulty === d).length;
      if (have < need) problems.push({ path: `questions.${c}.${d}`, message: `needs ${need} ${c} questions of difficulty ${d} but the bank has ${have}; add questions or lower the number` });
      else if (have < 2 * need) problems.push({ path: `questions.${c}.${d}`, message: `the bank has ${have} ${c} questions of difficulty ${d}: fewer than ${2 * need}, so a retake cannot avoid the previous paper; add questions` });
    }
  }
  if (b.maxPerFact !== undefined && !problems.some((p) => p.path.startsWith('questions'))) {
    const groups = CATEGORIES.flatMap((c) =>
      ([1, 2, 3] as const).map((d) => ({ key: `${c}.${d}`, need: b.questions[c][d] ?? 0, pool: bank.filter((q) => q.category === c && q.difficulty === d) })),
    ).filter((g) => g.need > 0);
    const short = factShortfall(groups, new Map(), b.maxPerFact);
    if (short.length) {
      const detail = short
        .map(({ key, missing, facts }) => `questions.${key} is ${missing} short (its tagged questions: ${facts.map(([f, n]) => `${f} ×${n}`).join(', ')})`)
        .join('; ');
      problems.push({
        path: 'maxPerFact',
        message: `with at most ${b.maxPerFact} questions per fact the bank cannot fill a paper: ${detail}; add questions without those fact tags (or with other facts) to ${[...new Set(short.map((x) => `content/quiz/questions/${x.key.split('.')[0]}.yaml`))].join(' and ')}, or raise maxPerFact`,
      });
    }
  }
  return problems;
}
