import { z } from 'zod';
import type { CompiledScenario } from './load';
import { createScenarioMachine, replay, ReplayError, currentId, type ScenarioMachine } from './machine';
import { scoreAttempt, type Scores } from './score';
import type { Outcome, Totals } from './schema';

export const MODES = ['practice', 'assessment'] as const;
export type Mode = (typeof MODES)[number];

/** What the player submits. Anything else in the body (a score, say) is dropped, never read. */
export const submissionSchema = z.object({
  scenarioId: z.string().min(1).max(80),
  version: z.number().int().min(1),
  choiceIds: z.array(z.string().min(1).max(80)).max(200),
  mode: z.enum(MODES).default('practice'),
});
export type Submission = z.infer<typeof submissionSchema>;

/** Half-played progress, saved after each choice so a reload resumes. */
export const progressSchema = submissionSchema;

export class SubmissionError extends Error {}

export interface ScoredAttempt {
  version: number;
  ending: string;
  outcome: Outcome;
  totals: Totals;
  scores: Scores;
  moods: number[];
}

const machines = new WeakMap<CompiledScenario, ScenarioMachine>();
export const machineFor = (s: CompiledScenario) => {
  let m = machines.get(s);
  if (!m) machines.set(s, (m = createScenarioMachine(s.def)));
  return m;
};

function checkTarget(s: CompiledScenario | undefined, sub: Submission): CompiledScenario {
  if (!s || s.def.id !== sub.scenarioId) throw new SubmissionError(`没有这个情景：${sub.scenarioId}`);
  if (sub.version !== s.def.version) {
    throw new SubmissionError(`情景“${s.def.title}”已更新为第 ${s.def.version} 版（提交的是第 ${sub.version} 版），请重新开始`);
  }
  return s;
}

/**
 * Replays a submitted path through the scenario's machine and scores it. The
 * server stores only what this returns; the browser's own view of the score
 * is never read. Throws SubmissionError (→ 400) for an unknown scenario, a
 * stale version, or a path the scenario does not allow.
 */
export function scoreSubmission(s: CompiledScenario | undefined, sub: Submission): ScoredAttempt {
  const scenario = checkTarget(s, sub);
  // Scoring is a pure function of the scenario and the path, and a class plays the
  // same few paths: a replayed path's result is reused (a copy, never shared).
  const key = JSON.stringify(sub.choiceIds);
  let scored = scoredPaths.get(scenario)?.get(key);
  if (!scored) {
    scored = replayAndScore(scenario, sub.choiceIds);
    rememberScore(scenario, key, scored);
  }
  return { ...scored, totals: { ...scored.totals }, scores: { ...scored.scores }, moods: [...scored.moods] };
}

/** Valid paths already scored, per scenario; at most SCORED_PATHS each, the oldest forgotten first. */
const scoredPaths = new WeakMap<CompiledScenario, Map<string, ScoredAttempt>>();
const SCORED_PATHS = 256;

function rememberScore(scenario: CompiledScenario, key: string, scored: ScoredAttempt) {
  let paths = scoredPaths.get(scenario);
  if (!paths) scoredPaths.set(scenario, (paths = new Map()));
  if (paths.size >= SCORED_PATHS) paths.delete(paths.keys().next().value!);
  paths.set(key, scored);
}

function replayAndScore(scenario: CompiledScenario, choiceIds: readonly string[]): ScoredAttempt {
  let snapshot;
  try {
    snapshot = replay(machineFor(scenario), choiceIds);
  } catch (e) {
    if (e instanceof ReplayError) throw new SubmissionError(`路径无效：${e.message}`);
    throw e;
  }
  const ending = currentId(snapshot);
  const outcome = scenario.def.endings[ending]!.outcome;
  const ctx = snapshot.context;
  return {
    version: scenario.def.version,
    ending,
    outcome,
    totals: { ...ctx.totals },
    scores: scoreAttempt(scenario.def, scenario.analysis.best, ctx.totals, outcome),
    moods: [scenario.def.startMood, ...ctx.steps.map((st) => st.mood)],
  };
}

/** Checks a half-played path (it must be a valid prefix that has not ended). */
export function checkProgress(s: CompiledScenario | undefined, sub: Submission): void {
  const scenario = checkTarget(s, sub);
  try {
    const snap = replay(machineFor(scenario), sub.choiceIds, { allowIncomplete: true });
    if (snap.status === 'done') throw new SubmissionError('这段对话已经结束，请提交结果');
  } catch (e) {
    if (e instanceof ReplayError) throw new SubmissionError(`路径无效：${e.message}`);
    throw e;
  }
}

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
