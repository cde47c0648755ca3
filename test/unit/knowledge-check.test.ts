// The knowledge check's pool and draw (dealt and graded on the server) and the
// content rule that keeps knowledge checks and the exam from sharing questions.
import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { checkContent, formatProblem } from '../../src/content';
import { dealCheck, type CheckQuestion } from '../../src/modules';
import { submitCheck, dealtQuestions, checkAttemptView } from '../../src/app/check-service';
import { storageOf } from '../../src/app/runtime';
import { Conflict } from '../../src/app/errors';
import { bigramDice, normaliseStem, findOverlaps, NEAR_STEM } from '../../src/content/overlap';
import { testRuntime } from './runtime-helper';
import { parse as parseYaml } from 'yaml';

const key = (q: CheckQuestion): string[] => (q.type === 'truefalse' ? [String(q.answer)] : Array.isArray(q.answer) ? q.answer : [q.answer]);
const wrong = (q: CheckQuestion): string[] =>
  q.type === 'truefalse' ? [String(!q.answer)] : q.type === 'single' ? [q.options.find((o) => o.id !== q.answer)!.id] : [q.options.find((o) => !q.answer.includes(o.id))!.id];

describe('the knowledge-check draw', () => {
  const files = readContent(process.cwd());
  const { summary } = checkContent(files);

  it('every chapter has a pool of at least 8 and deals at most the pool less 2', () => {
    expect(summary.knowledgeChecks).toHaveLength(7);
    for (const c of summary.knowledgeChecks) {
      expect(c.questions).toBeGreaterThanOrEqual(8);
      expect(c.draw).toBeLessThanOrEqual(c.questions - 2);
    }
  });

  it('deals the same questions for the same attempt and prefers questions not shown before on a retry', async () => {
    const rt = await testRuntime(new Date('2026-11-28T08:00:00Z'));
    const m = rt.course.get(3)!;
    const { draw, questions } = m.knowledgeCheck;
    const first = dealCheck(m, 'u1', []);
    expect(first).toHaveLength(draw);
    expect(dealCheck(m, 'u1', [])).toEqual(first);
    const second = dealCheck(m, 'u1', [{ at: '2026-11-28T08:00:00Z', dealt: first, results: [] }]);
    expect(second).not.toEqual(first);
    // Every question not shown yet comes first; the rest of the draw reuses shown ones.
    const unseen = questions.map((q) => q.id).filter((id) => !first.includes(id));
    expect(second).toEqual(expect.arrayContaining(unseen.slice(0, draw)));
    expect(second.filter((id) => first.includes(id))).toHaveLength(Math.max(0, draw - unseen.length));
    // An old attempt without a dealt set showed what it has results for.
    const old = dealCheck(m, 'u1', [{ at: '2026-11-01T08:00:00Z', results: questions.slice(0, 5).map((q) => ({ id: q.id })) }]);
    expect(old.filter((id) => questions.slice(0, 5).some((q) => q.id === id))).toHaveLength(Math.max(0, draw - (questions.length - 5)));
  });

  it('the page shows the deal, a retry is dealt afresh, and the attempt stores what it was graded on', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const m = rt.course.get(2)!;
    const shown = await dealtQuestions(rt, user, m);
    expect(shown).toHaveLength(m.knowledgeCheck.draw);
    const attempt = await submitCheck(rt, user, 2, (id) => key(shown.find((q) => q.id === id) ?? m.knowledgeCheck.questions.find((q) => q.id === id)!), now, shown.map((q) => q.id).join(','));
    expect(attempt.dealt).toEqual(shown.map((q) => q.id));
    expect(attempt.results.map((r) => r.id)).toEqual(attempt.dealt);
    expect(attempt).toMatchObject({ total: m.knowledgeCheck.draw, percent: 100, passed: true });
    expect((await storageOf(rt).getCheckAttempt(attempt.id))!.dealt).toEqual(attempt.dealt);
    const retry = await dealtQuestions(rt, user, m);
    expect(retry.map((q) => q.id)).not.toEqual(attempt.dealt);
    // The review lists the dealt questions, in the order they were shown.
    expect((await checkAttemptView(rt, user, 2, attempt.id))!.review.questions.map((q) => q.id)).toEqual(attempt.dealt);
  });

  it('grades only the questions the server dealt: answers to others are ignored', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const m = rt.course.get(5)!;
    const dealt = new Set((await dealtQuestions(rt, user, m)).map((q) => q.id));
    // Wrong on every dealt question, right on every other question of the pool.
    const form = (id: string) => {
      const q = m.knowledgeCheck.questions.find((x) => x.id === id);
      return !q ? [] : dealt.has(id) ? wrong(q) : key(q);
    };
    const attempt = await submitCheck(rt, user, 5, form, now);
    expect(attempt.results.map((r) => r.id).sort()).toEqual([...dealt].sort());
    expect(attempt).toMatchObject({ correct: 0, total: dealt.size, percent: 0, passed: false });
  });

  it('refuses a form that shows other questions than the server deals (an old tab) instead of grading it', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const m = rt.course.get(4)!;
    const before = (await dealtQuestions(rt, user, m)).map((q) => q.id).join(',');
    await submitCheck(rt, user, 4, () => [], now, before);
    await expect(submitCheck(rt, user, 4, () => [], now, before)).rejects.toBeInstanceOf(Conflict);
    expect(await storageOf(rt).listCheckAttempts(user.id, 4)).toHaveLength(1);
  });
});

describe('knowledge checks and the exam share no question', () => {
  const files = readContent(process.cwd());

  it('normalises stems (width, punctuation, the 多选 marker) and scores reworded copies high and different questions low', () => {
    expect(normaliseStem('下列哪些属于业主的义务？（多选）')).toBe('下列哪些属于业主的义务');
    expect(normaliseStem('铃响３声内，ＸＸ物业')).toBe('铃响3声内xx物业');
    // law-040 vs m2-q2 before issue 18: the same question reworded.
    expect(bigramDice(normaliseStem('下列哪些属于业主的义务？（多选）'), normaliseStem('下列哪些属于业主应当履行的义务？'))).toBeGreaterThanOrEqual(NEAR_STEM);
    // Two questions on the same case, asking different things.
    expect(
      bigramDice(normaliseStem('在“合同纠纷引发的服务危机”案例中，经验教训建议建立合同台账，并在什么时候启动续签？'), normaliseStem('课件案例“合同纠纷引发的服务危机”总结的经验教训包括哪些？')),
    ).toBeLessThan(NEAR_STEM);
  });

  it('today’s content has no overlap', () => {
    const { problems, summary } = checkContent(files);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary.overlap).toBe(0);
  });

  it('a knowledge-check question that rewords an exam question fails the check, naming both and the fix', () => {
    // Whatever law.yaml's first question says today, m2-q8 made to ask it again (its question mark changed, which does not count;
    // a "（单选）" marker is refused on its own now: the page labels the type).
    const law = files.questions.find((f) => f.path.endsWith('/law.yaml'))!;
    const first = (parseYaml(law.text) as Array<{ id: string; stem: string }>)[0]!;
    const reworded = `${first.stem.replace(/[？?]$/, '')}?`;
    const copied = reworded.replace(/\$/g, '$$$$');
    const modules = files.modules.map((f) =>
      f.path.includes('/02-') ? { ...f, text: f.text.replace(/(- id: m2-q8\n\s+type: single\n\s+difficulty: \d\n\s+stem: ).*/, `$1${JSON.stringify(copied).slice(1, -1)}`) } : f,
    );
    expect(modules.find((f) => f.path.includes('/02-'))!.text).toContain(reworded);
    const { problems, summary } = checkContent({ ...files, modules });
    expect(summary.overlap).toBe(1);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^content/modules/02-property-management-basics\\.md → knowledgeCheck\\.questions\\[\\d+\\]\\.stem: m2-q8 has the same stem as exam question ${first.id} \\(content/quiz/questions/law\\.yaml \\[\\d+\\]\\).*rewrite one of the two`)),
    ]);
  });

  it('a close stem with the same key is a copy; a close stem with another key is not', () => {
    const tf = (id: string, stem: string, answer: boolean) => ({ id, type: 'truefalse' as const, difficulty: 1 as const, stem, answer, explanation: 'x', source: 'x' });
    const exam = [tf('e1', '客服作为“沟通桥梁”，主要任务是把公司的通知传达给业主；业主的意见应由业主自己向管理层反映。', false)];
    const copy = tf('c1', '客服作为“沟通桥梁”，只需要把物业公司的通知传达给业主，业主的意见不属于客服要传递的内容。', false);
    expect(findOverlaps([copy], exam)).toEqual([expect.objectContaining({ check: 'c1', exam: 'e1', why: 'close stem, same key' })]);
    expect(findOverlaps([{ ...copy, answer: true }], exam)).toEqual([]);
  });
});

describe('the question type is labelled once', () => {
  it('refuses a stem that names its own type (the page labels it: m1-q2 showed “（多选）（多选题）”)', () => {
    const files = readContent(process.cwd());
    const m1 = files.modules.find((f) => f.path.includes('01-'))!;
    expect(checkContent(files).problems).toEqual([]);
    const doubled = { ...m1, text: m1.text.replace(/(stem: 下列哪些属于课件列出的物业客服主要职责？)/, '$1（多选）') };
    expect(doubled.text).not.toBe(m1.text);
    const problems = checkContent({ ...files, modules: files.modules.map((f) => (f === m1 ? doubled : f)) }).problems.map(formatProblem);
    expect(problems.some((p) => p.includes('01-importance-and-duties.md') && p.includes('leave "（多选）"'))).toBe(true);
  });
});

describe('再做一次 after a failed check', () => {
  it('deals new questions first and the failed attempt shows no keys, so nothing is carried over but the lesson', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('zhao.min'))!;
    const m = rt.course.get(1)!;
    const { draw, questions } = m.knowledgeCheck;
    const shown = await dealtQuestions(rt, user, m);
    const failed = await submitCheck(rt, user, 1, (id) => wrong(questions.find((q) => q.id === id)!), now, shown.map((q) => q.id).join(','));
    expect(failed.passed).toBe(false);
    const view = (await checkAttemptView(rt, user, 1, failed.id))!;
    for (const q of view.review.questions) expect(q.key === undefined && q.explanation === undefined).toBe(true);
    const retry = (await dealtQuestions(rt, user, m)).map((q) => q.id);
    const seen = new Set((await storageOf(rt).listCheckAttempts(user.id, 1)).flatMap((a) => a.dealt ?? a.results.map((r) => r.id)));
    const unseen = questions.filter((q) => !seen.has(q.id)).length;
    expect(retry.filter((id) => seen.has(id))).toHaveLength(Math.max(0, draw - unseen));
  });
});
