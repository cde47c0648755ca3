import type { CompiledScenario } from './load';
import { createScenarioMachine, type ScenarioMachine } from './machine';
import type { Scores } from './score';
import type { Outcome } from './schema';

export const MODES = ['practice', 'assessment'] as const;
export type Mode = (typeof MODES)[number];

/** How an attempt was played: practice or assessment dealt by the server, or posted as a whole path before schema 7 (never counts). */
export const attemptKind = (a: { mode: Mode; playId?: string }): Mode | 'legacy' => (a.playId ? a.mode : 'legacy');

const machines = new WeakMap<CompiledScenario, ScenarioMachine>();
export const machineFor = (s: CompiledScenario) => {
  let m = machines.get(s);
  if (!m) machines.set(s, (m = createScenarioMachine(s.def)));
  return m;
};

export interface HistoryEntry {
  scenarioId: string;
  attempts: number;
  passed: boolean;
  /** The attempt with the highest overall score (the earliest on a tie): its scores, whether it passed, its scenario version. */
  best: { overall: number; calmness: number; empathy: number; solution: number; passed: boolean; at: string; version?: number };
  latest: { overall: number; passed: boolean; at: string; outcome: Outcome };
}

/**
 * Best and latest result per scenario from a trainee's attempts: the one rule
 * for "best attempt" that history, cohort grids, HR figures and certification share.
 */
export function summariseAttempts(attempts: ReadonlyArray<{ scenarioId: string; scores: Scores; at: string; outcome: Outcome; version?: number }>): Map<string, HistoryEntry> {
  const out = new Map<string, HistoryEntry>();
  for (const a of [...attempts].sort((x, y) => x.at.localeCompare(y.at))) {
    const prev = out.get(a.scenarioId);
    const best = !prev || a.scores.overall > prev.best.overall ? { ...pick(a.scores), passed: a.scores.passed, at: a.at, version: a.version } : prev.best;
    out.set(a.scenarioId, {
      scenarioId: a.scenarioId,
      attempts: (prev?.attempts ?? 0) + 1,
      passed: (prev?.passed ?? false) || a.scores.passed,
      best,
      latest: { overall: a.scores.overall, passed: a.scores.passed, at: a.at, outcome: a.outcome },
    });
  }
  return out;
}
const pick = (s: Scores) => ({ overall: s.overall, calmness: s.calmness, empathy: s.empathy, solution: s.solution });
