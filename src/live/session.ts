import type { CompiledScenario } from '../scenarios/load';
import { replay, currentId, ReplayError } from '../scenarios/machine';
import { machineFor } from '../scenarios/attempts';
import { availableChoices } from '../scenarios/rules';

export type LiveMode = 'vote' | 'pairs';
export type LiveStatus = 'lobby' | 'running' | 'ended';

export interface Pair {
  owner: string;
  agent: string;
  /** A third trainee when the class is odd: watches and scores. */
  observers: string[];
}

export interface DecisionRecord {
  node: string;
  tally: Record<string, number>;
  chosen: string;
  /** Advanced along the class's majority, or a branch the trainer picked. */
  by: 'class' | 'trainer';
}

/** A live classroom session (persisted; the hub streams it to screens). */
export interface LiveState {
  id: string;
  code: string;
  cohortId: string;
  scenarioId: string;
  version: number;
  trainerId: string;
  mode: LiveMode;
  status: LiveStatus;
  participants: string[];
  /** Choice ids taken so far along the class's branch. */
  path: string[];
  /** Votes for the current decision: userId → choiceId. */
  votes: Record<string, string>;
  revealed: boolean;
  history: DecisionRecord[];
  pairs: Pair[];
  createdAt: string;
  endedAt?: string;
}

export type LiveEvent =
  | { type: 'join'; userId: string }
  | { type: 'start' }
  | { type: 'vote'; userId: string; choiceId: string }
  | { type: 'reveal' }
  | { type: 'advance'; choiceId?: string }
  | { type: 'pair'; pairs: Pair[] }
  | { type: 'end'; at: string };

export class LiveError extends Error {}

const positions = new WeakMap<CompiledScenario, Map<string, ReturnType<typeof computePosition>>>();

/**
 * Where the class stands in the scenario: the current node (or ending) and what
 * may be chosen there. Pure in (scenario, path), so it is memoised: a class
 * voting at one decision asks for the same position hundreds of times.
 */
export function position(s: CompiledScenario, path: readonly string[]) {
  let memo = positions.get(s);
  if (!memo) positions.set(s, (memo = new Map()));
  const key = path.join('\u0000');
  let p = memo.get(key);
  if (!p) {
    if (memo.size > 500) memo.clear();
    memo.set(key, (p = computePosition(s, path)));
  }
  return p;
}

function computePosition(s: CompiledScenario, path: readonly string[]) {
  const snap = replay(machineFor(s), path, { allowIncomplete: true });
  const id = currentId(snap);
  const node = s.def.nodes[id];
  return {
    id,
    done: snap.status === 'done',
    mood: snap.context.mood,
    node,
    ending: s.def.endings[id],
    choices: node && snap.status !== 'done' ? availableChoices(node, snap.context) : [],
  };
}

export function tally(votes: Record<string, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of Object.values(votes)) out[c] = (out[c] ?? 0) + 1;
  return out;
}

/** The class's choice: the most votes; a tie (or no vote) means the trainer must pick. */
export function majority(votes: Record<string, string>): string | undefined {
  const ranked = Object.entries(tally(votes)).sort((a, b) => b[1] - a[1]);
  if (!ranked.length || (ranked[1] && ranked[1][1] === ranked[0]![1])) return undefined;
  return ranked[0]![0];
}

/**
 * The session's state machine as a pure reducer: join, start, vote, reveal,
 * advance, pair, end. Invalid events throw LiveError with a message for people;
 * who may send which event is decided by `mayAct`.
 */
export function reduce(state: LiveState, event: LiveEvent, s: CompiledScenario): LiveState {
  const fail = (m: string): never => {
    throw new LiveError(m);
  };
  if (state.status === 'ended' && event.type !== 'join') fail('课堂演练已结束');
  switch (event.type) {
    case 'join':
      if (state.status === 'ended') fail('课堂演练已结束');
      return state.participants.includes(event.userId) ? state : { ...state, participants: [...state.participants, event.userId] };
    case 'start':
      if (state.status !== 'lobby') fail('演练已经开始');
      return { ...state, status: 'running' };
    case 'vote': {
      if (state.status !== 'running') fail('演练还没有开始');
      if (state.mode !== 'vote') fail('分组演练不投票');
      if (!state.participants.includes(event.userId)) fail('请先加入课堂');
      if (state.revealed) fail('本题已揭晓，等待培训师推进');
      const pos = position(s, state.path);
      if (pos.done) fail('情景已经结束');
      if (!pos.choices.some((c) => c.id === event.choiceId)) fail('没有这个选项');
      return { ...state, votes: { ...state.votes, [event.userId]: event.choiceId } };
    }
    case 'reveal':
      if (state.status !== 'running' || state.mode !== 'vote') fail('现在不能揭晓');
      if (position(s, state.path).done) fail('情景已经结束');
      return { ...state, revealed: true };
    case 'advance': {
      if (state.status !== 'running' || state.mode !== 'vote') fail('现在不能推进');
      const pos = position(s, state.path);
      if (pos.done) fail('情景已经结束');
      const chosen = event.choiceId ?? majority(state.votes);
      if (!chosen) fail('票数持平或无人投票，请培训师选择一个分支');
      if (!pos.choices.some((c) => c.id === chosen)) fail('没有这个选项');
      const by = event.choiceId && event.choiceId !== majority(state.votes) ? 'trainer' : 'class';
      try {
        replay(machineFor(s), [...state.path, chosen!], { allowIncomplete: true });
      } catch (e) {
        if (e instanceof ReplayError) fail(e.message);
        throw e;
      }
      return {
        ...state,
        path: [...state.path, chosen!],
        votes: {},
        revealed: false,
        history: [...state.history, { node: pos.id, tally: tally(state.votes), chosen: chosen!, by }],
      };
    }
    case 'pair': {
      if (state.mode !== 'pairs') fail('只有分组演练需要分组');
      const everyone = event.pairs.flatMap((p) => [p.owner, p.agent, ...p.observers]);
      if (new Set(everyone).size !== everyone.length) fail('同一位学员不能出现在两个组');
      if (everyone.some((u) => !state.participants.includes(u))) fail('只能给已加入的学员分组');
      return { ...state, pairs: event.pairs, status: state.status === 'lobby' ? 'running' : state.status };
    }
    case 'end':
      return { ...state, status: 'ended', endedAt: event.at };
  }
}

/**
 * Pairs the class: shuffled by `random`, two by two (owner, agent); with an odd
 * number the last trainee joins the last pair as observer.
 */
export function makePairs(userIds: readonly string[], random: () => number): Pair[] {
  const list = [...userIds];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  const pairs: Pair[] = [];
  for (let i = 0; i + 1 < list.length; i += 2) pairs.push({ owner: list[i]!, agent: list[i + 1]!, observers: [] });
  if (list.length % 2 === 1 && pairs.length) pairs[pairs.length - 1]!.observers.push(list[list.length - 1]!);
  return pairs;
}

export type LiveAction = 'control' | 'join' | 'vote' | 'rate' | 'view';

/**
 * Who may do what: only the session's trainer controls it; only the cohort's
 * trainees join; only participants vote; the trainer, or a participant in the
 * agent's group (not the agent), rates an agent; viewing is for the trainer,
 * admins and participants. A trainee must still be in the cohort
 * (`cohortTraineeIds`, as it stands now) for everything: one removed from it
 * loses the session at once, even having joined.
 */
export function mayAct(
  actor: { id: string; role: string },
  action: LiveAction,
  session: Pick<LiveState, 'trainerId' | 'participants' | 'pairs'>,
  cohortTraineeIds: readonly string[],
  agentId?: string,
): boolean {
  const isTrainer = actor.id === session.trainerId;
  const inClass = actor.role === 'trainee' && cohortTraineeIds.includes(actor.id);
  const participant = inClass && session.participants.includes(actor.id);
  switch (action) {
    case 'control':
      return isTrainer;
    case 'join':
      return inClass;
    case 'vote':
      return participant;
    case 'rate': {
      if (!agentId || actor.id === agentId) return false;
      const pair = session.pairs.find((p) => p.agent === agentId);
      if (!pair) return false;
      return isTrainer || (participant && [pair.owner, ...pair.observers].includes(actor.id));
    }
    case 'view':
      return isTrainer || actor.role === 'admin' || participant;
  }
}

/** The summary kept on the cohort page after the session ends. */
export interface LiveSummary {
  decisions: Array<{ node: string; line: string; tally: Array<{ choiceId: string; text: string; votes: number }>; chosen: string; by: 'class' | 'trainer' }>;
  ending?: string;
}

export function summarise(state: LiveState, s: CompiledScenario): LiveSummary {
  const text = (id: string) => Object.values(s.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)?.text ?? id;
  const pos = position(s, state.path);
  return {
    decisions: state.history.map((h) => ({
      node: h.node,
      line: s.def.nodes[h.node]?.line ?? '',
      tally: (s.def.nodes[h.node]?.choices ?? []).map((c) => ({ choiceId: c.id, text: text(c.id), votes: h.tally[c.id] ?? 0 })),
      chosen: h.chosen,
      by: h.by,
    })),
    ending: pos.done ? pos.id : undefined,
  };
}
