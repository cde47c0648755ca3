import { describe, it, expect } from 'vitest';
import { reduce, makePairs, pairsForRound, mayAct, majority, aggregateRubric, liveView, summarise, LiveError, type LiveState, type Pair } from '../../src/live';
import fc from 'fast-check';
import { loadScenarios } from '../../src/scenarios';
import { readContent } from '../../src/content/read';
import { seededRandom } from '../../src/quiz/random';

const leak = loadScenarios(readContent(process.cwd()).scenarios).get('ceiling-leak')!;
const start = leak.def.nodes[leak.def.start]!;
const [c1, c2] = start.choices!.map((c) => c.id);
const base = (over: Partial<LiveState> = {}): LiveState => ({
  id: 's1', code: 'ABC234', cohortId: 'c1', scenarioId: 'ceiling-leak', version: 1, trainerId: 'tr', mode: 'vote', status: 'lobby',
  participants: [], path: [], votes: {}, revealed: false, history: [], pairs: [], createdAt: '2026-11-28T08:00:00Z', ...over,
});

describe('live session transitions', () => {
  it('join, start, vote, reveal, advance, end', () => {
    let s = base();
    s = reduce(s, { type: 'join', userId: 'a' }, leak);
    s = reduce(s, { type: 'join', userId: 'b' }, leak);
    s = reduce(s, { type: 'join', userId: 'a' }, leak);
    expect(s.participants).toEqual(['a', 'b']);
    expect(() => reduce(s, { type: 'vote', userId: 'a', choiceId: c1! }, leak)).toThrow(/还没有开始/);
    s = reduce(s, { type: 'start' }, leak);
    s = reduce(s, { type: 'vote', userId: 'a', choiceId: c1! }, leak);
    s = reduce(s, { type: 'vote', userId: 'b', choiceId: c2! }, leak);
    s = reduce(s, { type: 'vote', userId: 'b', choiceId: c1! }, leak);
    expect(s.votes).toEqual({ a: c1, b: c1 });
    expect(() => reduce(s, { type: 'vote', userId: 'zz', choiceId: c1! }, leak)).toThrow(/先加入/);
    expect(() => reduce(s, { type: 'vote', userId: 'a', choiceId: 'nope' }, leak)).toThrow(/没有这个选项/);
    s = reduce(s, { type: 'reveal' }, leak);
    expect(() => reduce(s, { type: 'vote', userId: 'a', choiceId: c2! }, leak)).toThrow(/已揭晓/);
    s = reduce(s, { type: 'advance' }, leak);
    expect(s).toMatchObject({ path: [c1], votes: {}, revealed: false });
    expect(s.history[0]).toMatchObject({ node: leak.def.start, chosen: c1, by: 'class', tally: { [c1!]: 2 } });
    s = reduce(s, { type: 'end', at: '2026-11-28T09:00:00Z' }, leak);
    expect(s.status).toBe('ended');
    expect(() => reduce(s, { type: 'start' }, leak)).toThrow(LiveError);
  });

  it('a tie needs the trainer to pick; a picked branch is recorded as the trainer\'s', () => {
    let s = base({ status: 'running', participants: ['a', 'b'] });
    s = reduce(s, { type: 'vote', userId: 'a', choiceId: c1! }, leak);
    s = reduce(s, { type: 'vote', userId: 'b', choiceId: c2! }, leak);
    expect(majority(s.votes)).toBeUndefined();
    expect(() => reduce(s, { type: 'advance' }, leak)).toThrow(/票数持平/);
    s = reduce(s, { type: 'advance', choiceId: c2 }, leak);
    expect(s.history[0]).toMatchObject({ chosen: c2, by: 'trainer' });
  });

  it('the class can follow a whole branch to an ending', () => {
    let s = base({ status: 'running', participants: ['a'] });
    for (const choice of leak.analysis.bestPath.choices) s = reduce(s, { type: 'advance', choiceId: choice }, leak);
    const v = liveView(s, leak, new Map(), { full: true });
    expect(v.ending?.id).toBe(leak.analysis.bestPath.ending);
    expect(() => reduce(s, { type: 'advance', choiceId: c1 }, leak)).toThrow(/已经结束/);
    expect(summarise(s, leak)).toMatchObject({ ending: leak.analysis.bestPath.ending, decisions: expect.any(Array) });
  });

  it('hides the tally from phones until the reveal, shows it to the projector', () => {
    let s = base({ status: 'running', participants: ['a', 'b'] });
    s = reduce(s, { type: 'vote', userId: 'a', choiceId: c1! }, leak);
    expect(liveView(s, leak, new Map(), { full: false, userId: 'b' }).tally).toBeUndefined();
    expect(liveView(s, leak, new Map(), { full: false, userId: 'a' }).you?.vote).toBe(c1);
    expect(liveView(s, leak, new Map(), { full: true }).tally).toEqual({ [c1!]: 1 });
    s = reduce(s, { type: 'reveal' }, leak);
    const revealed = liveView(s, leak, new Map(), { full: false, userId: 'b' });
    expect(revealed.tally).toEqual({ [c1!]: 1 });
    expect(revealed.choices[0]!.feedback).toBeDefined();
  });
});

describe('pairing', () => {
  it('pairs everyone two by two; an odd one out observes', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const pairs = makePairs(ids, seededRandom('x'));
    expect(pairs).toHaveLength(2);
    expect(pairs.flatMap((p) => [p.owner, p.agent, ...p.observers]).sort()).toEqual(ids);
    expect(pairs.flatMap((p) => p.observers)).toHaveLength(1);
    expect(makePairs(ids, seededRandom('x'))).toEqual(pairs);
    expect(makePairs(['solo'], seededRandom('x'))).toEqual([]);
  });
  it('refuses a trainee in two groups, one who has not joined, or a class of one', () => {
    const s = base({ mode: 'pairs', participants: ['a', 'b', 'c'] });
    expect(() => reduce(s, { type: 'pair', order: ['a', 'b', 'a'] }, leak)).toThrow(/两个组/);
    expect(() => reduce(s, { type: 'pair', order: ['a', 'zz'] }, leak)).toThrow(/已加入/);
    expect(() => reduce(s, { type: 'pair', order: ['a'] }, leak)).toThrow(/两名学员/);
    expect(() => reduce(s, { type: 'round', order: ['a', 'b', 'c'] }, leak)).toThrow(/先分组/);
    const paired = reduce(s, { type: 'pair', order: ['a', 'b', 'c'] }, leak);
    expect(paired.status).toBe('running');
    expect(paired.pairs).toEqual([{ owner: 'a', agent: 'b', observers: ['c'] }]);
    expect(() => reduce(paired, { type: 'pair', order: ['a', 'b', 'c'] }, leak)).toThrow(/下一轮/);
  });
  it('a new round re-pairs with the roles turned', () => {
    let s = reduce(base({ mode: 'pairs', participants: ['a', 'b', 'c', 'd'] }), { type: 'pair', order: ['a', 'b', 'c', 'd'] }, leak);
    expect(s.round).toBe(1);
    expect(s.pairs.map((p) => p.agent)).toEqual(['b', 'd']);
    s = reduce(s, { type: 'round', order: s.seating! }, leak);
    expect(s.round).toBe(2);
    expect(s.pairs.map((p) => p.agent).sort()).toEqual(['a', 'c']);
    expect(liveView(s, leak, new Map(), { full: true }).round).toBe(2);
  });
});

describe('pairsForRound (properties)', () => {
  const classes = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 41 });
  const seats = (p: Pair) => [p.owner, p.agent, ...p.observers];
  it('seats everyone exactly once in every round', () => {
    fc.assert(fc.property(classes, fc.integer({ min: 1, max: 200 }), (ids, round) => {
      const everyone = pairsForRound(ids, round).flatMap(seats);
      expect(everyone.length).toBe(ids.length);
      expect([...everyone].sort()).toEqual([...ids].sort());
    }));
  });
  it('everyone plays 客服 within ceil(n/2)*2 rounds', () => {
    fc.assert(fc.property(classes, (ids) => {
      const rounds = Math.ceil(ids.length / 2) * 2;
      const agents = new Set<string>();
      for (let r = 1; r <= rounds; r++) for (const p of pairsForRound(ids, r)) agents.add(p.agent);
      expect([...agents].sort()).toEqual([...ids].sort());
    }));
  });
  it('an odd class has exactly one observer per round, and the seat rotates through everyone', () => {
    const odd = classes.filter((ids) => ids.length % 2 === 1);
    fc.assert(fc.property(odd, (ids) => {
      const observers: string[] = [];
      for (let r = 1; r <= ids.length; r++) {
        const o = pairsForRound(ids, r).flatMap((p) => p.observers);
        expect(o).toHaveLength(1);
        observers.push(o[0]!);
      }
      expect(new Set(observers).size).toBe(ids.length);
      if (ids.length > 1) expect(observers[0]).not.toBe(observers[1]);
    }));
  });
  it('an even class has no observer', () => {
    fc.assert(fc.property(classes.filter((ids) => ids.length % 2 === 0), fc.integer({ min: 1, max: 50 }), (ids, r) => {
      expect(pairsForRound(ids, r).flatMap((p) => p.observers)).toEqual([]);
    }));
  });
});

describe('rubric aggregation', () => {
  it('averages each agent\'s scores per dimension over every rater', () => {
    const avg = aggregateRubric([
      { agentId: 'b', calmness: 4, empathy: 5, solution: 3 },
      { agentId: 'b', calmness: 3, empathy: 4, solution: 4 },
      { agentId: 'a', calmness: 2, empathy: 2, solution: 2 },
    ]);
    expect(avg).toEqual([
      { agentId: 'a', ratings: 1, calmness: 2, empathy: 2, solution: 2 },
      { agentId: 'b', ratings: 2, calmness: 3.5, empathy: 4.5, solution: 3.5 },
    ]);
  });
});

describe('who may do what', () => {
  const session = { trainerId: 'tr', participants: ['a', 'b', 'c'], pairs: [{ owner: 'a', agent: 'b', observers: ['c'] }] };
  const trainee = (id: string) => ({ id, role: 'trainee' });
  it('only the session\'s trainer controls it', () => {
    expect(mayAct({ id: 'tr', role: 'trainer' }, 'control', session, [])).toBe(true);
    expect(mayAct({ id: 'tr2', role: 'trainer' }, 'control', session, [])).toBe(false);
    expect(mayAct({ id: 'adm', role: 'admin' }, 'control', session, [])).toBe(false);
    expect(mayAct(trainee('a'), 'control', session, [])).toBe(false);
  });
  const cohort = ['a', 'b', 'c', 'x'];
  it('only the cohort\'s trainees join; only participants vote', () => {
    expect(mayAct(trainee('x'), 'join', session, ['x'])).toBe(true);
    expect(mayAct(trainee('y'), 'join', session, ['x'])).toBe(false);
    expect(mayAct({ id: 'x', role: 'trainer' }, 'join', session, ['x'])).toBe(false);
    expect(mayAct(trainee('a'), 'vote', session, cohort)).toBe(true);
    expect(mayAct(trainee('z'), 'vote', session, cohort)).toBe(false);
  });
  it('the trainer or the agent\'s group rate the agent; the agent never rates themself', () => {
    expect(mayAct({ id: 'tr', role: 'trainer' }, 'rate', session, cohort, 'b')).toBe(true);
    expect(mayAct(trainee('a'), 'rate', session, cohort, 'b')).toBe(true);
    expect(mayAct(trainee('c'), 'rate', session, cohort, 'b')).toBe(true);
    expect(mayAct(trainee('b'), 'rate', session, cohort, 'b')).toBe(false);
    expect(mayAct(trainee('a'), 'rate', session, cohort, 'a')).toBe(false);
    expect(mayAct(trainee('z'), 'rate', session, cohort, 'b')).toBe(false);
  });
  it('a participant taken out of the cohort can no longer vote, rate or watch', () => {
    const without = ['b', 'c', 'x'];
    expect(mayAct(trainee('a'), 'view', session, cohort)).toBe(true);
    for (const action of ['vote', 'view', 'join'] as const) expect(mayAct(trainee('a'), action, session, without), action).toBe(false);
    expect(mayAct(trainee('a'), 'rate', session, without, 'b')).toBe(false);
    // The trainer's own rights do not depend on the cohort.
    expect(mayAct({ id: 'tr', role: 'trainer' }, 'view', session, [])).toBe(true);
  });
});
