import { describe, it, expect } from 'vitest';
import { loadScenarios, playView, dealChoice, choiceToken, PlayError, scoreAttempt, type Play, type PlayStep } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { readContent } from '../../src/content/read';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const leak = library.get('ceiling-leak')!;
const best = leak.analysis.bestPath.choices;
const T0 = new Date('2026-12-01T08:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const newPlay = (mode: Play['mode'], extra: Partial<Play> = {}): Play => ({
  id: 'p1',
  scenarioId: leak.def.id,
  version: leak.def.version,
  mode,
  seed: 'secret-seed-1',
  startedAt: T0.toISOString(),
  deadline: mode === 'assessment' ? at(15 * 60).toISOString() : undefined,
  steps: [],
  ...extra,
});

/** Plays `choiceIds` as a client that knows them would (choice → its token at that step), checking each dealt turn. */
function playThrough(play: Play, choiceIds: readonly string[], s = leak) {
  let result;
  const steps: PlayStep[] = [];
  for (const [i, id] of choiceIds.entries()) {
    const r = dealChoice(s, { ...play, steps }, choiceToken(play.seed, i, id), i, at(10 * (i + 1)));
    steps.push(r.step);
    result = r.result;
  }
  return { steps, result };
}

/** Every text the scenario holds that must not reach the browser before it is earned. */
function secretsOf(s = leak) {
  const out: string[] = [];
  for (const n of Object.values(s.def.nodes)) for (const c of n.choices ?? []) out.push(c.feedback, c.point, ...(c.adjust ?? []).flatMap((a) => (a.feedback ? [a.feedback] : [])));
  for (const e of Object.values(s.def.endings)) out.push(e.debrief, e.modelAnswer);
  // A model answer may quote a choice word for word; the choice itself is dealt, so that text is no secret.
  const dealt = new Set(Object.values(s.def.nodes).flatMap((n) => [n.line, ...(n.choices ?? []).map((c) => c.text)]));
  return out.filter((x) => !dealt.has(x));
}

describe('a role-play dealt by the server', () => {
  it('scores the best path, played step by step, as the analysis does, with the time each decision took', () => {
    const { steps, result } = playThrough(newPlay('assessment'), best);
    expect(result).toBeDefined();
    expect(result!.ending).toBe(leak.analysis.bestPath.ending);
    expect(result!.scores).toEqual(scoreAttempt(leak.def, leak.analysis.best, leak.analysis.bestPath.totals, result!.outcome));
    expect(result!.scores.passed).toBe(true);
    expect(result!.moods).toEqual([leak.def.startMood, ...steps.map((x) => x.mood)]);
    expect(result!.decisionMs).toEqual(best.map(() => 10_000));
    expect(result!.choiceIds).toEqual(best);
  });

  it('offers choices under tokens that differ per play and per step, in an order shuffled per play', () => {
    const a = playView(leak, newPlay('practice'), T0).prompt!.choices;
    const b = playView(leak, newPlay('practice', { seed: 'another-seed' }), T0).prompt!.choices;
    expect(a.map((c) => c.text).sort()).toEqual(b.map((c) => c.text).sort());
    expect(new Set([...a, ...b].map((c) => c.token)).size).toBe(a.length * 2);
    const orders = new Set(['s1', 's2', 's3', 's4', 's5', 's6'].map((seed) => playView(leak, newPlay('practice', { seed }), T0).prompt!.choices.map((c) => c.text).join('|')));
    expect(orders.size).toBeGreaterThan(1);
    // The same play reloads in the same order.
    expect(playView(leak, newPlay('practice'), T0).prompt!.choices).toEqual(a);
    // A token of another play means nothing here.
    expect(() => dealChoice(leak, newPlay('practice'), b[0]!.token, 0, T0)).toThrow(PlayError);
  });

  it('shows only what has been dealt: no feedback, point, score, ending text or choice id of what is still ahead', () => {
    for (const s of library.list) {
      for (const mode of ['practice', 'assessment'] as const) {
        const view = JSON.stringify(playView(s, { ...newPlay(mode), scenarioId: s.def.id, version: s.def.version }, T0));
        for (const secret of secretsOf(s)) expect(view.includes(secret), `${s.def.id} ${mode}: ${secret.slice(0, 20)}`).toBe(false);
        expect(view).not.toMatch(/"(scores?|totals|better|bestChoiceAt|next|effects|debrief|modelAnswer)"/);
        for (const n of Object.values(s.def.nodes)) for (const c of n.choices ?? []) expect(view).not.toContain(`"${c.id}"`);
      }
    }
  });

  it('practice shows the feedback and mood of choices already made; assessment shows neither until the end', () => {
    const practice = newPlay('practice');
    const p = playThrough(practice, best.slice(0, 2));
    const pv = playView(leak, { ...practice, steps: p.steps }, at(30));
    expect(pv.turns).toHaveLength(2);
    expect(pv.turns[0]!.feedback?.notes[0]).toBeTruthy();
    expect(pv.mood).toBe(p.steps[1]!.mood);
    const assessment = newPlay('assessment');
    const a = playThrough(assessment, best.slice(0, 2));
    const av = playView(leak, { ...assessment, steps: a.steps }, at(30));
    expect(av.turns.every((x) => x.feedback === undefined)).toBe(true);
    expect(av.mood).toBeUndefined();
    const text = JSON.stringify(av);
    for (const secret of secretsOf()) expect(text.includes(secret)).toBe(false);
  });

  it('refuses a choice not offered now, at another step, after the end, after the deadline, and on an old version', () => {
    const play = newPlay('assessment');
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as PlayError).code;
      }
      return 'accepted';
    };
    expect(code(() => dealChoice(leak, play, 'made-up-token', 0, T0))).toBe('not-offered');
    // A real choice id is not a token.
    expect(code(() => dealChoice(leak, play, best[0]!, 0, T0))).toBe('not-offered');
    expect(code(() => dealChoice(leak, play, choiceToken(play.seed, 0, best[0]!), 1, T0))).toBe('moved');
    // A choice that exists, but at a later step, is not offered now.
    expect(code(() => dealChoice(leak, play, choiceToken(play.seed, 0, best[1]!), 0, T0))).toBe('not-offered');
    const done = { ...play, steps: playThrough(play, best).steps };
    expect(code(() => dealChoice(leak, done, choiceToken(play.seed, best.length, best[0]!), best.length, T0))).toBe('ended');
    expect(code(() => dealChoice(leak, { ...play, end: 'abandoned' }, choiceToken(play.seed, 0, best[0]!), 0, T0))).toBe('ended');
    expect(code(() => dealChoice(leak, play, choiceToken(play.seed, 0, best[0]!), 0, at(15 * 60 + 1)))).toBe('timed-out');
    expect(code(() => dealChoice(leak, { ...play, version: leak.def.version - 1 }, choiceToken(play.seed, 0, best[0]!), 0, T0))).toBe('version');
    expect(code(() => dealChoice(leak, play, choiceToken(play.seed, 0, best[0]!), 0, T0))).toBe('accepted');
  });

  it('a path that angers the owner into hanging up fails, whatever the client may think', () => {
    const lost = enumeratePaths(leak.def).paths.find((p) => p.ending === 'hung-up')!;
    const { result } = playThrough(newPlay('assessment'), lost.choices);
    expect(result!.outcome).toBe('failed');
    expect(result!.scores.passed).toBe(false);
  });

  it('a timed-out assessment shows no choices', () => {
    const view = playView(leak, newPlay('assessment'), at(16 * 60));
    expect(view.status).toBe('timed-out');
    expect(view.prompt).toBeUndefined();
  });

  it('a play through a choice that breaks a critical rule fails and names the rule, in every scenario that has one', () => {
    let checked = 0;
    for (const s of library.list) {
      const critical = new Set(Object.values(s.def.nodes).flatMap((n) => (n.choices ?? []).filter((c) => c.critical).map((c) => c.id)));
      const path = enumeratePaths(s.def).paths.find((p) => p.choices.some((c) => critical.has(c)));
      if (!path) continue;
      const play = { ...newPlay('assessment'), scenarioId: s.def.id, version: s.def.version };
      const { result } = playThrough(play, path.choices, s);
      expect(result!.scores.passed, s.def.id).toBe(false);
      expect(result!.breaches.map((b) => b.choice)).toEqual(path.choices.filter((c) => critical.has(c)));
      expect(result!.breaches[0]!.rule.length).toBeGreaterThan(3);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});
