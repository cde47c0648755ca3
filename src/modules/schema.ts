import { z } from 'zod';
import { singleQuestionSchema, multipleQuestionSchema, trueFalseQuestionSchema } from '../quiz/schema';
import { reviewPolicySchema, DEFAULT_REVIEW } from '../quiz/review';

/** A knowledge-check question: the three simple types only. */
export const checkQuestionSchema = z.discriminatedUnion('type', [
  singleQuestionSchema.strict(),
  multipleQuestionSchema.strict(),
  trueFalseQuestionSchema.strict(),
]);
export type CheckQuestion = z.infer<typeof checkQuestionSchema>;

/** Front matter of a course module (content/modules/NN-name.md). */
export const moduleFrontMatterSchema = z.strictObject({
  /** Chapter number of the courseware, 1–7; one file per chapter. */
  chapter: z.number().int().min(1).max(7),
  /** Chapter title without the 第X章 prefix. */
  title: z.string().min(2).max(40),
  /** One or two sentences: what this chapter teaches and why it matters. */
  summary: z.string().min(10).max(200),
  /** 3–6 learning objectives, each starting with a verb. */
  objectives: z.array(z.string().min(4)).min(3).max(6),
  /** Reading plus check time, in minutes. */
  estimatedMinutes: z.number().int().min(5).max(120),
  /** The check at the end of the module. */
  knowledgeCheck: z.strictObject({
    /** Percentage of questions to answer correctly to complete the module. */
    passPercent: z.number().int().min(50).max(100).default(80),
    /**
     * What the trainee sees after submitting, by whether the check passed:
     * `score`, `correctness` (which questions were wrong and the section to
     * re-read, never the correct option) or `explanations` (also the correct
     * options and explanations). Default: correctness after a failed check,
     * explanations after a passed one, so a retry cannot be copied.
     */
    review: reviewPolicySchema.default(() => ({ ...DEFAULT_REVIEW })),
    /**
     * How many questions of the pool each attempt shows, drawn by the server;
     * at most the pool less 2, so a retry can differ from the attempt before.
     */
    draw: z.number().int().min(3).max(20).default(5),
    /** The pool of 8–20 questions on this chapter; each attempt shows `draw` of them. */
    questions: z.array(checkQuestionSchema).min(8).max(20),
  }),
});

export type ModuleFrontMatter = z.infer<typeof moduleFrontMatterSchema>;
