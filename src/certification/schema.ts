import { z } from 'zod';

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
    /** A scenario counts when its best attempt passed with every dimension at least this. */
    minEach: z.number().int().min(0).max(100).default(60),
  }),
  /** The final exam must be passed. */
  exam: z.literal('passed'),
  validityMonths: z.number().int().min(1).max(120).default(24),
});
export type CertificationRules = z.infer<typeof certificationSchema>;
