import { describe, it, expect } from 'vitest';
import { parseModule, parseModules } from '../../src/modules/load';
import { renderLesson } from '../../src/modules/render';
import { gradeCheck, courseOverview, loadCourse } from '../../src/modules';
import { readContent } from '../../src/content/read';
import { checkContent, formatProblem } from '../../src/content';

const fm = (over: string) => `---
chapter: 3
title: 客户服务技能提升
summary: 学习沟通技巧与投诉处理的黄金法则。
objectives: [说出六步黄金法则, 按流程接听电话, 保持冷静]
estimatedMinutes: 30
knowledgeCheck:
  questions:
${over}
---
## 电话服务流程

==铃响3声内==接听。
`;
const q = (id: string, answer = 'b') => `    - { id: ${id}, type: single, difficulty: 1, stem: 铃响几声内接听？, options: [{ id: a, text: 1声 }, { id: b, text: 3声 }, { id: c, text: 5声 }], answer: ${answer}, explanation: 课件要求铃响3声内接听。, source: 第三章 电话服务流程 }`;
const ids8 = ['t-q1', 't-q2', 't-q3', 't-q4', 't-q5', 't-q6', 't-q7', 't-q8'];
const eight = ids8.map((id) => q(id)).join('\n');
const FILE = 'content/modules/03-service-skills.md';

describe('module schema', () => {
  it('accepts a well-formed module', () => {
    const r = parseModule({ path: FILE, text: fm(eight) });
    expect(r.problems).toEqual([]);
    expect(r.module).toMatchObject({ chapter: 3, slug: 'service-skills' });
    expect(r.module!.knowledgeCheck.passPercent).toBe(80);
    expect(r.module!.knowledgeCheck.draw).toBe(5);
  });

  it('refuses a draw that leaves a retry no other questions, naming the fix', () => {
    const r = parseModule({ path: FILE, text: fm(eight).replace('  questions:', '  draw: 7\n  questions:') });
    expect(r.problems.map(formatProblem)).toEqual([`${FILE} → knowledgeCheck.draw: is 7 but the pool has 8 questions, so a retry could show the same ones; set draw to at most 6 or add 1 question(s)`]);
    expect(parseModule({ path: FILE, text: fm(eight).replace('  questions:', '  draw: 6\n  questions:') }).problems).toEqual([]);
  });

  it('rejects broken front matter naming the file and the field', () => {
    const r = parseModule({ path: FILE, text: fm(eight).replace('estimatedMinutes: 30', 'estimatedMinutes: 半小时') });
    expect(r.module).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([`${FILE} → estimatedMinutes: expected number, found string "半小时"`]);
  });

  it('rejects a key that is not an option, with the question path', () => {
    const r = parseModule({ path: FILE, text: fm([q('t-q1', 'e'), ...ids8.slice(1).map((id) => q(id))].join('\n')) });
    expect(r.problems[0]).toMatchObject({ file: FILE, path: 'knowledgeCheck.questions[0].answer' });
    expect(r.problems[0]!.message).toMatch(/"e" is not one of the option ids \(a, b, c\)/);
  });

  it('rejects too few questions, unknown fields, YAML errors and unclosed call-outs', () => {
    expect(parseModule({ path: FILE, text: fm(ids8.slice(1).map((id) => q(id)).join('\n')) }).problems[0]!.path).toBe('knowledgeCheck.questions');
    expect(parseModule({ path: FILE, text: fm(eight).replace('chapter: 3', 'chapter: 3\nauthor: 某人') }).problems[0]!.message).toMatch(/unknown field.*author/);
    expect(parseModule({ path: FILE, text: fm(eight).replace('title: 客户', 'title: [客户') }).problems[0]!.message).toMatch(/YAML syntax error at line/);
    expect(parseModule({ path: FILE, text: `${fm(eight)}\n:::tip\n未关闭\n` }).problems[0]!.message).toMatch(/never closed/);
    expect(parseModule({ path: 'content/modules/05-x.md', text: fm(eight) }).problems[0]!.message).toMatch(/file name says 05/);
  });

  it('rejects duplicate question ids across modules', () => {
    const other = fm(eight).replace('chapter: 3', 'chapter: 4');
    const r = parseModules([{ path: FILE, text: fm(eight) }, { path: 'content/modules/04-x.md', text: other }]);
    expect(r.problems.some((p) => /already used in content\/modules\/03/.test(p.message))).toBe(true);
  });
});

describe('lesson rendering', () => {
  it('renders anchors, a table of contents, call-outs, highlights and tables', () => {
    const { html, toc } = renderLesson('## 维修时效标准\n\n| 类型 | 响应 |\n| --- | --- |\n| 紧急维修 | ==30分钟内== |\n\n:::key 记住\n\n紧急维修==2小时内==完成。\n\n:::\n\n### 细节\n');
    expect(toc).toEqual([
      { depth: 2, text: '维修时效标准', id: '维修时效标准' },
      { depth: 3, text: '细节', id: '细节' },
    ]);
    expect(html).toContain('<h2 id="维修时效标准">');
    expect(html).toContain('<mark class="key-fact">30分钟内</mark>');
    expect(html).toMatch(/<aside class="callout callout-key" role="note" aria-label="记住"><p class="callout-title">记住<\/p><p>紧急维修<mark class="key-fact">2小时内<\/mark>完成。<\/p>/);
    expect(html).toContain('<th scope="col">类型</th>');
  });

  it('names each table region after its heading, so no two landmarks on a page share a name', () => {
    const { html } = renderLesson('## 时效\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n| c | d |\n| --- | --- |\n| 3 | 4 |\n\n### 费用 & 期限\n\n| e | f |\n| --- | --- |\n| 5 | 6 |\n');
    expect([...html.matchAll(/role="region" aria-label="([^"]*)"/g)].map((m) => m[1])).toEqual(['表格 1：时效（可左右滚动）', '表格 2：时效（可左右滚动）', '表格 3：费用 &amp; 期限（可左右滚动）']);
  });

  it('escapes raw HTML in content instead of passing it through', () => {
    const { html } = renderLesson('正文<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });
});

const course = loadCourse(readContent(process.cwd()).modules);

describe('knowledge check grading and progress', () => {
  const m3 = course.get(3)!;
  const key = (qq: (typeof m3.knowledgeCheck.questions)[number]): string[] =>
    qq.type === 'truefalse' ? [String(qq.answer)] : Array.isArray(qq.answer) ? qq.answer : [qq.answer];
  const byId = new Map(m3.knowledgeCheck.questions.map((qq) => [qq.id, qq]));
  const pool = m3.knowledgeCheck.questions.map((qq) => qq.id);

  it('passes when all answers are right and fails below the pass mark', () => {
    const all = gradeCheck(m3, pool, (id) => key(byId.get(id)!));
    expect(all).toMatchObject({ correct: m3.knowledgeCheck.questions.length, percent: 100, passed: true });
    const none = gradeCheck(m3, pool, () => []);
    expect(none).toMatchObject({ correct: 0, percent: 0, passed: false });
    expect(none.results.every((r) => !r.answered)).toBe(true);
  });

  it('gives no credit for a partly right multiple choice or forged option ids', () => {
    const multi = m3.knowledgeCheck.questions.find((qq) => qq.type === 'multiple');
    if (!multi || multi.type !== 'multiple') throw new Error('chapter 3 needs a multiple-choice question for this test');
    const partial = gradeCheck(m3, pool, (id) => (id === multi.id ? multi.answer.slice(1) : []));
    expect(partial.results.find((r) => r.id === multi.id)!.correct).toBe(false);
    const forged = gradeCheck(m3, pool, (id) => (id === multi.id ? [...multi.answer, 'zz'] : []));
    expect(forged.results.find((r) => r.id === multi.id)!.correct).toBe(true);
    const all = gradeCheck(m3, pool, (id) => (id === multi.id ? multi.options.map((o) => o.id) : []));
    expect(all.results.find((r) => r.id === multi.id)!.correct).toBe(false);
  });

  it('computes status, overall progress and where to continue', () => {
    const o = courseOverview(course.modules, [
      { chapter: 1, openedAt: 'a', lastOpenedAt: '2026-11-01', completedAt: '2026-11-01', bestPercent: 100 },
      { chapter: 4, openedAt: 'a', lastOpenedAt: '2026-11-03' },
      { chapter: 2, openedAt: 'a', lastOpenedAt: '2026-11-02' },
    ]);
    expect(o.items.map((i) => i.status)).toEqual(['completed', 'in_progress', 'not_started', 'in_progress', 'not_started', 'not_started', 'not_started']);
    expect(o).toMatchObject({ completed: 1, total: 7, percent: 14 });
    expect(o.next!.chapter).toBe(4);
    expect(courseOverview(course.modules, []).next!.chapter).toBe(1);
  });
});

describe('the course content', () => {
  it('passes the content check: seven modules with knowledge checks', () => {
    const { problems, summary } = checkContent(readContent(process.cwd()));
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary.modules).toBe(7);
    expect(summary.knowledgeCheckQuestions).toBeGreaterThanOrEqual(28);
  });

  it('keeps the courseware facts exact', () => {
    const text = course.modules.map((m) => m.html).join('\n');
    for (const fact of ['铃响3声内', '您好，XX物业客服中心', '提前6个月', '48小时内', '30分钟内', '2小时内', '119', '120', '禁止强行扒门', '24–48小时内', '每季度', '5个工作日']) {
      expect(text, fact).toContain(fact);
    }
  });
});
