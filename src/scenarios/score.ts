import { DIMENSIONS, type Outcome, type Totals } from './constants';
import type { Scenario } from './schema';

export interface Scores {
  calmness: number;
  empathy: number;
  solution: number;
  overall: number;
  passed: boolean;
}

/**
 * Each dimension 0–100 against the best total achievable in this scenario;
 * overall is their mean; passing needs an ending that is not `failed`, the
 * scenario's thresholds (default: each ≥ 60, overall ≥ 70) and no critical
 * rule broken: `breaches` is how many critical choices the path took
 * (`criticalBreaches(def, steps).length`). A breach fails the play but leaves
 * the dimension scores as they are, so the trainee still sees how each went.
 */
export function scoreAttempt(def: Pick<Scenario, 'pass'>, best: Totals, totals: Totals, outcome: Outcome, breaches = 0): Scores {
  const dims = Object.fromEntries(
    DIMENSIONS.map((d) => [d, best[d] > 0 ? Math.round((Math.max(0, Math.min(totals[d], best[d])) / best[d]) * 100) : 0]),
  ) as Totals;
  const overall = Math.round((dims.calmness + dims.empathy + dims.solution) / 3);
  const passed = breaches === 0 && outcome !== 'failed' && DIMENSIONS.every((d) => dims[d] >= def.pass.minEach) && overall >= def.pass.minOverall;
  return { ...dims, overall, passed };
}
