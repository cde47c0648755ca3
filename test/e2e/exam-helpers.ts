// Shared by the exam flows: prerequisites through the real endpoints, and answering a paper as a person would.
import { expect, type Page } from '@playwright/test';
import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { loadScenarios } from '../../src/scenarios';
import { loadExam, type ExamQuestion } from '../../src/quiz';
import { loadCertificationRules } from '../../src/certification';

const files = readContent(process.cwd());
export const course = loadCourse(files.modules);
const scenarios = loadScenarios(files.scenarios);
export const exam = loadExam(files.questions, files.blueprint);
const certification = loadCertificationRules(files.certification, new Set(scenarios.list.map((s) => s.def.id)));

/** Completes every module check and the role-plays the certificate needs through the real endpoints, as the trainee would. */
export async function completePrerequisites(page: Page) {
  const origin = new URL(page.url()).origin;
  for (const m of course.modules) {
    const body = new URLSearchParams();
    // Answers to the whole pool: the server grades the questions it dealt for this attempt and ignores the rest.
    for (const q of m.knowledgeCheck.questions) {
      const keys = q.type === 'truefalse' ? [String(q.answer)] : Array.isArray(q.answer) ? q.answer : [q.answer];
      for (const k of keys) body.append(q.id, k);
    }
    const res = await page.request.post(`/modules/${m.chapter}/check`, { headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, data: body.toString(), maxRedirects: 0 });
    expect(res.status()).toBe(303);
  }
  // The role-plays in assessment mode, step by step as the server deals them (the page's script does the same):
  // the required one, and every assessment-only scenario of the pool, so that whichever is drawn for this
  // trainee is passed (the others count as the additional ones).
  for (const id of ['ceiling-leak', ...certification.scenarios.pool!.from]) {
    const s = scenarios.get(id)!;
    const text = (c: string) => Object.values(s.def.nodes).flatMap((n) => n.choices ?? []).find((x) => x.id === c)!.text;
    const started = await page.request.post(`/api/scenarios/${id}/plays`, { headers: { Origin: origin }, data: { mode: 'assessment' } });
    expect(started.status()).toBe(201);
    let { view } = await started.json();
    for (const c of s.analysis.bestPath.choices) {
      const token = view.prompt.choices.find((x: { text: string }) => x.text === text(c)).token;
      const res = await page.request.post(`/api/plays/${view.playId}/steps`, { headers: { Origin: origin }, data: { token, at: view.step } });
      expect(res.status()).toBe(200);
      view = (await res.json()).view;
    }
  }
}

/** Answers one question card in the page the way a person would. */
export async function answer(page: Page, q: ExamQuestion, right: boolean) {
  const card = page.locator(`fieldset[data-question="${q.id}"]`);
  switch (q.type) {
    case 'single': {
      const o = right ? q.options.find((x) => x.id === q.answer)! : q.options.find((x) => x.id !== q.answer)!;
      await card.getByLabel(o.text, { exact: true }).check();
      break;
    }
    case 'multiple':
      for (const o of q.options) if (right ? q.answer.includes(o.id) : !q.answer.includes(o.id)) await card.getByLabel(o.text, { exact: true }).check();
      break;
    case 'truefalse':
      await card.getByLabel(q.answer === right ? '正确' : '错误', { exact: true }).check();
      break;
    case 'ordering': {
      if (!right) {
        await card.getByRole('button', { name: '按此顺序作答' }).click();
        break;
      }
      // Move each item, in key order, up into its place.
      for (const [target, id] of q.answer.entries()) {
        const text = q.options.find((o) => o.id === id)!.text;
        const items = card.locator('.ordering li .item');
        let pos = (await items.allTextContents()).indexOf(text);
        while (pos > target) {
          await card.getByRole('button', { name: `上移：${text}`, exact: true }).click();
          pos--;
        }
      }
      break;
    }
    case 'matching':
      for (const l of q.left) {
        const r = right ? q.right.find((x) => x.id === q.answer[l.id])! : q.right.find((x) => x.id !== q.answer[l.id])!;
        await card.getByLabel(l.text, { exact: true }).selectOption({ label: r.text });
      }
      break;
  }
}

export async function paperIds(page: Page): Promise<string[]> {
  return page.locator('fieldset[data-question]').evaluateAll((els) => els.map((e) => e.getAttribute('data-question')!));
}

/** Starts the exam, answers the questions `right` picks correctly, those `wrong` picks wrongly (others left blank), and hands it in; returns the paper's question ids. */
export async function sitExam(page: Page, right: (q: ExamQuestion) => boolean, wrong: (q: ExamQuestion) => boolean = () => false): Promise<string[]> {
  await page.goto('/exam');
  await page.getByRole('button', { name: '开始考试' }).click();
  await expect(page.getByRole('timer')).toBeVisible();
  const ids = await paperIds(page);
  for (const id of ids) {
    const q = exam.bank.get(id)!;
    if (right(q)) await answer(page, q, true);
    else if (wrong(q)) await answer(page, q, false);
  }
  await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
  await page.getByRole('button', { name: '交卷' }).click();
  await page.getByRole('button', { name: '确定交卷' }).click();
  return ids;
}
