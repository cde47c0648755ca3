import { describe, it, expect } from 'vitest';
import { loadScenarios, scoreSubmission, checkProgress, submissionSchema, summariseAttempts, SubmissionError, scoreAttempt, buildDebrief } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';
import { readContent } from '../../src/content/read';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const leak = library.get('ceiling-leak')!;
const best = leak.analysis.bestPath.choices;
const sub = (choiceIds: string[], extra: Record<string, unknown> = {}) =>
  submissionSchema.parse({ scenarioId: 'ceiling-leak', version: leak.def.version, choiceIds, ...extra });

describe('server scoring of role-play submissions', () => {
  it('scores the best path as the engine does', () => {
    const r = scoreSubmission(leak, sub(best));
    expect(r.ending).toBe(leak.analysis.bestPath.ending);
    expect(r.scores).toEqual(scoreAttempt(leak.def, leak.analysis.best, leak.analysis.bestPath.totals, r.outcome));
    expect(r.scores.passed).toBe(true);
    expect(r.moods[0]).toBe(leak.def.startMood);
    expect(r.moods).toHaveLength(best.length + 1);
  });

  it('drops a score sent by the client and computes its own', () => {
    const worst = enumeratePaths(leak.def).paths.find((p) => p.ending === 'hung-up')!;
    const parsed = sub(worst.choices, { scores: { overall: 100, passed: true }, passed: true });
    expect(parsed).not.toHaveProperty('scores');
    const r = scoreSubmission(leak, parsed);
    expect(r.scores.passed).toBe(false);
    expect(r.outcome).toBe('failed');
  });

  it('rejects a forged choice, a truncated path, a wrong version and an unknown scenario', () => {
    expect(() => scoreSubmission(leak, sub([best[0]!, 'made-up-choice']))).toThrow(SubmissionError);
    expect(() => scoreSubmission(leak, sub(best.slice(0, -1)))).toThrow(/before an ending/);
    expect(() => scoreSubmission(leak, sub([...best, best[0]!]))).toThrow(/after the conversation ended/);
    expect(() => scoreSubmission(leak, { ...sub(best), version: leak.def.version + 1 })).toThrow(/版/);
    expect(() => scoreSubmission(undefined, { ...sub(best), scenarioId: 'nope' })).toThrow(/没有这个情景/);
    expect(() => scoreSubmission(library.get('fee-refusal'), sub(best))).toThrow(SubmissionError);
  });

  it('scores a repeated path the same, with its own copies, and still rejects a bad path after a good one', () => {
    const first = scoreSubmission(leak, sub(best));
    first.scores.overall = -1;
    first.totals.calmness = -1;
    first.moods.push(-1);
    const again = scoreSubmission(leak, sub(best));
    expect(again.scores).toEqual(scoreAttempt(leak.def, leak.analysis.best, leak.analysis.bestPath.totals, again.outcome));
    expect(again.totals).toEqual(leak.analysis.bestPath.totals);
    expect(again.moods).toHaveLength(best.length + 1);
    expect(() => scoreSubmission(leak, sub([...best, best[0]!]))).toThrow(/after the conversation ended/);
    expect(() => scoreSubmission(leak, { ...sub(best), version: leak.def.version + 1 })).toThrow(/版/);
  });

  it('accepts a valid half-played path as progress, but not a finished or forged one', () => {
    expect(() => checkProgress(leak, sub(best.slice(0, 2)))).not.toThrow();
    expect(() => checkProgress(leak, sub(best))).toThrow(/已经结束/);
    expect(() => checkProgress(leak, sub(['nope']))).toThrow(SubmissionError);
  });

  it('validates the body shape', () => {
    expect(submissionSchema.safeParse({ scenarioId: 'x', version: '1', choiceIds: [] }).success).toBe(false);
    expect(submissionSchema.safeParse({ scenarioId: 'x', version: 1, choiceIds: 'a' }).success).toBe(false);
    expect(submissionSchema.safeParse({ scenarioId: 'x', version: 1, choiceIds: Array(201).fill('a') }).success).toBe(false);
  });
});

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
