import type { CompiledScenario } from '../scenarios/load';
import { position, tally, type LiveState } from './session';

export interface LiveView {
  id: string;
  code: string;
  status: LiveState['status'];
  mode: LiveState['mode'];
  title: string;
  step: number;
  node?: { id: string; speaker: string; speakerName: string; emotion?: string; line: string };
  mood: number;
  /** After the reveal, `best` marks the choice the scenario scores best at this node. */
  choices: Array<{ id: string; text: string; feedback?: string; point?: string; best?: boolean }>;
  /** Votes per choice: always for the trainer and projector, for phones only once revealed. */
  tally?: Record<string, number>;
  voted: number;
  /** Who has voted on the current decision (trainer and projector only). */
  voters?: string[];
  revealed: boolean;
  ending?: { id: string; outcome: string; line?: string; debrief: string };
  participants: Array<{ id: string; name: string }>;
  /** Pair role-play: the round being played (roles rotate each round). */
  round?: number;
  pairs: Array<{ owner: { id: string; name: string }; agent: { id: string; name: string }; observers: Array<{ id: string; name: string }> }>;
  /** For a trainee's own screen. */
  you?: { vote?: string; role?: 'owner' | 'agent' | 'observer'; agentId?: string };
  /** Pair role-play material: the task for everyone; the owner's cues only for the owner (and the trainer). */
  roleplay?: {
    brief: string;
    checklist: readonly string[];
    owner?: { name: string; flat?: string; profile?: string; cues: Array<{ emotion?: string; line: string }> };
  };
}

/** The six response steps of the courseware's role-play (第三章 角色扮演 · 应对步骤), for the agent's phone. */
export const AGENT_CHECKLIST = [
  '保持冷静，让业主先发泄情绪',
  '真诚道歉：“非常抱歉给您造成这么大的困扰”',
  '确认信息：“您是XX栋XX户的X先生对吗？”',
  '查询记录，说明已采取的措施',
  '提出解决方案并征求意见',
  '承诺跟进时间和负责人',
] as const;

const SPEAKER: Record<string, string> = { caller: '来电人', colleague: '同事', manager: '主管', narrator: '旁白' };

/** What a screen shows of a session. `full` for the trainer and projector; trainees get votes only after the reveal. */
export function liveView(state: LiveState, s: CompiledScenario, names: ReadonlyMap<string, string>, opts: { full: boolean; userId?: string }): LiveView {
  const pos = position(s, state.path);
  const person = (id: string) => ({ id, name: names.get(id) ?? '学员' });
  const showFeedback = state.revealed || opts.full;
  const you = opts.userId ? youFor(state, opts.userId) : undefined;
  return {
    id: state.id,
    code: state.code,
    status: state.status,
    mode: state.mode,
    title: s.def.title,
    step: state.path.length + 1,
    node: pos.node && !pos.done
      ? { id: pos.id, speaker: pos.node.speaker ?? 'owner', speakerName: pos.node.speaker === 'owner' || !pos.node.speaker ? s.def.roles.owner.name : SPEAKER[pos.node.speaker] ?? '', emotion: pos.node.emotion, line: pos.node.line ?? '' }
      : undefined,
    mood: pos.mood,
    choices: pos.choices.map((c) => ({
      id: c.id,
      text: c.text,
      ...(showFeedback && state.revealed ? { feedback: c.feedback, point: c.point, ...(s.analysis.bestChoiceAt[pos.id] === c.id ? { best: true } : {}) } : {}),
    })),
    tally: opts.full || state.revealed ? tally(state.votes) : undefined,
    voted: Object.keys(state.votes).length,
    voters: opts.full ? Object.keys(state.votes) : undefined,
    revealed: state.revealed,
    ending: pos.done && pos.ending ? { id: pos.id, outcome: pos.ending.outcome, line: pos.ending.line, debrief: pos.ending.debrief } : undefined,
    participants: opts.full ? state.participants.map(person) : [],
    round: state.mode === 'pairs' && state.pairs.length ? state.round ?? 1 : undefined,
    pairs: state.pairs.map((p) => ({ owner: person(p.owner), agent: person(p.agent), observers: p.observers.map(person) })),
    you,
    roleplay: state.mode === 'pairs' ? roleplay(s, opts.full || you?.role === 'owner') : undefined,
  };
}

/** A trainee's own part of the view: their vote and their role in pair role-play. */
export function youFor(state: LiveState, userId: string): NonNullable<LiveView['you']> {
  const pair = state.pairs.find((p) => [p.owner, p.agent, ...p.observers].includes(userId));
  const role = !pair ? undefined : pair.owner === userId ? 'owner' : pair.agent === userId ? 'agent' : 'observer';
  return { vote: state.votes[userId], role, agentId: pair?.agent };
}

function roleplay(s: CompiledScenario, withOwner: boolean): LiveView['roleplay'] {
  const bestNodes = new Set(Object.keys(s.analysis.bestChoiceAt));
  const cues = Object.entries(s.def.nodes)
    .filter(([id, n]) => bestNodes.has(id) && (n.speaker ?? 'owner') === 'owner' && n.line)
    .map(([, n]) => ({ emotion: n.emotion, line: n.line! }));
  const o = s.def.roles.owner;
  return { brief: s.def.brief, checklist: AGENT_CHECKLIST, owner: withOwner ? { name: o.name, flat: o.flat, profile: o.profile, cues } : undefined };
}
