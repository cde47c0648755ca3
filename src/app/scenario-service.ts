// A trainee's role-plays, dealt by the server one step at a time
// (src/scenarios/play.ts): starting a play (which gives up an open one) and taking a choice. The
// browser only ever sees a PlayView; every score comes from the server's own
// walk through the scenario machine.
import { storageOf } from './runtime';
import { randomBytes } from 'node:crypto';
import type { Runtime } from './runtime';
import type { ScenarioAttemptRecord, ScenarioPlayRecord, UserRecord } from '../store';
import { dealChoice, playView, PlayError, type CompiledScenario, type Mode, type PlayView } from '../scenarios';
import { assessmentsLeft, roundStart } from '../certification';
import { BadRequest } from './http';
import { t } from '../i18n';

function scenarioOf(rt: Runtime, id: string | undefined): CompiledScenario {
  const s = rt.scenarios.get(id ?? '');
  if (!s) throw new BadRequest(t.play.errors.noScenario, 404);
  return s;
}

/** Assessment plays of this scenario the person may still start in this certification round. */
export async function assessmentAllowance(rt: Runtime, user: UserRecord, scenarioId: string): Promise<{ left: number; max: number; minutes: number }> {
  const since = roundStart(await storageOf(rt).listCertificates(user.id));
  const { maxPlaysPerRound: max, timeLimitMinutes: minutes } = rt.certification.assessment;
  return { left: assessmentsLeft(rt.certification, await storageOf(rt).listPlays(user.id, scenarioId), scenarioId, since), max, minutes };
}

/** The person's latest play of this scenario that has not been finished or given up (it may have timed out). */
export async function currentPlay(rt: Runtime, user: UserRecord, scenarioId: string): Promise<ScenarioPlayRecord | undefined> {
  return await storageOf(rt).openPlay(user.id, scenarioId);
}

/** What the page shows of a play: its view, or none when the scenario changed version under it. */
export function viewOf(rt: Runtime, play: ScenarioPlayRecord, now: Date): PlayView | undefined {
  const s = rt.scenarios.get(play.scenarioId);
  if (!s || s.def.version !== play.version) return undefined;
  return playView(s, play, now);
}

/**
 * Starts a play of `scenarioId` in `mode`; an open play of the same scenario
 * is given up in the same write. Assessment plays are limited per round and
 * get a deadline; an assessment-only scenario refuses a practice start (403).
 */
export async function startPlay(rt: Runtime, user: UserRecord, scenarioId: string | undefined, mode: Mode, now: Date): Promise<ScenarioPlayRecord> {
  const s = scenarioOf(rt, scenarioId);
  // An assessment-only scenario is never dealt in practice: refused here, not just hidden by the page.
  if (mode === 'practice' && s.def.assessmentOnly) throw new BadRequest(t.play.errors.assessmentOnly, 403, 'assessmentOnly');
  if (mode === 'assessment' && (await assessmentAllowance(rt, user, s.def.id)).left <= 0) {
    throw new BadRequest(t.play.errors.noAssessmentsLeft(rt.certification.assessment.maxPlaysPerRound), 409);
  }
  const minutes = rt.certification.assessment.timeLimitMinutes;
  return storageOf(rt).startPlay({
    userId: user.id,
    scenarioId: s.def.id,
    version: s.def.version,
    mode,
    seed: randomBytes(16).toString('base64url'),
    startedAt: now.toISOString(),
    deadline: mode === 'assessment' ? new Date(now.getTime() + minutes * 60_000).toISOString() : undefined,
  });
}

/** The person's own play; 404 for anyone else's or a play that does not exist. */
export async function ownPlay(rt: Runtime, user: UserRecord, playId: string | undefined): Promise<ScenarioPlayRecord> {
  const play = await storageOf(rt).getPlay(playId ?? '');
  if (!play || play.userId !== user.id) throw new BadRequest(t.play.errors.noPlay, 404);
  return play;
}

/** A refused step: the message and the play as it now stands, so the page can show the current state, never a fork. */
export class StepRefused extends BadRequest {
  constructor(message: string, status: number, readonly play: ScenarioPlayRecord) {
    super(message, status);
  }
}

const REFUSALS: Record<PlayError['code'] | 'gone', { status: number; message: string }> = {
  version: { status: 409, message: t.play.errors.version },
  ended: { status: 409, message: t.play.errors.ended },
  'timed-out': { status: 409, message: t.play.errors.timedOut },
  moved: { status: 409, message: t.play.errors.moved },
  'not-offered': { status: 400, message: t.play.errors.notOffered },
  gone: { status: 404, message: t.play.errors.noPlay },
};

/**
 * Takes one choice (by its per-play token) at step `at`. The guarded write
 * records it only if the play is still open and at that step; a play that
 * reaches an ending is scored and stored as an attempt in the same write.
 */
export async function takeStep(rt: Runtime, user: UserRecord, playId: string | undefined, token: string, at: number, now: Date): Promise<{ play: ScenarioPlayRecord; attempt?: ScenarioAttemptRecord }> {
  const play = await ownPlay(rt, user, playId);
  const s = scenarioOf(rt, play.scenarioId);
  let dealt;
  try {
    dealt = dealChoice(s, play, token, at, now);
  } catch (e) {
    if (e instanceof PlayError) throw new StepRefused(REFUSALS[e.code].message, REFUSALS[e.code].status, play);
    throw e;
  }
  const attempt = dealt.result && { userId: user.id, scenarioId: s.def.id, playId: play.id, ...dealt.result, at: now.toISOString() };
  const r = await storageOf(rt).recordPlayStep(play.id, at, dealt.step, attempt);
  if (!r.ok) {
    const refusal = REFUSALS[r.reason];
    throw new StepRefused(refusal.message, refusal.status, await storageOf(rt).getPlay(play.id) ?? play);
  }
  return { play: r.play, attempt: r.attempt };
}
