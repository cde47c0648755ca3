import { z } from 'zod';

/** The weights before they were content: modules 50, role-plays 30, exam 20. */
export const DEFAULT_PROGRESS = { modules: 50, scenarios: 30, exam: 20 } as const;

/** content/certification.yaml: what it takes to be certified, and for how long. */
export const certificationSchema = z.strictObject({
  /** The certificate's title, e.g. 物业客服上岗认证. */
  title: z.string().min(2).max(30),
  /** `all`, or the chapters whose modules must be completed. */
  modules: z.union([z.literal('all'), z.array(z.number().int().min(1).max(7)).min(1)]),
  scenarios: z.strictObject({
    /** Scenario ids that must each be passed. */
    required: z.array(z.string()).default([]),
    /** How many other scenarios must be passed as well. */
    additional: z.number().int().min(0).default(0),
    /** A scenario counts when its best assessment passed with every dimension at least this. */
    minEach: z.number().int().min(0).max(100).default(60),
    /**
     * Scenarios drawn for each trainee: `draw` of `from`, drawn anew each
     * certification round, must each be passed (on top of `required`).
     */
    pool: z
      .strictObject({
        /** Scenario ids to draw from (not also in `required`). */
        from: z.array(z.string()).min(1),
        /** How many each trainee must pass. */
        draw: z.number().int().min(1),
      })
      .optional(),
  }),
  /** Role-plays played for the certificate (assessment mode): only these count, never practice. */
  assessment: z
    .strictObject({
      /** Minutes an assessment play may take from its start; a step after that is refused. */
      timeLimitMinutes: z.number().int().min(1).max(120).default(15),
      /** Assessment plays a trainee may start per scenario in one certification round (given-up and timed-out ones count). */
      maxPlaysPerRound: z.number().int().min(1).max(20).default(2),
      /** When true, an assessment counts only if that scenario was not played in practice before it. */
      notPractisedFirst: z.boolean().default(false),
    })
    .default({ timeLimitMinutes: 15, maxPlaysPerRound: 2, notPractisedFirst: false }),
  /**
   * How a trainee's overall progress (the trainer's cohort table) is weighed, in
   * percent: modules completed, role-plays passed (of those the certificate
   * needs) and the exam passed. The three must add up to 100.
   */
  progress: z
    .strictObject({
      /** Weight of the modules: the share of chapters completed. */
      modules: z.number().int().min(0).max(100).default(DEFAULT_PROGRESS.modules),
      /** Weight of the role-plays: passed ones over required + drawn + additional (capped at all of them). */
      scenarios: z.number().int().min(0).max(100).default(DEFAULT_PROGRESS.scenarios),
      /** Weight of the final exam: all of it once passed. */
      exam: z.number().int().min(0).max(100).default(DEFAULT_PROGRESS.exam),
    })
    .default(DEFAULT_PROGRESS),
  /** The final exam must be passed. */
  exam: z.literal('passed'),
  validityMonths: z.number().int().min(1).max(120).default(24),
});
export type CertificationRules = z.infer<typeof certificationSchema>;
