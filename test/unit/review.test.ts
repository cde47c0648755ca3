import { describe, it, expect } from 'vitest';
import { readContent } from '../../src/content/read';
import { loadCourse, checkReview, gradeCheck } from '../../src/modules';
import { parseModule } from '../../src/modules/load';
import { loadExam, assemblePaper, gradePaper, paperReview, reviewLevel, reviewShows, DEFAULT_REVIEW, type ExamQuestion } from '../../src/quiz';
import { parseBlueprint } from '../../src/quiz/load';
import { formatProblem } from '../../src/content';
import { responseToPublic } from '../../src/quiz';
import { startExam, saveAnswer, submitExam, examAttemptView } from '../../src/app/exam-service';
import { submitCheck, checkAttemptView } from '../../src/app/check-service';
import { testRuntime } from './runtime-helper';

const files = readContent(process.cwd());
const course = loadCourse(files.modules);
const exam = loadExam(files.questions, files.blueprint);
const bp = exam.blueprint;

describe('review level decision', () => {
  it('defaults to correctness after a failed attempt and explanations after a passed one', () => {
    expect(DEFAULT_REVIEW).toEqual({ failed: 'correctness', passed: 'explanations' });
    expect(reviewLevel(DEFAULT_REVIEW, false)).toBe('correctness');
    expect(reviewLevel(DEFAULT_REVIEW, true)).toBe('explanations');
    expect(reviewLevel({ failed: 'score', passed: 'correctness' }, false)).toBe('score');
    expect(reviewLevel({ failed: 'score', passed: 'correctness' }, true)).toBe('correctness');
  });
  it('shows keys only at explanations, per-question results from correctness up', () => {
    expect(reviewShows('score')).toEqual({ perQuestion: false, keys: false });
    expect(reviewShows('correctness')).toEqual({ perQuestion: true, keys: false });
    expect(reviewShows('explanations')).toEqual({ perQuestion: true, keys: true });
  });
  it('the shipped content uses those defaults for the exam and every module', () => {
    expect(bp.review).toEqual({ failed: 'correctness', passed: 'explanations' });
    for (const m of course.modules) expect(m.knowledgeCheck.review).toEqual({ failed: 'correctness', passed: 'explanations' });
  });
});

describe('review settings in content', () => {
  const blueprint = (review: string) => ({ path: 'content/quiz/blueprint.yaml', text: files.blueprint!.text.replace(/^review:\n(?: {2}.*\n)+/m, review) });
  const FILE = 'content/modules/03-service-skills.md';
  const mod = (review: string) => {
    const src = files.modules.find((f) => f.path.endsWith('03-service-skills.md'))!;
    return { path: FILE, text: src.text.replace('knowledgeCheck:\n', `knowledgeCheck:\n${review}`) };
  };

  it('a blueprint without review gets the defaults; one level for both is refused with the fix', () => {
    expect(parseBlueprint(blueprint(''), exam.questions).blueprint!.review).toEqual(DEFAULT_REVIEW);
    expect(parseBlueprint(blueprint('review:\n  failed: score\n'), exam.questions).blueprint!.review).toEqual({ failed: 'score', passed: 'explanations' });
    const one = parseBlueprint(blueprint('review: explanations\n'), exam.questions);
    expect(one.blueprint).toBeUndefined();
    expect(one.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^content\/quiz\/blueprint\.yaml → review: is a single level.*review: \{ failed: correctness, passed: explanations \}/),
    ]);
  });
  it('a blueprint that shows more after failing than after passing is refused at review.failed', () => {
    const r = parseBlueprint(blueprint('review:\n  failed: explanations\n  passed: correctness\n'), exam.questions);
    expect(r.problems).toEqual([{ file: 'content/quiz/blueprint.yaml', path: 'review.failed', message: expect.stringMatching(/shows more .*lower failed or raise passed/) }]);
    const bad = parseBlueprint(blueprint('review:\n  failed: keys\n'), exam.questions);
    expect(bad.problems.map(formatProblem)).toEqual(['content/quiz/blueprint.yaml → review.failed: must be one of "score", "correctness", "explanations"']);
  });
  it('a module check takes the same setting, with the same checks', () => {
    expect(parseModule(mod('')).module!.knowledgeCheck.review).toEqual(DEFAULT_REVIEW);
    expect(parseModule(mod('  review: { failed: score }\n')).module!.knowledgeCheck.review).toEqual({ failed: 'score', passed: 'explanations' });
    expect(parseModule(mod('  review: explanations\n')).problems).toEqual([{ file: FILE, path: 'knowledgeCheck.review', message: expect.stringMatching(/single level/) }]);
    expect(parseModule(mod('  review: { failed: explanations, passed: score }\n')).problems).toEqual([{ file: FILE, path: 'knowledgeCheck.review.failed', message: expect.stringMatching(/shows more/) }]);
    expect(parseModule(mod('  review: { failed: score, pased: score }\n')).problems.map(formatProblem)).toEqual([expect.stringMatching(/knowledgeCheck\.review: unknown field\(s\) "pased"/)]);
  });
});

/** Every string an explanation-level review could add for these questions. */
const secrets = (qs: Array<{ explanation: string }>) => qs.map((q) => q.explanation);

describe('exam paper review', () => {
  const paper = assemblePaper(exam.questions, bp, 'review-check');
  const q = (id: string) => exam.bank.get(id)!;
  // Right on all but the law questions: 75 %, failed.
  const answers = Object.fromEntries(paper.questions.filter((x) => q(x.id).category !== 'law').map((x) => [x.id, q(x.id).answer]));
  const failed = gradePaper(paper, answers, exam.bank, bp);
  const passedAnswers = Object.fromEntries(paper.questions.map((x) => [x.id, q(x.id).answer]));
  const passed = gradePaper(paper, passedAnswers, exam.bank, bp);

  it('after a failed paper: which questions were wrong and where to re-read, but no key and no explanation', () => {
    expect(failed.passed).toBe(false);
    const r = paperReview(failed, answers, exam.bank, bp.review, course.headings);
    expect(r.level).toBe('correctness');
    expect(r.questions).toHaveLength(paper.questions.length);
    const wrong = r.questions.filter((x) => x.verdict !== 'correct');
    expect(wrong.map((x) => q(x.id).category)).toEqual(wrong.map(() => 'law'));
    for (const x of r.questions) {
      expect(x).not.toHaveProperty('key');
      expect(x).not.toHaveProperty('explanation');
      expect(x.sections.length > 0).toBe(x.verdict !== 'correct');
    }
    const text = JSON.stringify(r);
    for (const s of secrets(paper.questions.map((x) => q(x.id)))) expect(text).not.toContain(s);
    expect(r.reread.length).toBeGreaterThan(0);
    expect(r.reread.flatMap((s) => s.questions).sort((a, b) => a - b)).toEqual(expect.arrayContaining(wrong.map((x) => x.number)));
    expect(r.questions.every((x) => x.verdict === 'correct' || x.yourAnswer === '未作答')).toBe(true);
  });
  it('at score level: the totals only, nothing per question', () => {
    const r = paperReview(failed, answers, exam.bank, { failed: 'score', passed: 'explanations' }, course.headings);
    expect(r).toEqual({ level: 'score', questions: [], reread: [] });
  });
  it('after a passed paper: keys and explanations', () => {
    expect(passed.passed).toBe(true);
    const r = paperReview(passed, passedAnswers, exam.bank, bp.review, course.headings);
    expect(r.level).toBe('explanations');
    for (const x of r.questions) expect(x).toMatchObject({ key: expect.any(String), explanation: (q(x.id) as ExamQuestion).explanation });
  });
});

describe('knowledge check review', () => {
  const m = course.get(1)!;
  const wrongForm = (id: string) => {
    const qq = m.knowledgeCheck.questions.find((x) => x.id === id)!;
    if (qq.type === 'truefalse') return [String(!qq.answer)];
    if (qq.type === 'single') return [qq.options.find((o) => o.id !== qq.answer)!.id];
    return [qq.options.find((o) => !qq.answer.includes(o.id))!.id];
  };
  const rightForm = (id: string) => {
    const qq = m.knowledgeCheck.questions.find((x) => x.id === id)!;
    return qq.type === 'truefalse' ? [String(qq.answer)] : Array.isArray(qq.answer) ? qq.answer : [qq.answer];
  };

  it('a failed check names the wrong questions and links the section in this module, without keys or explanations', () => {
    const result = gradeCheck(m, m.knowledgeCheck.questions.map((x) => x.id), wrongForm);
    expect(result.passed).toBe(false);
    const r = checkReview(m, result, course.headings);
    expect(r.level).toBe('correctness');
    expect(r.questions.every((x) => x.verdict === 'wrong' && x.key === undefined && x.explanation === undefined)).toBe(true);
    const text = JSON.stringify(r);
    for (const s of secrets(m.knowledgeCheck.questions)) expect(text).not.toContain(s);
    const anchors = new Set(m.toc.map((t) => t.id));
    for (const x of r.questions) expect(x.sections.every((s) => s.chapter === 1 && anchors.has(s.anchor!))).toBe(true);
    expect(r.reread.map((s) => s.text)).toEqual(expect.arrayContaining(['客服的主要职责']));
  });
  it('a passed check shows keys and explanations', () => {
    const r = checkReview(m, gradeCheck(m, m.knowledgeCheck.questions.map((x) => x.id), rightForm), course.headings);
    expect(r.level).toBe('explanations');
    expect(r.questions.map((x) => x.explanation)).toEqual(m.knowledgeCheck.questions.map((x) => x.explanation));
  });
});

describe('review views (services over a real store)', () => {
  it("a failed paper stays keyless after the same trainee's later pass", async () => {
    const start = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('sun.hao'))!;
    await rt.store.addWaiver({ userId: user.id, by: (await rt.store.getUserByUsername('trainer'))!.id, reason: '测试', at: start.toISOString() });
    const first = await startExam(rt, user, start);
    await submitExam(rt, user, first.id, new Date(start.getTime() + 60_000)); // blank: failed
    const later = new Date(start.getTime() + 25 * 3_600_000);
    const second = await startExam(rt, user, later);
    const paper = { seed: second.seed, questions: second.paper };
    for (const pq of second.paper) {
      const q = rt.exam.bank.get(pq.id)!;
      await saveAnswer(rt, user, second.id, q.id, responseToPublic(paper, q, q.answer), later);
    }
    expect((await submitExam(rt, user, second.id, new Date(later.getTime() + 60_000))).attempt.result!.passed).toBe(true);
    const failedView = await examAttemptView(rt, user, first.id, later);
    const passedView = await examAttemptView(rt, user, second.id, later);
    if (failedView.kind !== 'result' || passedView.kind !== 'result') throw new Error('both papers are submitted');
    expect(failedView.review.level).toBe('correctness');
    expect(failedView.review.questions.some((x) => 'key' in x || 'explanation' in x)).toBe(false);
    expect(passedView.review.questions.every((x) => x.explanation)).toBe(true);
  });

  it("a check attempt is shown only to its owner, for its own chapter", async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const a = (await rt.store.getUserByUsername('trainee'))!;
    const b = (await rt.store.getUserByUsername('sun.hao'))!;
    const m = rt.course.get(1)!;
    const passed = await submitCheck(rt, a, 1, (id) => {
      const q = m.knowledgeCheck.questions.find((x) => x.id === id)!;
      return q.type === 'truefalse' ? [String(q.answer)] : Array.isArray(q.answer) ? q.answer : [q.answer];
    }, now);
    expect((await checkAttemptView(rt, a, 1, passed.id))!.review.level).toBe('explanations');
    expect(await checkAttemptView(rt, b, 1, passed.id)).toBeUndefined();
    expect(await checkAttemptView(rt, a, 2, passed.id)).toBeUndefined();
    const failed = await submitCheck(rt, b, 1, () => [], now);
    const view = (await checkAttemptView(rt, b, 1, failed.id))!;
    expect(view).toMatchObject({ keysAfterPass: true, review: { level: 'correctness' } });
    expect(JSON.stringify(view)).not.toMatch(/"(key|explanation)"/);
  });
});
