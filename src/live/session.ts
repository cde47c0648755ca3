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
  /** Pair role-play: the round being played (1 from the first pairing); roles rotate each round. */
  round?: number;
  /** Pair role-play: the class in seating order (shuffled once); each round's pairs derive from it by `pairsForRound`. */
  seating?: string[];
  createdAt: string;
  endedAt?: string;
}

export type LiveEvent =
  | { type: 'join'; userId: string }
  | { type: 'start' }
  | { type: 'vote'; userId: string; choiceId: string }
  | { type: 'reveal' }
  | { type: 'advance'; choiceId?: string }
  /** Seats the class (`order`, shuffled by the caller) and pairs it for round 1. */
  | { type: 'pair'; order: string[] }
  /** The next round: roles rotate; `order` is the seating with late joiners added and leavers taken out. */
  | { type: 'round'; order: string[] }
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
    case 'pair':
    case 'round': {
      if (state.mode !== 'pairs') fail('只有分组演练需要分组');
      if (event.type === 'round' && state.status !== 'running') fail('请先分组并开始');
      if (event.type === 'pair' && state.pairs.length) fail('已经分好组，请用“下一轮”轮换角色');
      if (new Set(event.order).size !== event.order.length) fail('同一位学员不能出现在两个组');
      if (event.order.some((u) => !state.participants.includes(u))) fail('只能给已加入的学员分组');
      if (event.order.length < 2) fail('至少需要两名学员才能分组');
      const round = event.type === 'pair' ? 1 : (state.round ?? 1) + 1;
      return { ...state, seating: [...event.order], round, pairs: pairsForRound(event.order, round), status: 'running' };
    }
    case 'end':
      return { ...state, status: 'ended', endedAt: event.at };
  }
}

/** The class shuffled by `random` (Fisher–Yates): the seating order pair role-play starts from. */
export function shuffleSeating(userIds: readonly string[], random: () => number): string[] {
  const list = [...userIds];
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/**
 * The pairs of one round (1, 2, …) of pair role-play. The seating turns by one
 * place each round and is cut two by two (owner, agent), so a trainee who was
 * owner becomes agent the next round: everyone has played 客服 within two
 * rounds (three with an odd number). With an odd number the last seat is the
 * observer's; it turns with the others, so each trainee observes once every
 * n rounds, and the observer joins a different pair each round.
 */
export function pairsForRound(participants: readonly string[], round: number): Pair[] {
  const n = participants.length;
  if (n < 2) return [];
  const shift = (((round - 1) % n) + n) % n;
  const seat = (k: number) => participants[(k + shift) % n]!;
  const pairs: Pair[] = [];
  for (let k = 0; k + 1 < n; k += 2) pairs.push({ owner: seat(k), agent: seat(k + 1), observers: [] });
  if (n % 2 === 1) pairs[(round - 1) % pairs.length]!.observers.push(seat(n - 1));
  return pairs;
}

/** Pairs for round 1 of a shuffled class (kept for callers that pair once). */
export const makePairs = (userIds: readonly string[], random: () => number): Pair[] => pairsForRound(shuffleSeating(userIds, random), 1);

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
