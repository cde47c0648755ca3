import type { Critical, Scenario } from './schema';
import type { Step } from './rules';

/** A critical rule broken on a played path: at which decision, by which choice, and where the courseware states it. */
export interface Breach extends Critical {
  node: string;
  choice: string;
}

/**
 * The critical rules a played path broke, in the order played. Steps are the
 * ones the engine dealt (`PlayContext['steps']`); a step that names no choice
 * of its node is not a breach (it cannot have been dealt).
 */
export function criticalBreaches(def: Pick<Scenario, 'nodes'>, steps: readonly Pick<Step, 'node' | 'choice'>[]): Breach[] {
  const out: Breach[] = [];
  for (const { node, choice } of steps) {
    const critical = def.nodes[node]?.choices?.find((c) => c.id === choice)?.critical;
    if (critical) out.push({ node, choice, rule: critical.rule, chapter: critical.chapter, heading: critical.heading });
  }
  return out;
}
