import type { Choice, Condition, Comparison, Scenario, ScenarioNode, Totals } from './schema';

/** One decision taken: where, which choice, and the owner's mood after it. */
export interface Step {
  node: string;
  choice: string;
  mood: number;
}

/** Everything that changes while a scenario is played. Plain data: serialisable and replayable. */
export interface PlayContext {
  mood: number;
  totals: Totals;
  flags: string[];
  steps: Step[];
}

export const initialContext = (def: Pick<Scenario, 'startMood'>): PlayContext => ({
  mood: def.startMood,
  totals: { calmness: 0, empathy: 0, solution: 0 },
  flags: [],
  steps: [],
});

const compare = (value: number, c: Comparison) =>
  (c.gte === undefined || value >= c.gte) &&
  (c.gt === undefined || value > c.gt) &&
  (c.lte === undefined || value <= c.lte) &&
  (c.lt === undefined || value < c.lt);

export function evaluate(cond: Condition | undefined, ctx: PlayContext): boolean {
  if (!cond) return true;
  if ('flag' in cond) return ctx.flags.includes(cond.flag);
  if ('notFlag' in cond) return !ctx.flags.includes(cond.notFlag);
  if ('mood' in cond) return compare(ctx.mood, cond.mood);
  if ('score' in cond) return compare(ctx.totals[cond.score.dimension], cond.score);
  if ('all' in cond) return cond.all.every((c) => evaluate(c, ctx));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, ctx));
  return !evaluate(cond.not, ctx);
}

export const clampMood = (m: number) => Math.max(0, Math.min(100, m));

/** The choices offered at a node in this context. */
export const availableChoices = (node: ScenarioNode, ctx: PlayContext): Choice[] => (node.choices ?? []).filter((c) => evaluate(c.when, ctx));

/** Adjustments that apply to a choice, judged on the context before the choice takes effect. */
export const applicableAdjustments = (choice: Choice, ctx: PlayContext) => (choice.adjust ?? []).filter((a) => evaluate(a.when, ctx));

/** The context after taking `choice` at `node`: effects and matching adjustments added, mood clamped, flags set. */
export function applyChoice(ctx: PlayContext, node: string, choice: Choice): PlayContext {
  const adjustments = applicableAdjustments(choice, ctx);
  const totals = { ...ctx.totals };
  let mood = ctx.mood + (choice.mood ?? 0);
  for (const e of [choice, ...adjustments]) {
    for (const d of ['calmness', 'empathy', 'solution'] as const) totals[d] += e.effects?.[d] ?? 0;
    if (e !== choice) mood += e.mood ?? 0;
  }
  mood = clampMood(mood);
  const flags = [...new Set([...ctx.flags, ...(choice.sets ?? [])])];
  return { mood, totals, flags, steps: [...ctx.steps, { node, choice: choice.id, mood }] };
}

/** The first route entry that matches, or undefined when none does. */
export const routeTarget = (node: ScenarioNode, ctx: PlayContext): string | undefined =>
  node.route?.find((r) => evaluate(r.when, ctx))?.next;

export type Arrival = { kind: 'node'; id: string } | { kind: 'ending'; id: string } | { kind: 'stuck'; id: string; reason: string };

/**
 * Where the conversation stands after moving to `target`: the mood limit is
 * checked on arriving at any node, then routing steps are followed until a
 * decision node or an ending is reached.
 */
export function arrive(def: Scenario, target: string, ctx: PlayContext): Arrival {
  let id = target;
  for (let hops = 0; hops < 100; hops++) {
    if (id in def.endings) return { kind: 'ending', id };
    const node = def.nodes[id];
    if (!node) return { kind: 'stuck', id, reason: `"${id}" is neither a node nor an ending` };
    if (def.moodLimit && ctx.mood >= def.moodLimit.at) return { kind: 'ending', id: def.moodLimit.ending };
    if (!node.route) return { kind: 'node', id };
    const next = routeTarget(node, ctx);
    if (!next) return { kind: 'stuck', id, reason: 'no route entry matches; end the route with an entry without `when`' };
    id = next;
  }
  return { kind: 'stuck', id, reason: 'routing steps loop without reaching a decision or an ending' };
}
