import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { parseScenario } from '../../src/scenarios/load';
import { parseModules } from '../../src/modules/load';
import { readContent } from '../../src/content/read';
import { formatProblem } from '../../src/content';

const { modules } = parseModules(readContent(process.cwd()).modules);
const headings = new Map(modules.map((m) => [m.chapter, m.toc]));
const dir = 'test/fixtures/scenarios';
const load = (name: string) => parseScenario({ path: `${dir}/${name}`, text: readFileSync(`${dir}/${name}`, 'utf8') }, headings);

/** Each broken fixture, the path the problem must name, and what the message must say. */
const EXPECTED: Record<string, [string, RegExp]> = {
  'unknown-next': ['nodes.a.choices[0].next', /"nowhere" is not a node or an ending/],
  'unreachable-node': ['nodes.orphan', /unreachable/],
  'dead-end': ['nodes.pit', /no ending can be reached from here/],
  'loop-no-exit': ['nodes.ping', /loop with no way out: ping → pong/],
  'duplicate-choice-id': ['nodes.b.choices[1].id', /"a-bad" is already used at nodes\.a\.choices\[1\]/],
  'node-ending-clash': ['endings.c', /both a node and an ending/],
  'missing-feedback': ['nodes.a.choices[1].feedback', /missing; add this field/],
  'ending-never-reached': ['endings.secret', /no path reaches this ending once conditions are respected/],
  'no-path-passes': ['pass', /no path passes/],
  'every-path-passes': ['pass', /every path passes/],
  'too-few-decisions': ['nodes', /best path has 3 decisions; .* at least 4/],
  'unknown-heading': ['practises[0].heading', /chapter 3 has no heading "不存在的小节"; use one of: .*电话服务流程/],
  'critical-choice-passes': ['nodes.d.choices[2]', /critical rule "禁止强行扒门，等待专业人员" yet lies on a passing path \(a-good → b-good → c-good → d-pry → resolved\); a critical choice must not lead to a passing ending: lower its effects or send it to a failing ending/],
  'unknown-critical-heading': ['nodes.a.choices[1].critical.heading', /chapter 5 has no heading "不存在的小节"; use one of: .*电梯困人/],
  'yaml-syntax': ['', /YAML syntax error at line 5/],
  'bad-effect': ['nodes.a.choices[0].effects.calmness', /<=3/],
};

describe('scenario validator', () => {
  it('accepts the valid fixture and reports its paths', () => {
    const r = load('valid.yaml');
    expect(r.problems.map(formatProblem)).toEqual([]);
    expect(r.scenario!.analysis).toMatchObject({ paths: 13, best: { calmness: 4, empathy: 4, solution: 7 } });
  });

  it('has a broken fixture for every rule, and no rule without a fixture', () => {
    expect(readdirSync(`${dir}/broken`).map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, [path, message]] of Object.entries(EXPECTED)) {
    it(`rejects ${name}, naming file, path and fix`, () => {
      const r = load(`broken/${name}.yaml`);
      expect(r.scenario).toBeUndefined();
      const hit = r.problems.find((p) => p.path === path && message.test(p.message));
      expect(hit, r.problems.map(formatProblem).join('\n')).toBeDefined();
      expect(hit!.file).toBe(`${dir}/broken/${name}.yaml`);
    });
  }
});
