import { describe, it, expect } from 'vitest';
import { describeCondition, flagProblems, layoutScenario } from '../../src/scenarios';
import { shortTitle } from '../../src/scenarios/layout';
import { parseScenario } from '../../src/scenarios/load';
import { loadScenarios } from '../../src/scenarios';
import { readContent } from '../../src/content/read';

const files = readContent(process.cwd()).scenarios;
const lib = loadScenarios(files);
const leak = lib.get('ceiling-leak')!;
const dim = (d: string) => ({ calmness: '情绪管理', empathy: '同理心表达', solution: '解决导向' })[d] ?? d;

describe('conditions in words', () => {
  const def = { flags: { apologised: '道歉', confirmed: '确认户号', committed: '承诺跟进' } };
  it('reads flags as deeds done or not yet done', () => {
    expect(describeCondition({ flag: 'apologised' }, def, dim)).toBe('已道歉后');
    expect(describeCondition({ notFlag: 'confirmed' }, def, dim)).toBe('未确认户号时');
  });
  it('reads mood, scores and combinations', () => {
    expect(describeCondition({ mood: { gte: 70 } }, def, dim)).toBe('业主情绪 ≥ 70 时');
    expect(describeCondition({ all: [{ flag: 'committed' }, { mood: { lte: 50 } }] }, def, dim)).toBe('已承诺跟进并且业主情绪 ≤ 50 时');
    expect(describeCondition({ any: [{ flag: 'apologised' }, { score: { dimension: 'empathy', gt: 3 } }] }, def, dim)).toBe('已道歉或者同理心表达 > 3 时');
    expect(describeCondition({ not: { flag: 'apologised' } }, def, dim)).toBe('并非“已道歉”时');
  });
  it('every scenario names every flag it uses, so no condition reads as an id', () => {
    for (const s of lib.list) expect(flagProblems(s.def), s.def.id).toEqual([]);
  });
});

describe('flag names are checked with the content', () => {
  it('a used flag without a Chinese name fails with a message that says how to fix it', () => {
    const src = files.find((f) => f.path.endsWith('ceiling-leak.yaml'))!;
    const text = src.text.replace(/\n  apologised: 道歉\n/, '\n');
    expect(text).not.toBe(src.text);
    const { problems } = parseScenario({ ...src, text });
    expect(problems.map((p) => p.message).join('\n')).toMatch(/flag "apologised" has no Chinese name; add `apologised: /);
  });
  it('a name for a flag nothing uses is reported too', () => {
    const src = files.find((f) => f.path.endsWith('ceiling-leak.yaml'))!;
    const { problems } = parseScenario({ ...src, text: src.text.replace('\nflags:\n', '\nflags:\n  nothing-sets-this: 无\n') });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'flags.nothing-sets-this' }));
  });
});

describe('branch map titles', () => {
  it('titles a node by its line, shortened, without stage directions or quotes', () => {
    expect(shortTitle('（不打断）“嗯，您说，我在听。”')).toBe('嗯，您说，我在听。');
    expect(shortTitle('一二三四五六七八九十一二三四五六七八九十')).toBe('一二三四五六七八九十一二三四五六七…');
  });
  it('the map boxes carry the owner\'s words, not the node ids', () => {
    const map = layoutScenario(leak);
    const start = map.nodes.find((n) => n.id === leak.def.start)!;
    expect(start.label).toBe(shortTitle(leak.def.nodes[leak.def.start]!.line!));
    expect(start.lines.join('')).toBe(start.label);
    expect(map.nodes.every((n) => n.lines.every((l) => l.length <= 9))).toBe(true);
  });
});
