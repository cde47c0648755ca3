import { describe, it, expect } from 'vitest';
import { loadScenarios, summariseAttempts, buildDebrief } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { readContent } from '../../src/content/read';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const leak = library.get('ceiling-leak')!;
const best = leak.analysis.bestPath.choices;

describe('history and debrief', () => {
  it('keeps the best and the latest result per scenario', () => {
    const s = (overall: number, passed: boolean) => ({ calmness: overall, empathy: overall, solution: overall, overall, passed });
    const h = summariseAttempts([
      { scenarioId: 'a', scores: s(50, false), at: '2026-11-01T00:00:00Z', outcome: 'failed' },
      { scenarioId: 'a', scores: s(90, true), at: '2026-11-02T00:00:00Z', outcome: 'resolved' },
      { scenarioId: 'a', scores: s(70, false), at: '2026-11-03T00:00:00Z', outcome: 'partial' },
    ]).get('a')!;
    expect(h).toMatchObject({ attempts: 3, passed: true, best: { overall: 90 }, latest: { overall: 70, passed: false } });
  });

  it('shows each decision with the better choice where the trainee missed it', () => {
    const worst = enumeratePaths(leak.def).paths.sort((a, b) => a.totals.empathy - b.totals.empathy)[0]!;
    const d = buildDebrief(leak, worst.choices);
    expect(d).toHaveLength(worst.choices.length);
    expect(d.some((x) => x.better)).toBe(true);
    for (const x of d) if (x.better) expect(x.better.id).not.toBe(x.chosen.id);
    const bestReview = buildDebrief(leak, best);
    expect(bestReview.every((x) => !x.better)).toBe(true);
  });
});
