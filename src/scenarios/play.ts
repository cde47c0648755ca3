// A role-play dealt by the server, one turn at a time. The browser holds only
// what this module's `playView` returns: the lines so far, the current choices
// under per-play tokens, and (in practice mode) the feedback of the choices
// already made. Scores, the ending's debrief and the better choices exist only
// once the play has ended (the attempt record). Pure: the caller passes `now`
// and the play's secret seed; nothing here reads a clock or draws randomness.
import { createHmac } from 'node:crypto';
import type { CompiledScenario } from './load';
import { machineFor, type Mode } from './attempts';
import { currentId, initialTransition, replay, transition, type ScenarioSnapshot } from './machine';
import { applicableAdjustments, availableChoices } from './rules';
import { scoreAttempt, type Scores } from './score';
import { criticalBreaches, type Breach } from './critical';
import type { Outcome, Totals } from './constants';

/** One decision as recorded: where, which choice, the mood after it, when, and how long it took. */
export interface PlayStep {
  node: string;
  choice: string;
  mood: number;
  at: string;
  ms: number;
}

/** What this module needs of a stored play. */
export interface Play {
  id: string;
  scenarioId: string;
  version: number;
  mode: Mode;
  seed: string;
  startedAt: string;
  deadline?: string;
  steps: PlayStep[];
  end?: 'finished' | 'abandoned';
  attemptId?: string;
}

export type PlayStatus = 'open' | 'finished' | 'abandoned' | 'timed-out';

/** Where a play stands at `now`: an open assessment play past its deadline has timed out. */
export const playStatus = (p: Pick<Play, 'end' | 'deadline'>, now: Date): PlayStatus =>
  p.end ?? (p.deadline && now.toISOString() > p.deadline ? 'timed-out' : 'open');

/** A line of the other side of the conversation. */
export interface DealtLine {
  speaker: string;
  emotion?: string;
  line: string;
}

/** A turn already played: the line, the trainee's reply and, in practice mode, its feedback. */
export interface DealtTurn extends DealtLine {
  reply: string;
  feedback?: { notes: string[]; point: string; moodBefore: number; moodAfter: number; tone: 'good' | 'bad' | 'neutral' };
}

/** Everything the browser may know of a play at this moment. */
export interface PlayView {
  playId: string;
  scenarioId: string;
  mode: Mode;
  /** Steps taken so far: a choice must be made "at" this number, so a stale or replayed one is refused. */
  step: number;
  status: PlayStatus;
  deadline?: string;
  turns: DealtTurn[];
  /** The current line and the choices offered, in this play's order, under this play's tokens. */
  prompt?: DealtLine & { choices: Array<{ token: string; text: string }> };
  /** The owner's mood now (practice mode only: an assessment shows no numbers until the end). */
  mood?: number;
  /** Once the conversation reached an ending. */
  ending?: { outcome: Outcome; line?: string };
  attemptId?: string;
}

export class PlayError extends Error {
  constructor(
    readonly code: 'version' | 'ended' | 'timed-out' | 'moved' | 'not-offered',
    message: string,
  ) {
    super(message);
  }
}

/** The token a choice goes by at one step of one play: meaningless outside it, unguessable without the seed. */
export const choiceToken = (seed: string, step: number, choiceId: string) =>
  createHmac('sha256', seed).update(`${step}:${choiceId}`).digest('base64url').slice(0, 12);

function checkVersion(s: CompiledScenario, play: Play) {
  if (play.version !== s.def.version) throw new PlayError('version', `scenario ${s.def.id} is now version ${s.def.version}; the play was dealt on version ${play.version}`);
}

function snapshotOf(s: CompiledScenario, play: Play): ScenarioSnapshot {
  checkVersion(s, play);
  return replay(machineFor(s), play.steps.map((x) => x.choice), { allowIncomplete: true });
}

/** The choices offered now, in this play's order (sorted by token, so shuffled per play and stable across reloads). */
function offered(s: CompiledScenario, play: Play, snap: ScenarioSnapshot) {
  const node = s.def.nodes[currentId(snap)]!;
  return availableChoices(node, snap.context)
    .map((c) => ({ choice: c, token: choiceToken(play.seed, play.steps.length, c.id) }))
    .sort((a, b) => (a.token < b.token ? -1 : 1));
}

const speakerOf = (speaker: string | undefined) => speaker ?? 'owner';

const choose = (s: CompiledScenario, snap: ScenarioSnapshot, choiceId: string) => transition(machineFor(s), snap, { type: 'scenario.choose', choiceId })[0];

/** What the browser may see of `play` now (see PlayView). */
export function playView(s: CompiledScenario, play: Play, now: Date): PlayView {
  checkVersion(s, play);
  const practice = play.mode === 'practice';
  const turns: DealtTurn[] = [];
  // Walk the recorded path for the lines and (practice) the feedback of each turn.
  let snap = initialTransition(machineFor(s))[0];
  for (const step of play.steps) {
    const node = s.def.nodes[currentId(snap)]!;
    const choice = node.choices!.find((c) => c.id === step.choice)!;
    const next = choose(s, snap, step.choice);
    const turn: DealtTurn = { speaker: speakerOf(node.speaker), emotion: node.emotion, line: node.line ?? '', reply: choice.text };
    if (practice) {
      const delta = (['calmness', 'empathy', 'solution'] as const).reduce((n, d) => n + next.context.totals[d] - snap.context.totals[d], 0);
      turn.feedback = {
        notes: [choice.feedback, ...applicableAdjustments(choice, snap.context).flatMap((a) => (a.feedback ? [a.feedback] : []))],
        point: choice.point,
        moodBefore: snap.context.mood,
        moodAfter: next.context.mood,
        tone: delta > 0 ? 'good' : delta < 0 ? 'bad' : 'neutral',
      };
    }
    turns.push(turn);
    snap = next;
  }
  const status = playStatus(play, now);
  const view: PlayView = { playId: play.id, scenarioId: s.def.id, mode: play.mode, step: play.steps.length, status, deadline: play.deadline, turns, attemptId: play.attemptId };
  if (practice) view.mood = snap.context.mood;
  if (snap.status === 'done') {
    const ending = s.def.endings[currentId(snap)]!;
    view.ending = { outcome: ending.outcome, line: ending.line };
  } else if (status === 'open') {
    const node = s.def.nodes[currentId(snap)]!;
    view.prompt = { speaker: speakerOf(node.speaker), emotion: node.emotion, line: node.line ?? '', choices: offered(s, play, snap).map((o) => ({ token: o.token, text: o.choice.text })) };
  }
  return view;
}

/** A finished play, scored by the server. */
export interface PlayResult {
  version: number;
  mode: Mode;
  choiceIds: string[];
  ending: string;
  outcome: Outcome;
  totals: Totals;
  scores: Scores;
  moods: number[];
  decisionMs: number[];
  breaches: Breach[];
}

/**
 * Takes the choice behind `token` at step `at` of `play`. Returns the step to
 * record and, when it reaches an ending, the scored result. Throws PlayError
 * for a stale version, a play that ended or timed out, a step number that is
 * not the current one (a replayed request, a second tab) and a token not offered now.
 */
export function dealChoice(s: CompiledScenario, play: Play, token: string, at: number, now: Date): { step: PlayStep; result?: PlayResult } {
  const status = playStatus(play, now);
  if (status === 'timed-out') throw new PlayError('timed-out', 'the time for this assessment is up');
  if (status !== 'open') throw new PlayError('ended', 'this play has ended');
  const snap = snapshotOf(s, play);
  if (snap.status === 'done') throw new PlayError('ended', 'this play has ended');
  if (at !== play.steps.length) throw new PlayError('moved', `the play is at step ${play.steps.length}, not ${at}`);
  const pick = offered(s, play, snap).find((o) => o.token === token);
  if (!pick) throw new PlayError('not-offered', 'that choice is not offered at this step');
  const node = currentId(snap);
  const choiceIds = [...play.steps.map((x) => x.choice), pick.choice.id];
  const next = choose(s, snap, pick.choice.id);
  const since = play.steps.at(-1)?.at ?? play.startedAt;
  const step: PlayStep = { node, choice: pick.choice.id, mood: next.context.mood, at: now.toISOString(), ms: Math.max(0, now.getTime() - Date.parse(since)) };
  if (next.status !== 'done') return { step };
  const ending = currentId(next);
  const outcome = s.def.endings[ending]!.outcome;
  const breaches = criticalBreaches(s.def, next.context.steps);
  return {
    step,
    result: {
      version: s.def.version,
      mode: play.mode,
      choiceIds,
      ending,
      outcome,
      totals: { ...next.context.totals },
      scores: scoreAttempt(s.def, s.analysis.best, next.context.totals, outcome, breaches.length),
      moods: [s.def.startMood, ...next.context.steps.map((x) => x.mood)],
      decisionMs: [...play.steps.map((x) => x.ms), step.ms],
      breaches,
    },
  };
}
