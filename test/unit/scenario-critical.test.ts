import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseScenario } from '../../src/scenarios/load';
import { analyseScenario } from '../../src/scenarios/analyse';
import { createScenarioMachine, replay, currentId, criticalBreaches, scoreAttempt, buildDebrief, type Scenario } from '../../src/scenarios';

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
