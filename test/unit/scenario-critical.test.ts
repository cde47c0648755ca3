import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../src/scenarios/load';
import { analyseScenario } from '../../src/scenarios/analyse';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { createScenarioMachine, replay, currentId, criticalBreaches, scoreAttempt, buildDebrief, loadScenarios, type Scenario } from '../../src/scenarios';
import { readContent } from '../../src/content/read';
import { checkContent, formatProblem } from '../../src/content';

const fixture = parseScenario({ path: 'valid.yaml', text: readFileSync('test/fixtures/scenarios/valid.yaml', 'utf8') }).scenario!;
const rule = { rule: '禁止强行扒门，等待专业人员', chapter: 5, heading: '电梯困人' };

/** The fixture with `rule` put on one choice; nothing else changes, so the scores stay those of the fixture. */
function withCritical(node: string, choice: string): Scenario {
  const def = structuredClone(fixture.def);
  const c = def.nodes[node]!.choices!.find((x) => x.id === choice)!;
  c.critical = rule;
  return def;
}
const play = (def: Scenario, ids: string[]) => replay(createScenarioMachine(def), ids);

describe('critical rules', () => {
  it('lists the breaches of a played path, in order, and none on a clean one', () => {
    const def = withCritical('b', 'b-bad');
    const broken = play(def, ['a-good', 'b-bad', 'c-good', 'd-good']);
    expect(criticalBreaches(def, broken.context.steps)).toEqual([{ node: 'b', choice: 'b-bad', ...rule }]);
    const clean = play(def, ['a-good', 'b-good', 'c-good', 'd-good']);
    expect(criticalBreaches(def, clean.context.steps)).toEqual([]);
    expect(criticalBreaches(def, [{ node: 'nowhere', choice: 'b-bad' }])).toEqual([]);
  });

  it('fails an otherwise perfect play, keeping the dimension scores', () => {
    const def = withCritical('a', 'a-good');
    const path = ['a-good', 'b-good', 'c-good', 'd-good'];
    const snap = play(def, path);
    expect(currentId(snap)).toBe('resolved');
    const { best } = fixture.analysis;
    expect(snap.context.totals).toEqual(best);
    const outcome = def.endings[currentId(snap)]!.outcome;
    const breaches = criticalBreaches(def, snap.context.steps);
    expect(breaches).toHaveLength(1);
    const scores = scoreAttempt(def, best, snap.context.totals, outcome, breaches.length);
    expect(scores).toEqual({ calmness: 100, empathy: 100, solution: 100, overall: 100, passed: false });
    // Without the breach the same play passes, and leaving the count out means none.
    expect(scoreAttempt(def, best, snap.context.totals, outcome, 0).passed).toBe(true);
    expect(scoreAttempt(def, best, snap.context.totals, outcome)).toEqual({ ...scores, passed: true });
  });

  it('are accepted where every path through them fails, and listed in the analysis', () => {
    // a-bad is on no passing path of the fixture.
    const { analysis, problems } = analyseScenario(withCritical('a', 'a-bad'));
    expect(problems).toEqual([]);
    expect(analysis!.criticalChoices).toEqual([{ node: 'a', choice: 'a-bad', path: 'nodes.a.choices[1]', ...rule }]);
    expect(analysis!.passingPaths).toBe(fixture.analysis.passingPaths);
  });

  it('are refused on the best path even when that path does not pass', () => {
    const def = withCritical('a', 'a-good');
    def.pass = { minEach: 60, minOverall: 101 };
    const { problems } = analyseScenario(def);
    expect(problems).toContainEqual({
      path: 'nodes.a.choices[0]',
      message: expect.stringMatching(/yet lies on the best path \(a-good → b-good → c-good → d-good → resolved\); a critical choice must not lead to a passing ending/),
    });
  });

  it('are named in the debrief at the decision that broke one, with where the courseware says it', () => {
    const def = withCritical('b', 'b-bad');
    const d = buildDebrief({ def, analysis: fixture.analysis }, ['a-good', 'b-bad', 'c-good', 'd-good']);
    expect(d.map((x) => x.breach)).toEqual([undefined, rule, undefined, undefined]);
  });
});

describe('critical rules in the role-play library', () => {
  const content = readContent(process.cwd());
  const library = loadScenarios(content.scenarios);
  const marked = (id: string) => Object.fromEntries(library.get(id)!.analysis.criticalChoices.map((c) => [c.choice, c.rule]));

  it('every scenario passes the content check, critical choices included', () => {
    const { problems, summary } = checkContent(content);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary.scenarios.reduce((n, s) => n + s.criticalChoices.length, 0)).toBeGreaterThan(0);
  });

  it('marks the choices that break the courseware rules on lifts, fire and power cuts', () => {
    expect(marked('lift-entrapment')).toMatchObject({
      'try-door': expect.stringContaining('禁止强行扒门'),
      'security-pry': expect.stringContaining('禁止强行扒门'),
      'allow-pry': expect.stringContaining('禁止强行扒门'),
      reopen: '电梯检修合格后方可恢复使用',
    });
    expect(marked('fire-report')).toMatchObject({
      'take-lift': expect.stringContaining('禁止使用电梯'),
      'let-them': '未经允许不得返回现场',
      'ask-her': expect.stringContaining('未经允许不得返回现场'),
      'check-first': expect.stringContaining('立即拨打119报警'),
    });
    expect(marked('power-outage')).toMatchObject({
      'all-at-once': '来电后逐台恢复电梯运行',
      'leave-it': expect.stringContaining('安排人员值守电梯，防止困人'),
      'try-lift': expect.stringContaining('安排人员值守电梯，防止困人'),
      'promise-hour': expect.stringContaining('对业主的承诺必须兑现'),
    });
  });

  for (const s of library.list) {
    it(`${s.def.id}: a path through a critical choice never passes, on its scores or with its breaches; the best path has none`, () => {
      const machine = createScenarioMachine(s.def);
      for (const p of enumeratePaths(s.def).paths) {
        const breaches = criticalBreaches(s.def, replay(machine, p.choices).context.steps);
        const outcome = s.def.endings[p.ending]!.outcome;
        if (breaches.length) {
          expect(scoreAttempt(s.def, s.analysis.best, p.totals, outcome, breaches.length).passed, p.choices.join(' → ')).toBe(false);
          expect(scoreAttempt(s.def, s.analysis.best, p.totals, outcome).passed, p.choices.join(' → ')).toBe(false);
        }
      }
      expect(criticalBreaches(s.def, replay(machine, s.analysis.bestPath.choices).context.steps)).toEqual([]);
    });
  }
});

