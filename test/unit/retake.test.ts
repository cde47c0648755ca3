import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { loadExam, assemblePaper, shownHistory, CATEGORIES, type ExamQuestion, type Blueprint } from '../../src/quiz';
import { startExam, submitExam } from '../../src/app/exam-service';
import { testRuntime } from './runtime-helper';
import { blueprintProblems } from '../../src/quiz/blueprint';
import * as loadSummary from '../../src/quiz/load';

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

describe('at most maxPerFact questions of one fact per paper', () => {
  const q = (id: string, difficulty: 1 | 2, fact?: string): ExamQuestion => ({ id, type: 'truefalse', difficulty, stem: `题目 ${id}`, explanation: '解析文字', source: '第五章 维修时效标准', answer: true, category: 'law', chapter: 5, ...(fact ? { fact } : {}) });
  const only = (law: Blueprint['questions']['law'], maxPerFact?: number): Blueprint => ({
    ...bp,
    maxPerFact,
    questions: Object.fromEntries(CATEGORIES.map((c) => [c, c === 'law' ? law : {}])) as Blueprint['questions'],
  });
  const facts = (bank: ExamQuestion[], p: { questions: Array<{ id: string }> }) => ids(p).map((id) => bank.find((x) => x.id === id)!.fact ?? '-');

  // Four unseen questions on the repair times, two seen untagged ones: "unseen first" alone would put three repair-sla on the paper.
  const bank = [q('s1', 1, 'repair-sla'), q('s2', 1, 'repair-sla'), q('s3', 1, 'repair-sla'), q('s4', 1, 'repair-sla'), q('u1', 1), q('u2', 1)];
  const history = new Map([
    ['u1', '2026-11-01T08:00:00.000Z'],
    ['u2', '2026-11-02T08:00:00.000Z'],
  ]);

  it('passes over a question whose fact is full and takes the next in retake order (unseen, then longest ago)', () => {
    for (let i = 0; i < 40; i++) {
      const p = assemblePaper(bank, only({ 1: 3 }, 2), `cap-${i}`, history);
      expect(facts(bank, p).filter((f) => f === 'repair-sla')).toHaveLength(2);
      // The untagged filler is the one shown longest ago.
      expect(ids(p)).toContain('u1');
      expect(ids(p)).not.toContain('u2');
    }
  });

  it('without the cap the same draw puts three repair-sla questions on the paper', () => {
    const p = assemblePaper(bank, only({ 1: 3 }), 'cap-0', history);
    expect(facts(bank, p).filter((f) => f === 'repair-sla')).toHaveLength(3);
  });

  it('looks ahead across groups: leaves a fact for a later group that has nothing else', () => {
    // Difficulty 1 may take one repair-sla plus the untagged question; difficulty 2 has only repair-sla questions.
    const b2 = [q('a1', 1, 'repair-sla'), q('a2', 1, 'repair-sla'), q('a3', 1), q('b1', 2, 'repair-sla'), q('b2', 2, 'repair-sla')];
    const seen = new Map([['a3', '2026-11-01T08:00:00.000Z']]);
    for (let i = 0; i < 20; i++) {
      const p = assemblePaper(b2, only({ 1: 2, 2: 1 }, 2), `ahead-${i}`, seen);
      expect(ids(p)).toContain('a3');
      expect(facts(b2, p).filter((f) => f === 'repair-sla')).toHaveLength(2);
    }
  });

  it('the checker names maxPerFact and the short group when the bank cannot fill a paper under the cap', () => {
    // A paper takes four; one question is untagged and seven test the repair times, so two per fact leaves it one short.
    const tight = [q('u1', 1), ...[1, 2, 3, 4, 5, 6, 7].map((n) => q(`s${n}`, 1, 'repair-sla'))];
    const problems = blueprintProblems(only({ 1: 4 }, 2), tight);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('maxPerFact');
    expect(problems[0]!.message).toContain('questions.law.1 is 1 short');
    expect(problems[0]!.message).toContain('repair-sla ×7');
    expect(problems[0]!.message).toContain('content/quiz/questions/law.yaml, or raise maxPerFact');
    expect(() => assemblePaper(tight, only({ 1: 4 }, 2), 'x')).toThrow(/maxPerFact|per fact/);
    // Raising the cap, or no cap, makes it fillable.
    expect(blueprintProblems(only({ 1: 4 }, 3), tight)).toEqual([]);
    expect(blueprintProblems(only({ 1: 4 }), tight)).toEqual([]);
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

describe('bank summary for the checker', () => {
  it('counts per category and difficulty, and papers in a row without a repeat', () => {
    const { summariseBank } = loadSummary;
    const mk = (id: string, category: ExamQuestion['category'], difficulty: 1 | 2 | 3): ExamQuestion => ({ id, type: 'truefalse', difficulty, stem: `题目 ${id}`, explanation: '解析文字', source: '第一章 主要职责', answer: true, category, chapter: 1 });
    const bank = [...Array.from({ length: 9 }, (_, i) => mk(`l1-${i}`, 'law', 1)), ...Array.from({ length: 5 }, (_, i) => mk(`l2-${i}`, 'law', 2))];
    const b: Blueprint = { ...bp, questions: Object.fromEntries(CATEGORIES.map((c) => [c, c === 'law' ? { 1: 4, 2: 2 } : {}])) as Blueprint['questions'] };
    const s = summariseBank(bank, b);
    expect(s.byCategoryDifficulty.law).toEqual({ 1: 9, 2: 5, 3: 0 });
    expect(s.byCategoryDifficulty.cases).toEqual({ 1: 0, 2: 0, 3: 0 });
    // law.1: floor(9/4) = 2, law.2: floor(5/2) = 2; cells the blueprint does not draw from do not count.
    expect(s.papersWithoutRepeat).toBe(2);
    expect(summariseBank([...bank, mk('l1-x', 'law', 1), mk('l1-y', 'law', 1), mk('l1-z', 'law', 1), mk('l2-x', 'law', 2)], b).papersWithoutRepeat).toBe(3);
  });
});
