import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { loadExam, assemblePaper, shownHistory, CATEGORIES, type ExamQuestion, type Blueprint } from '../../src/quiz';
import { startExam, submitExam } from '../../src/app/exam-service';
import { testRuntime } from './runtime-helper';

const files = readContent(process.cwd());
const exam = loadExam(files.questions, files.blueprint);
const bp = exam.blueprint;
const ids = (p: { questions: Array<{ id: string }> }) => p.questions.map((x) => x.id);
const counts = (qs: string[]) => {
  const out: Record<string, number> = {};
  for (const id of qs) {
    const q = exam.bank.get(id)!;
    out[`${q.category}.${q.difficulty}`] = (out[`${q.category}.${q.difficulty}`] ?? 0) + 1;
  }
  return out;
};

describe('retake draw (pure)', () => {
  it('draws only questions never shown while the bank still has them, keeping the blueprint counts', () => {
    const p1 = assemblePaper(exam.questions, bp, 'first');
    const h1 = shownHistory([{ startedAt: '2026-11-01T08:00:00.000Z', paper: p1.questions }]);
    const p2 = assemblePaper(exam.questions, bp, 'second', h1);
    const h2 = shownHistory([
      { startedAt: '2026-11-01T08:00:00.000Z', paper: p1.questions },
      { startedAt: '2026-11-02T08:00:00.000Z', paper: p2.questions },
    ]);
    const p3 = assemblePaper(exam.questions, bp, 'third', h2);
    expect(ids(p2).filter((id) => h1.has(id))).toEqual([]);
    expect(ids(p3).filter((id) => h2.has(id))).toEqual([]);
    for (const p of [p2, p3]) expect(counts(ids(p))).toEqual(counts(ids(p1)));
  });

  // A tiny bank of one group: five questions, a paper takes three.
  const tf = (id: string): ExamQuestion => ({ id, type: 'truefalse', difficulty: 1, stem: `题目 ${id}`, explanation: '解析文字', source: '第一章 主要职责', answer: true, category: 'law', chapter: 1 });
  const bank = ['qa', 'qb', 'qc', 'qd', 'qe'].map(tf);
  const small: Blueprint = { ...bp, questions: Object.fromEntries(CATEGORIES.map((c) => [c, c === 'law' ? { 1: 3 } : {}])) as Blueprint['questions'] };

  it('when unseen questions run out, reuses the ones shown longest ago first', () => {
    // qe never shown; qb and qd shown longest ago (same paper); qc later; qa most recently.
    const history = new Map([
      ['qa', '2026-11-03T08:00:00.000Z'],
      ['qb', '2026-11-01T08:00:00.000Z'],
      ['qc', '2026-11-02T08:00:00.000Z'],
      ['qd', '2026-11-01T08:00:00.000Z'],
    ]);
    for (let i = 0; i < 50; i++) {
      expect(ids(assemblePaper(bank, small, `seed-${i}`, history)).sort()).toEqual(['qb', 'qd', 'qe']);
    }
  });

  it('keeps ties (questions of the same paper) in seeded random order, reproducibly', () => {
    const history = new Map(['qa', 'qb', 'qc', 'qd', 'qe'].map((id) => [id, '2026-11-01T08:00:00.000Z']));
    const drawn = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const p = assemblePaper(bank, small, `tie-${i}`, history);
      expect(assemblePaper(bank, small, `tie-${i}`, history)).toEqual(p);
      drawn.add(ids(p).sort().join());
    }
    expect(drawn.size).toBeGreaterThan(1);
  });

  it('remembers the latest time a question was shown', () => {
    const h = shownHistory([
      { startedAt: '2026-11-02T08:00:00.000Z', paper: [{ id: 'qa' }] },
      { startedAt: '2026-11-01T08:00:00.000Z', paper: [{ id: 'qa' }, { id: 'qb' }] },
    ]);
    expect([...h]).toEqual([['qa', '2026-11-02T08:00:00.000Z'], ['qb', '2026-11-01T08:00:00.000Z']]);
  });
});

describe('retake draw (exam service over a real store)', () => {
  it("a third paper repeats no question of the trainee's first two", async () => {
    const start = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('sun.hao'))!;
    await rt.store.addWaiver({ userId: user.id, by: (await rt.store.getUserByUsername('trainer'))!.id, reason: '测试', at: start.toISOString() });
    const papers: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const at = new Date(start.getTime() + i * (bp.hoursBetweenAttempts + 1) * 3_600_000);
      const a = await startExam(rt, user, at);
      papers.push(a.paper.map((q) => q.id));
      await submitExam(rt, user, a.id, new Date(at.getTime() + 60_000)); // blank paper: failed
    }
    const earlier = new Set([...papers[0]!, ...papers[1]!]);
    expect(papers[2]!.filter((id) => earlier.has(id))).toEqual([]);
  });
});

describe('starting the exam twice at once (two taps on 开始考试)', () => {
  it('gives both requests the one paper stored', async () => {
    const start = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('sun.hao'))!;
    await rt.store.addWaiver({ userId: user.id, by: (await rt.store.getUserByUsername('trainer'))!.id, reason: '测试', at: start.toISOString() });
    const [a, b] = await Promise.all([startExam(rt, user, start), startExam(rt, user, start)]);
    expect(b.id).toBe(a.id);
    expect((await rt.store.listExamAttempts(user.id)).map((x) => x.id)).toEqual([a.id]);
  });
});
