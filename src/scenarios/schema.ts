import { z } from 'zod';

import { DIMENSIONS, OUTCOMES, type Dimension } from './constants';
export { DIMENSIONS, OUTCOMES, type Dimension, type Totals, type Outcome } from './constants';

/** `{ gte: 95 }` and friends; at least one bound. */
const comparisonShape = {
  gte: z.number().optional(),
  gt: z.number().optional(),
  lte: z.number().optional(),
  lt: z.number().optional(),
};
const hasBound = (c: Record<string, unknown>) => ['gte', 'gt', 'lte', 'lt'].some((k) => c[k] !== undefined);

/** A condition on the conversation so far (recursive, so its type is written out once here). */
export type Condition =
  | { flag: string }
  | { notFlag: string }
  | { mood: Comparison }
  | { score: Comparison & { dimension: Dimension } }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
export type Comparison = { gte?: number; gt?: number; lte?: number; lt?: number };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ flag: z.string().min(1) }),
    z.strictObject({ notFlag: z.string().min(1) }),
    z.strictObject({ mood: z.strictObject(comparisonShape).refine(hasBound, 'give at least one of gte, gt, lte, lt') }),
    z.strictObject({
      score: z.strictObject({ dimension: z.enum(DIMENSIONS), ...comparisonShape }).refine(hasBound, 'give at least one of gte, gt, lte, lt'),
    }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and - (kebab-case)');
const delta = z.number().int().min(-3).max(3);

/** Change of the three dimension totals; omitted dimensions are 0. */
export const effectsSchema = z.strictObject({
  calmness: delta.optional(),
  empathy: delta.optional(),
  solution: delta.optional(),
});

/** An extra effect applied when `when` holds at the moment of choosing (before the choice's own effects). */
export const adjustSchema = z.strictObject({
  when: conditionSchema,
  effects: effectsSchema.optional(),
  /** Extra change of the owner's mood. */
  mood: z.number().int().min(-50).max(50).optional(),
  /** Added to the choice's feedback when this adjustment applies. */
  feedback: z.string().min(2).optional(),
});

/**
 * A courseware rule that must never be broken (禁止强行扒门, 禁止使用电梯 …),
 * broken by the choice that carries it: a play that takes the choice fails
 * whatever its scores. The content check refuses a scenario in which such a
 * choice can still lead to a passing result.
 */
export const criticalSchema = z.strictObject({
  /** The rule in the trainee's words, quoting the courseware, e.g. `禁止强行扒门，等待专业人员`. */
  rule: z.string().min(4),
  /** The chapter (1–7) whose module states the rule. */
  chapter: z.number().int().min(1).max(7),
  /** The heading in that chapter's module under which the rule is stated; must exist there, as for `practises`. */
  heading: z.string().min(1),
});

export const choiceSchema = z.strictObject({
  /** Unique within the scenario; what the browser submits. */
  id,
  /** What the agent says or does. */
  text: z.string().min(1),
  effects: effectsSchema.optional(),
  /** Change of the owner's mood (higher = angrier), clamped to 0–100. */
  mood: z.number().int().min(-50).max(50).optional(),
  /** Flags this choice sets (e.g. `apologised`). */
  sets: z.array(id).optional(),
  /** Offered only when this holds. */
  when: conditionSchema.optional(),
  adjust: z.array(adjustSchema).optional(),
  /** Why this is good or bad; shown to the trainee. */
  feedback: z.string().min(2),
  /** The courseware point applied, e.g. `黄金法则·真诚道歉`. */
  point: z.string().min(2),
  /** Set when this choice breaks a rule that must never be broken: the play then fails. */
  critical: criticalSchema.optional(),
  /** A node id or an ending id. */
  next: id,
});

export const routeEntrySchema = z.strictObject({
  /** Omitted on the last entry: the default. */
  when: conditionSchema.optional(),
  next: id,
});

export const SPEAKERS = ['owner', 'caller', 'colleague', 'manager', 'narrator'] as const;

/** A decision node (speaker, line, choices) or a routing step (route only). */
export const nodeSchema = z.strictObject({
  speaker: z.enum(SPEAKERS).optional(),
  /** Emotion label shown beside the line, e.g. 愤怒. */
  emotion: z.string().min(1).optional(),
  line: z.string().min(1).optional(),
  choices: z.array(choiceSchema).min(2).max(4).optional(),
  route: z.array(routeEntrySchema).min(1).optional(),
});


export const endingSchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  /** The owner's closing line. */
  line: z.string().min(1).optional(),
  /** Why the conversation ended this way. */
  debrief: z.string().min(2),
  /** Model wording for the decisive moments. */
  modelAnswer: z.string().min(2),
});

export const scenarioSchema = z.strictObject({
  /** Same as the file name. */
  id,
  /** Bump when the graph or scoring changes; attempts record it. */
  version: z.number().int().min(1),
  title: z.string().min(2).max(40),
  summary: z.string().min(4).max(200),
  /** Chapters (1–7) this scenario trains. */
  chapters: z.array(z.number().int().min(1).max(7)).min(1),
  /** Module sections it applies: heading text must exist in that chapter's module. */
  practises: z.array(z.strictObject({ chapter: z.number().int().min(1).max(7), heading: z.string().min(1) })).min(1),
  difficulty: z.number().int().min(1).max(3),
  /**
   * `true`: played only as an assessment for the certificate, never in
   * practice (the server refuses a practice start). Such a scenario must be
   * in certification.yaml's `scenarios.required` or `scenarios.pool.from`.
   */
  assessmentOnly: z.boolean().optional(),
  roles: z.strictObject({
    owner: z.strictObject({ name: z.string().min(1), flat: z.string().optional(), profile: z.string().optional() }),
    agent: z.strictObject({ name: z.string().min(1) }),
  }),
  /** The task as the trainee reads it before starting. */
  brief: z.string().min(10),
  /** The owner's mood at the start, 0 (calm) – 100 (furious). */
  startMood: z.number().int().min(0).max(100),
  /** Mood reaching `at` on arriving at a node ends the scenario at `ending`. */
  moodLimit: z.strictObject({ at: z.number().int().min(1).max(100), ending: id }).optional(),
  pass: z
    .strictObject({ minEach: z.number().int().min(0).max(100).default(60), minOverall: z.number().int().min(0).max(100).default(70) })
    .default({ minEach: 60, minOverall: 70 }),
  start: id,
  /**
   * Chinese names of the flags the choices set and test, as a deed without 已/未
   * (`apologised: 道歉`; the branch map reads “已道歉后”, “未道歉时”). Every flag used needs one.
   */
  flags: z.record(id, z.string().min(1).max(20)).optional(),
  nodes: z.record(id, nodeSchema),
  endings: z.record(id, endingSchema),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioNode = z.infer<typeof nodeSchema>;
export type Choice = z.infer<typeof choiceSchema>;
export type Critical = z.infer<typeof criticalSchema>;
export type Effects = z.infer<typeof effectsSchema>;
export type Ending = z.infer<typeof endingSchema>;
