import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../src/scenarios/load';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { applyChoice, initialContext } from '../../src/scenarios/rules';
import { createScenarioMachine, replay, ReplayError, currentId, scoreAttempt, loadScenarios, DIMENSIONS } from '../../src/scenarios';
import { readContent } from '../../src/content/read';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const fixture = parseScenario({ path: 'valid.yaml', text: readFileSync('test/fixtures/scenarios/valid.yaml', 'utf8') }).scenario!;

describe('the scenario library', () => {
  it('has at least eight scenarios, including the courseware role-play', () => {
    expect(library.list.length).toBeGreaterThanOrEqual(8);
    for (const id of ['ceiling-leak', 'fee-refusal', 'neighbour-dispute', 'lift-entrapment', 'power-outage', 'fire-report', 'complaint-beyond-authority', 'phone-repair-call']) {
      expect(library.get(id), id).toBeDefined();
    }
    expect(library.get('ceiling-leak')!.def.nodes[library.get('ceiling-leak')!.def.start]!.line).toContain('我都报修三次了，漏水问题还是没解决！');
  });

  for (const s of library.list) {
    it(`${s.def.id}: every path ends, replays through the machine identically, scores stay in 0–100; best passes, worst fails`, () => {
      const machine = createScenarioMachine(s.def);
      const { paths, problems } = enumeratePaths(s.def);
      expect(problems).toEqual([]);
      expect(paths.length).toBe(s.analysis.paths);
      const scores = paths.map((p) => {
        const snap = replay(machine, p.choices);
        expect(snap.status).toBe('done');
        expect(currentId(snap)).toBe(p.ending);
        expect(snap.context.totals).toEqual(p.totals);
        const sc = scoreAttempt(s.def, s.analysis.best, p.totals, s.def.endings[p.ending]!.outcome);
        for (const d of [...DIMENSIONS, 'overall'] as const) {
          expect(sc[d]).toBeGreaterThanOrEqual(0);
          expect(sc[d]).toBeLessThanOrEqual(100);
        }
        return sc;
      });
      const best = scoreAttempt(s.def, s.analysis.best, s.analysis.bestPath.totals, s.def.endings[s.analysis.bestPath.ending]!.outcome);
      expect(best.passed).toBe(true);
      const worst = scores.reduce((a, b) => (b.overall < a.overall ? b : a));
      expect(worst.passed).toBe(false);
      expect(scores.filter((x) => x.passed).length).toBe(s.analysis.passingPaths);
      expect(s.analysis.bestPath.choices.length).toBeGreaterThanOrEqual(4);
      expect(Object.keys(s.def.endings).length).toBeGreaterThanOrEqual(3);
    });
  }
});

describe('engine rules', () => {
  it('a solution offered before any apology scores lower and angers the owner more', () => {
    const s = library.get('ceiling-leak')!.def;
    const penalised = Object.entries(s.nodes).flatMap(([node, n]) =>
      (n.choices ?? []).filter((c) => c.adjust?.some((a) => JSON.stringify(a.when) === JSON.stringify({ notFlag: 'apologised' }))).map((c) => ({ node, c })),
    );
    expect(penalised.length).toBeGreaterThan(0);
    for (const { node, c } of penalised) {
      const before = initialContext(s);
      const withApology = applyChoice({ ...before, flags: ['apologised'] }, node, c);
      const without = applyChoice(before, node, c);
      const sum = (t: typeof without.totals) => t.calmness + t.empathy + t.solution;
      expect(sum(without.totals)).toBeLessThan(sum(withApology.totals));
      expect(without.mood).toBeGreaterThanOrEqual(withApology.mood);
    }
  });

  it('the hang-up ending fires when the mood reaches the limit', () => {
    const machine = createScenarioMachine(fixture.def);
    // 60 + 25 + 25 reaches 100 on arriving at node c.
    const snap = replay(machine, ['a-bad', 'b-bad']);
    expect(snap.status).toBe('done');
    expect(currentId(snap)).toBe('hung-up');
    expect(snap.context.mood).toBe(100);
    const leak = library.get('ceiling-leak')!;
    const hungUp = enumeratePaths(leak.def).paths.filter((p) => p.ending === leak.def.moodLimit!.ending);
    expect(hungUp.length).toBeGreaterThan(0);
    for (const p of hungUp) expect(p.moods.at(-1)).toBeGreaterThanOrEqual(leak.def.moodLimit!.at);
  });

  it('choices with `when` are offered only when their condition holds', () => {
    const s = library.get('ceiling-leak')!.def;
    const machine = createScenarioMachine(s);
    // "check-identity" needs an apology first.
    expect(() => replay(machine, ['let-vent', 'check-identity'], { allowIncomplete: true })).toThrow(ReplayError);
    expect(() => replay(machine, ['interrupt-sorry', 'check-identity'], { allowIncomplete: true })).not.toThrow();
  });

  it('routing steps branch on mood', () => {
    const m = createScenarioMachine(fixture.def);
    expect(currentId(replay(m, ['a-good', 'b-good', 'c-good', 'd-good']))).toBe('resolved');
    expect(currentId(replay(m, ['a-good', 'b-good', 'c-bad', 'd-bad']))).toBe('failed');
  });

  it('rejects forged, premature-ending and overlong paths', () => {
    const m = createScenarioMachine(fixture.def);
    expect(() => replay(m, ['a-good', 'zz'])).toThrow(/choice 2 \("zz"\) is not available at "b"/);
    expect(() => replay(m, ['a-good', 'b-good'])).toThrow(/stops at "c" before an ending/);
    expect(() => replay(m, ['a-bad', 'b-bad', 'c-good'])).toThrow(/after the conversation ended/);
    expect(() => replay(m, ['b-good'])).toThrow(/not available at "a"/);
    expect(currentId(replay(m, ['a-good', 'b-good'], { allowIncomplete: true }))).toBe('c');
  });

  it('is deterministic: the same path always gives the same result', () => {
    const s = library.get('power-outage')!;
    const m1 = createScenarioMachine(s.def);
    const m2 = createScenarioMachine(s.def);
    const path = s.analysis.bestPath.choices;
    expect(replay(m1, path).context).toEqual(replay(m2, path).context);
  });
});
