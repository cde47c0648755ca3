import { z } from 'zod';

/** An option of a choice question, or an item of an ordering/matching question. */
export const optionSchema = z.object({
  /** Stable id, unique within the question (e.g. `a`). Answers refer to it. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lower-case letters, digits, - or _'),
  /** What the trainee reads. */
  text: z.string().min(1),
});

const common = {
  /** Unique across all content, e.g. `m3-q1` or `law-001`. */
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lower-case letters, digits and -'),
  /** 1 easy … 3 hard. */
  difficulty: z.number().int().min(1).max(3),
  /** The question itself; without its type in brackets ("（多选）"): the page labels the type. */
  stem: z.string().min(4).refine((s) => !/[（(](单选|多选|判断|排序|匹配)题?[）)]\s*$/.test(s), 'the page labels the question type: leave "（多选）" and the like out of the stem'),
  /** Why the key is right (and the tempting distractor wrong); shown after answering. */
  explanation: z.string().min(4),
  /** The courseware point it comes from, e.g. `第五章 维修时效标准`. */
  source: z.string().min(2),
};

const options = (min: number, max: number) => z.array(optionSchema).min(min).max(max);

export const singleQuestionSchema = z.object({
  ...common,
  type: z.literal('single'),
  options: options(3, 5),
  /** The one correct option id. */
  answer: z.string(),
});

export const multipleQuestionSchema = z.object({
  ...common,
  type: z.literal('multiple'),
  options: options(4, 6),
  /** All correct option ids (at least two). */
  answer: z.array(z.string()).min(2),
});

export const trueFalseQuestionSchema = z.object({
  ...common,
  type: z.literal('truefalse'),
  /** Whether the statement in the stem is true. */
  answer: z.boolean(),
});

export const orderingQuestionSchema = z.object({
  ...common,
  type: z.literal('ordering'),
  /** The items, listed in any order. */
  options: options(3, 8),
  /** Every item id, in the correct order. */
  answer: z.array(z.string()).min(3),
});

export const matchingQuestionSchema = z.object({
  ...common,
  type: z.literal('matching'),
  /** Things to match (each gets exactly one partner). */
  left: options(2, 8),
  /** Partners; may include one or two distractors. */
  right: options(2, 10),
  /** leftId → rightId, one entry per left item. */
  answer: z.record(z.string(), z.string()),
});

export const questionSchema = z.discriminatedUnion('type', [
  singleQuestionSchema,
  multipleQuestionSchema,
  trueFalseQuestionSchema,
  orderingQuestionSchema,
  matchingQuestionSchema,
]);

export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question['type'];
export const QUESTION_TYPES = ['single', 'multiple', 'truefalse', 'ordering', 'matching'] as const;

/** Exam categories of the final assessment (结业评估). */
export const CATEGORIES = ['law', 'process', 'cases', 'professionalism'] as const;
export const categorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof categorySchema>;

const examFields = {
  /** Which part of the final assessment it belongs to. */
  category: categorySchema,
  /** Courseware chapter 1–7, or 8 for 结业评估 / 常见问题答疑. */
  chapter: z.number().int().min(1).max(8),
  /**
   * Optional tag of a much-repeated courseware fact the question tests (e.g.
   * `repair-sla`); the blueprint's `maxPerFact` caps how many questions with
   * the same tag one paper holds.
   */
  fact: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use a kebab-case tag such as repair-sla').optional(),
};

/** A question of the final exam's bank (content/quiz/questions/*.yaml). */
export const examQuestionSchema = z.discriminatedUnion('type', [
  singleQuestionSchema.extend(examFields).strict(),
  multipleQuestionSchema.extend(examFields).strict(),
  trueFalseQuestionSchema.extend(examFields).strict(),
  orderingQuestionSchema.extend(examFields).strict(),
  matchingQuestionSchema.extend(examFields).strict(),
]);
export type ExamQuestion = z.infer<typeof examQuestionSchema>;

/**
 * Cross-field rules zod cannot express per field: the key must name existing
 * options. Returns problems as [path, message] pairs relative to the question.
 */
export function questionKeyProblems(q: Question): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const ids = (list: Array<{ id: string }>) => new Set(list.map((o) => o.id));
  const dupes = (list: Array<{ id: string }>, field: string) => {
    const seen = new Set<string>();
    list.forEach((o, i) => {
      if (seen.has(o.id)) problems.push([`${field}[${i}].id`, `duplicate option id "${o.id}"; give each option its own id`]);
      seen.add(o.id);
    });
  };
  switch (q.type) {
    case 'single': {
      dupes(q.options, 'options');
      if (!ids(q.options).has(q.answer)) problems.push(['answer', `"${q.answer}" is not one of the option ids (${[...ids(q.options)].join(', ')})`]);
      break;
    }
    case 'multiple': {
      dupes(q.options, 'options');
      const known = ids(q.options);
      q.answer.forEach((a, i) => {
        if (!known.has(a)) problems.push([`answer[${i}]`, `"${a}" is not one of the option ids (${[...known].join(', ')})`]);
      });
      if (new Set(q.answer).size !== q.answer.length) problems.push(['answer', 'lists an option twice']);
      if (q.answer.length === q.options.length) problems.push(['answer', 'every option is correct; add at least one wrong option']);
      break;
    }
    case 'ordering': {
      dupes(q.options, 'options');
      const known = ids(q.options);
      const sorted = [...q.answer].sort().join(',');
      if (sorted !== [...known].sort().join(',')) problems.push(['answer', 'must list every item id exactly once, in the correct order']);
      else if (q.answer.join(',') === q.options.map((o) => o.id).join(',')) problems.push(['options', 'items are already listed in the correct order; list them shuffled']);
      break;
    }
    case 'matching': {
      dupes(q.left, 'left');
      dupes(q.right, 'right');
      const left = ids(q.left);
      const right = ids(q.right);
      for (const l of left) if (!(l in q.answer)) problems.push(['answer', `left item "${l}" has no partner`]);
      for (const [l, r] of Object.entries(q.answer)) {
        if (!left.has(l)) problems.push([`answer.${l}`, `"${l}" is not a left item id`]);
        if (!right.has(r)) problems.push([`answer.${l}`, `"${r}" is not a right item id`]);
      }
      break;
    }
    case 'truefalse':
      break;
  }
  return problems;
}
