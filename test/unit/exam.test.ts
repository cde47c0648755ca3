import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { loadExam, weakestCategories, assemblePaper, publicPaper, responseFromPublic, responseToPublic, AnswerError, gradePaper, attemptState, examEligibility, scoreQuestion, CATEGORIES, paperSize, type ExamQuestion, type Blueprint } from '../../src/quiz';
import { token } from '../../src/quiz/random';
import { t } from '../../src/i18n';

const files = readContent(process.cwd());
const exam = loadExam(files.questions, files.blueprint);
const bp = exam.blueprint;
const q = (id: string) => exam.bank.get(id)!;
const full: Blueprint['partialCredit'] = { multiple: 'proportional', ordering: 'adjacentPairs', matching: 'perPair' };
const none: Blueprint['partialCredit'] = { multiple: 'none', ordering: 'none', matching: 'none' };

describe('question bank and blueprint', () => {
  it('has at least 160 questions, 30 per category, every type', () => {
    expect(exam.questions.length).toBeGreaterThanOrEqual(160);
    for (const c of CATEGORIES) expect(exam.questions.filter((x) => x.category === c).length).toBeGreaterThanOrEqual(30);
    for (const t of ['single', 'multiple', 'truefalse', 'ordering', 'matching']) expect(exam.questions.some((x) => x.type === t)).toBe(true);
    expect(bp).toMatchObject({ timeLimitMinutes: 45, passPercent: 80 });
  });
});

describe('paper assembly', () => {
  const paper = assemblePaper(exam.questions, bp, 'seed-one');
  it('follows the blueprint: counts per category and difficulty, no duplicates', () => {
    expect(paper.questions).toHaveLength(paperSize(bp));
    expect(new Set(paper.questions.map((x) => x.id)).size).toBe(paper.questions.length);
    for (const c of CATEGORIES) for (const d of [1, 2, 3] as const) {
      expect(paper.questions.filter((x) => q(x.id).category === c && q(x.id).difficulty === d).length).toBe(bp.questions[c][d] ?? 0);
    }
  });
  it('is reproducible from its seed and differs for another seed', () => {
    expect(assemblePaper(exam.questions, bp, 'seed-one')).toEqual(paper);
    expect(assemblePaper(exam.questions, bp, 'seed-two').questions.map((x) => x.id)).not.toEqual(paper.questions.map((x) => x.id));
  });
  it('avoids the previous paper where the bank allows', () => {
    const next = assemblePaper(exam.questions, bp, 'seed-retake', new Map(paper.questions.map((x) => [x.id, '2026-11-01T08:00:00.000Z'])));
    expect(next.questions.filter((x) => paper.questions.some((y) => y.id === x.id))).toEqual([]);
  });
  it('never shows an ordering question already in the right order', () => {
    for (let i = 0; i < 30; i++) {
      for (const pq of assemblePaper(exam.questions, bp, `s${i}`).questions) {
        const item = q(pq.id);
        if (item.type === 'ordering') expect(pq.order.join()).not.toBe(item.answer.join());
      }
    }
  });
});

describe('what the browser sees before submission', () => {
  const paper = assemblePaper(exam.questions, bp, 'leak-check');
  const pub = publicPaper(paper, exam.bank);
  const text = JSON.stringify(pub);
  it('carries no key, explanation, source or authored option ids', () => {
    expect(text).not.toMatch(/"answer"|"explanation"|"source"/);
    for (const pq of paper.questions) {
      const item = q(pq.id);
      expect(text).not.toContain(item.explanation);
      if (typeof item.answer === 'object') expect(text).not.toContain(JSON.stringify(item.answer));
    }
    const ids = pub.flatMap((x) => [...(x.options ?? []), ...(x.left ?? []), ...(x.right ?? [])].map((o) => o.id));
    expect(ids.every((id) => id.length >= 8)).toBe(true);
  });
  it('maps tokens back to authored answers and refuses what is not in the paper', () => {
    const single = paper.questions.find((x) => q(x.id).type === 'single')!;
    const item = q(single.id) as Extract<ExamQuestion, { type: 'single' }>;
    expect(responseFromPublic(paper, exam.bank, single.id, token(paper.seed, item.id, item.answer))).toBe(item.answer);
    expect(() => responseFromPublic(paper, exam.bank, single.id, item.answer)).toThrow(/没有选项/);
    const notInPaper = exam.questions.find((x) => !paper.questions.some((y) => y.id === x.id))!;
    expect(() => responseFromPublic(paper, exam.bank, notInPaper.id, 'x')).toThrow(/不在这份试卷/);
    const matching = paper.questions.find((x) => q(x.id).type === 'matching');
    if (matching) {
      const m = q(matching.id);
      const pubKey = responseToPublic(paper, m, m.answer);
      expect(responseFromPublic(paper, exam.bank, m.id, pubKey)).toEqual(m.answer);
      expect(() => responseFromPublic(paper, exam.bank, m.id, ['not', 'a', 'map'])).toThrow();
    }
  });
  it('refuses an answer nested 7,000 deep or oversized with an AnswerError (a 400), not a stack overflow', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 7000; i++) deep = [deep];
    let deepObject: unknown = 'x';
    for (let i = 0; i < 7000; i++) deepObject = { a: deepObject };
    for (const pq of paper.questions.slice(0, 12)) {
      for (const raw of [deep, deepObject, 'x'.repeat(100_000), Array.from({ length: 5000 }, () => 'x'), [deep]]) {
        let thrown: unknown;
        try {
          responseFromPublic(paper, exam.bank, pq.id, raw);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${q(pq.id).type}`).toBeInstanceOf(AnswerError);
        expect((thrown as Error).message.length).toBeLessThan(200);
      }
    }
  });
});

describe('grading with partial credit', () => {
  const single = exam.questions.find((x) => x.type === 'single')! as Extract<ExamQuestion, { type: 'single' }>;
  const tf = exam.questions.find((x) => x.type === 'truefalse')! as Extract<ExamQuestion, { type: 'truefalse' }>;
  const multi = exam.questions.find((x) => x.type === 'multiple' && x.answer.length === 3)! as Extract<ExamQuestion, { type: 'multiple' }>;
  const ord = exam.questions.find((x) => x.type === 'ordering' && x.answer.length === 6)! as Extract<ExamQuestion, { type: 'ordering' }>;
  const match = exam.questions.find((x) => x.type === 'matching' && Object.keys(x.answer).length === 4)! as Extract<ExamQuestion, { type: 'matching' }>;

  it('single and true/false are right or wrong', () => {
    expect(scoreQuestion(single, single.answer, full)).toBe(1);
    expect(scoreQuestion(single, single.options.find((o) => o.id !== single.answer)!.id, full)).toBe(0);
    expect(scoreQuestion(tf, tf.answer, full)).toBe(1);
    expect(scoreQuestion(tf, !tf.answer, full)).toBe(0);
    expect(scoreQuestion(tf, undefined, full)).toBe(0);
  });
  it('multiple choice: right picks minus wrong picks over the key, never below 0', () => {
    const wrong = multi.options.find((o) => !multi.answer.includes(o.id))!.id;
    expect(scoreQuestion(multi, multi.answer, full)).toBe(1);
    expect(scoreQuestion(multi, multi.answer.slice(0, 2), full)).toBeCloseTo(2 / 3);
    expect(scoreQuestion(multi, [...multi.answer.slice(0, 2), wrong], full)).toBeCloseTo(1 / 3);
    expect(scoreQuestion(multi, [wrong], full)).toBe(0);
    expect(scoreQuestion(multi, multi.answer.slice(0, 2), none)).toBe(0);
  });
  it('ordering: share of neighbouring pairs in the right order', () => {
    const a = ord.answer;
    expect(scoreQuestion(ord, a, full)).toBe(1);
    const swapped = [a[1]!, a[0]!, ...a.slice(2)];
    expect(scoreQuestion(ord, swapped, full)).toBeCloseTo(3 / 5);
    expect(scoreQuestion(ord, [...a].reverse(), full)).toBe(0);
    expect(scoreQuestion(ord, swapped, none)).toBe(0);
  });
  it('matching: share of left items matched correctly', () => {
    const lefts = Object.keys(match.answer);
    const half = { ...match.answer, [lefts[0]!]: match.answer[lefts[1]!]!, [lefts[1]!]: match.answer[lefts[0]!]! };
    expect(scoreQuestion(match, match.answer, full)).toBe(1);
    expect(scoreQuestion(match, half, full)).toBeCloseTo(0.5);
    expect(scoreQuestion(match, half, none)).toBe(0);
  });
  it('grades a paper by category and names the weakest', () => {
    const paper = assemblePaper(exam.questions, bp, 'grading');
    const answers: Record<string, unknown> = {};
    for (const pq of paper.questions) if (q(pq.id).category !== 'law') answers[pq.id] = q(pq.id).answer;
    const r = gradePaper(paper, answers, exam.bank, bp);
    expect(r.byCategory.law.percent).toBe(0);
    expect(r.byCategory.process.percent).toBe(100);
    expect(r.weakest).toBe('law');
    expect(r.percent).toBe(75);
    expect(r.passed).toBe(false);
    expect(r.reviewChapters.length).toBeGreaterThan(0);
    const all = gradePaper(paper, Object.fromEntries(paper.questions.map((x) => [x.id, q(x.id).answer])), exam.bank, bp);
    expect(all).toMatchObject({ percent: 100, passed: true });
  });
});

describe('deadline and attempts', () => {
  const started = '2026-11-28T08:00:00.000Z';
  const deadline = '2026-11-28T08:45:00.000Z';
  it('is open until the deadline, in grace shortly after, then overdue', () => {
    const a = { startedAt: started, deadline };
    expect(attemptState(a, new Date('2026-11-28T08:44:59Z'), 60)).toBe('open');
    expect(attemptState(a, new Date('2026-11-28T08:45:30Z'), 60)).toBe('grace');
    expect(attemptState(a, new Date('2026-11-28T08:46:01Z'), 60)).toBe('overdue');
    expect(attemptState({ ...a, submittedAt: deadline }, new Date('2026-11-28T09:00:00Z'), 60)).toBe('submitted');
  });
  const base = { blueprint: bp, prerequisitesMissing: [], waived: false, hasValidCertificate: false };
  const done = (h: number) => ({ startedAt: `2026-11-2${h}T08:00:00.000Z`, deadline, submittedAt: `2026-11-2${h}T08:30:00.000Z` });
  it('enforces prerequisites unless waived, the wait, the attempt limit and one open attempt', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    expect(examEligibility({ ...base, now, attempts: [], prerequisitesMissing: ['完成第 3 章课程'] })).toMatchObject({ ok: false, reason: 'prerequisites' });
    expect(examEligibility({ ...base, now, attempts: [], prerequisitesMissing: ['完成第 3 章课程'], waived: true })).toMatchObject({ ok: true, attemptsLeft: 3 });
    expect(examEligibility({ ...base, now, attempts: [done(8)] })).toMatchObject({ ok: false, reason: 'wait' });
    expect(examEligibility({ ...base, now, attempts: [done(7)] })).toMatchObject({ ok: true, attemptsLeft: 2 });
    expect(examEligibility({ ...base, now, attempts: [done(5), done(6), done(7)] })).toMatchObject({ ok: false, reason: 'attempts' });
    expect(examEligibility({ ...base, now, attempts: [{ startedAt: started, deadline }] })).toMatchObject({ ok: false, reason: 'in-progress' });
    expect(examEligibility({ ...base, now, attempts: [], hasValidCertificate: true })).toMatchObject({ ok: false, reason: 'certified' });
    // After a certificate expires, earlier attempts no longer count.
    expect(examEligibility({ ...base, now, attempts: [done(5), done(6), done(7)], countSince: '2026-11-27T12:00:00.000Z' })).toMatchObject({ ok: true, attemptsLeft: 3 });
  });
});

describe('the weakest part of an exam', () => {
  const of = (law: number, process: number, cases: number, professionalism: number) =>
    Object.fromEntries(Object.entries({ law, process, cases, professionalism }).map(([c, percent]) => [c, { earned: 0, total: 10, percent }])) as Parameters<typeof weakestCategories>[0];
  const worded = (r: Parameters<typeof weakestCategories>[0]) => t.exam.weakest(weakestCategories(r).map((c) => t.exam.categories[c]));

  it('names one part when one is lowest', () => {
    expect(weakestCategories(of(90, 60, 80, 70))).toEqual(['process']);
    expect(worded(of(90, 60, 80, 70))).toBe('最薄弱的部分：工作流程');
  });
  it('words a tie as a tie, in blueprint order', () => {
    expect(weakestCategories(of(90, 60, 60, 70))).toEqual(['process', 'cases']);
    expect(worded(of(90, 60, 60, 70))).toBe('两部分并列最弱：工作流程、案例分析');
    expect(worded(of(50, 50, 50, 70))).toBe('三部分并列最弱：法律法规、工作流程、案例分析');
  });
  it('names none at full marks, and ignores a part the paper did not ask about', () => {
    expect(weakestCategories(of(100, 100, 100, 100))).toEqual([]);
    const r = of(80, 80, 90, 90);
    r.law.total = 0;
    r.law.percent = 0;
    expect(weakestCategories(r)).toEqual(['process']);
  });
});
