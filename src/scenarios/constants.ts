// Kept apart from schema.ts so the browser bundle can use them without pulling in zod.
/** The three dimensions the courseware's 演练要点 score: 情绪管理, 同理心表达, 解决导向. */
export const DIMENSIONS = ['calmness', 'empathy', 'solution'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export type Totals = Record<Dimension, number>;

export const OUTCOMES = ['resolved', 'partial', 'escalated', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];
