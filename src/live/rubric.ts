import { z } from 'zod';
import { DIMENSIONS, type Dimension } from '../scenarios/constants';
import { parseYaml, type SourceFile } from '../content/frontmatter';
import { zodProblems, type ContentProblem } from '../content/problems';

const level = z.string().min(2);
const dimension = z.strictObject({
  /** Chinese name, e.g. 情绪管理. */
  name: z.string().min(2),
  /** The courseware's 演练要点 sentence for this dimension. */
  point: z.string().min(4),
  /** What each level 1–5 looks like. */
  levels: z.strictObject({ 1: level, 2: level, 3: level, 4: level, 5: level }),
});

/** content/rubric.yaml: the 1–5 rubric for observed pair role-play. */
export const rubricSchema = z.strictObject({
  dimensions: z.strictObject({ calmness: dimension, empathy: dimension, solution: dimension }),
});
export type Rubric = z.infer<typeof rubricSchema>;

/** One rater's scores for one agent: 1–5 per dimension and a comment. */
export const rubricScoreSchema = z.object({
  agentId: z.string().min(1).max(80),
  calmness: z.number().int().min(1).max(5),
  empathy: z.number().int().min(1).max(5),
  solution: z.number().int().min(1).max(5),
  comment: z.string().max(500).default(''),
});
export type RubricScore = z.infer<typeof rubricScoreSchema>;

export interface RubricAverage {
  agentId: string;
  ratings: number;
  calmness: number;
  empathy: number;
  solution: number;
}

/** Mean rubric score per agent and dimension (one decimal), over every rater. */
export function aggregateRubric(scores: ReadonlyArray<Pick<RubricScore, 'agentId' | Dimension>>): RubricAverage[] {
  const by = new Map<string, Array<Pick<RubricScore, Dimension>>>();
  for (const s of scores) by.set(s.agentId, [...(by.get(s.agentId) ?? []), s]);
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
  return [...by.entries()]
    .map(([agentId, list]) => ({
      agentId,
      ratings: list.length,
      ...(Object.fromEntries(DIMENSIONS.map((d) => [d, mean(list.map((x) => x[d]))])) as Record<Dimension, number>),
    }))
    .sort((a, b) => a.agentId.localeCompare(b.agentId));
}

/** Who scored whom where: a rater has one score per agent and live session. */
type ObservationSlot = { sessionId: string; agentId: string; raterId: string };

/** The key of a score's slot: equal keys, same rater, agent and session. */
export const observationKey = (o: ObservationSlot): string => JSON.stringify([o.sessionId, o.agentId, o.raterId]);

/** Whether storing `next` replaces `old`: one score per rater, agent and session, the later one kept. */
export const replacesObservation = (next: ObservationSlot, old: ObservationSlot): boolean => observationKey(next) === observationKey(old);

/** A 1–5 rubric mean as 0–100, to sit beside self-played scenario scores. */
export const rubricToPercent = (x: number) => Math.round(((x - 1) / 4) * 100);

/** Parses content/rubric.yaml, reporting problems like every other content file. */
export function parseRubric(file: SourceFile | undefined): { rubric?: Rubric; problems: ContentProblem[] } {
  if (!file) return { problems: [{ file: 'content/rubric.yaml', path: '', message: 'missing; add the observation rubric (see docs/CONTENT.md)' }] };
  const yaml = parseYaml(file.text);
  if (yaml.error) return { problems: [{ file: file.path, path: '', message: yaml.error }] };
  const parsed = rubricSchema.safeParse(yaml.data);
  if (!parsed.success) return { problems: zodProblems(file.path, parsed.error, yaml.data) };
  return { rubric: parsed.data, problems: [] };
}
