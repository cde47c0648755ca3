// A trainee's role-plays: scoring a finished one, saving and resuming a
// half-played one. Every path is checked against the scenario on the server.
import type { Runtime } from './runtime';
import type { ScenarioAttemptRecord, UserRecord } from '../store';
import { checkProgress, scoreSubmission, SubmissionError, type CompiledScenario, type Mode, type Submission } from '../scenarios';
import { BadRequest } from './http';

/** Runs a check of the submitted path, turning its refusal into a 400 and a body naming another scenario than the URL into one too. */
function checked<T>(routeId: string | undefined, sub: Submission, check: () => T): T {
  if (sub.scenarioId !== routeId) throw new BadRequest('scenarioId 与地址不一致');
  try {
    return check();
  } catch (e) {
    if (e instanceof SubmissionError) throw new BadRequest(e.message);
    throw e;
  }
}

/** Scores a finished role-play by replaying its choices and stores the attempt; the client's view of the score is never read. */
export async function submitAttempt(rt: Runtime, user: UserRecord, routeId: string | undefined, sub: Submission, now: Date): Promise<ScenarioAttemptRecord> {
  const scored = checked(routeId, sub, () => scoreSubmission(rt.scenarios.get(sub.scenarioId), sub));
  return rt.store.recordScenarioAttempt({ userId: user.id, scenarioId: sub.scenarioId, mode: sub.mode, choiceIds: sub.choiceIds, ...scored, at: now.toISOString() });
}

/** Saves a half-played path, once it is checked to be a real prefix of the scenario. */
export async function saveProgress(rt: Runtime, user: UserRecord, routeId: string | undefined, sub: Submission, now: Date): Promise<void> {
  checked(routeId, sub, () => checkProgress(rt.scenarios.get(sub.scenarioId), sub));
  await rt.store.saveScenarioProgress({ userId: user.id, ...sub, updatedAt: now.toISOString() });
}

/**
 * Where the player starts: the saved path if it is still valid on this
 * version, else none (and the stale one is dropped); the mode last played in.
 */
export async function resumePoint(rt: Runtime, user: UserRecord, scenario: CompiledScenario): Promise<{ choiceIds: string[]; mode: Mode }> {
  const saved = rt.store.getScenarioProgress(user.id, scenario.def.id);
  if (!saved) return { choiceIds: [], mode: 'practice' };
  try {
    checkProgress(scenario, { scenarioId: scenario.def.id, version: saved.version, choiceIds: saved.choiceIds, mode: saved.mode });
    return { choiceIds: saved.choiceIds, mode: saved.mode };
  } catch {
    await rt.store.clearScenarioProgress(user.id, scenario.def.id);
    return { choiceIds: [], mode: saved.mode };
  }
}
