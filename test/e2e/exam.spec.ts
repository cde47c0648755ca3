import { test, expect, type Page } from '@playwright/test';
import { loginAs, newTrainee } from './helpers';
import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { loadScenarios } from '../../src/scenarios';
import { loadExam, type ExamQuestion } from '../../src/quiz';

const files = readContent(process.cwd());
const course = loadCourse(files.modules);
const scenarios = loadScenarios(files.scenarios);
const exam = loadExam(files.questions, files.blueprint);

/** Completes every module check and three role-plays through the real endpoints, as the trainee would. */
async function completePrerequisites(page: Page) {
  const origin = new URL(page.url()).origin;
  for (const m of course.modules) {
    const body = new URLSearchParams();
    for (const q of m.knowledgeCheck.questions) {
      const keys = q.type === 'truefalse' ? [String(q.answer)] : Array.isArray(q.answer) ? q.answer : [q.answer];
      for (const k of keys) body.append(q.id, k);
    }
    const res = await page.request.post(`/modules/${m.chapter}/check`, { headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, data: body.toString(), maxRedirects: 0 });
    expect(res.status()).toBe(303);
  }
  // The role-plays in assessment mode, step by step as the server deals them (the page's script does the same).
  for (const id of ['ceiling-leak', 'fee-refusal', 'fire-report']) {
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
async function answer(page: Page, q: ExamQuestion, right: boolean) {
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

async function paperIds(page: Page): Promise<string[]> {
  return page.locator('fieldset[data-question]').evaluateAll((els) => els.map((e) => e.getAttribute('data-question')!));
}

/** Starts the exam, answers the questions `right` picks correctly (others left blank), and hands it in. */
async function sitExam(page: Page, right: (q: ExamQuestion) => boolean) {
  await page.goto('/exam');
  await page.getByRole('button', { name: '开始考试' }).click();
  await expect(page.getByRole('timer')).toBeVisible();
  for (const id of await paperIds(page)) {
    const q = exam.bank.get(id)!;
    if (right(q)) await answer(page, q, true);
  }
  await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
  await page.getByRole('button', { name: '交卷' }).click();
  await page.getByRole('button', { name: '确定交卷' }).click();
}

test.describe('final exam and certificate', () => {
  test('a trainee takes the exam, reloads without losing answers, passes, prints and verifies the certificate', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser, '王小明'));
    await page.goto('/exam');
    await expect(page.getByText('完成以下要求后即可参加结业考试')).toBeVisible();
    await completePrerequisites(page);
    await page.goto('/exam');
    await page.getByRole('button', { name: '开始考试' }).click();
    await expect(page.getByRole('timer')).toBeVisible();

    // Leak check on what the browser holds before submission.
    const html = await page.content();
    const ids = await paperIds(page);
    expect(ids).toHaveLength(40);
    for (const id of ids) {
      const q = exam.bank.get(id)!;
      expect(html).not.toContain(q.explanation);
      if (typeof q.answer === 'object') expect(html).not.toContain(JSON.stringify(q.answer));
    }
    expect(html).not.toMatch(/"answer"|"explanation"/);

    const half = ids.slice(0, 20);
    for (const id of half) await answer(page, exam.bank.get(id)!, true);
    await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
    await page.reload();
    await expect(page.getByTestId('answered')).toHaveText('已答 20 / 40');
    for (const id of ids.slice(20)) await answer(page, exam.bank.get(id)!, true);
    await expect(page.getByTestId('answered')).toHaveText('已答 40 / 40');
    await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
    await page.getByRole('button', { name: '交卷' }).click();
    await page.getByRole('button', { name: '确定交卷' }).click();
    await expect(page.getByTestId('exam-percent')).toHaveText('100%');
    await expect(page.getByTestId('exam-verdict')).toHaveText('通过');

    await page.getByRole('link', { name: '查看与打印' }).click();
    await expect(page.getByTestId('cert-holder')).toHaveText('王小明');
    const code = (await page.getByTestId('cert-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 1123, height: 794 });
    await expect(page.locator('.site-header')).toBeHidden();
    await page.screenshot({ path: 'test-results/certificate-print.png' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'screen' });

    // Anyone can verify, signed in or not.
    const visitor = await browser.newPage();
    await visitor.goto('/verify');
    await visitor.getByLabel('验证码').fill(code.toLowerCase().replace(/-/g, ''));
    await visitor.getByRole('button', { name: '验证' }).click();
    await expect(visitor.getByTestId('verify-status')).toHaveText('有效');
    await expect(visitor.getByTestId('verify-holder')).toHaveText('王*明');
    await expect(visitor.locator('body')).not.toContainText('王小明');
    await visitor.close();
  });

  test('a failing attempt shows the weakest category', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await completePrerequisites(page);
    await sitExam(page, (q) => q.category !== 'cases');
    await expect(page.getByTestId('exam-verdict')).toHaveText('未通过');
    await expect(page.getByTestId('weakest')).toHaveText('最薄弱的部分：案例分析');
  });

  test('a revoked certificate verifies as revoked, and the audit log shows it', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await completePrerequisites(page);
    await sitExam(page, () => true);
    await page.getByRole('link', { name: '查看与打印' }).click();
    const code = (await page.getByTestId('cert-code').textContent())!.trim();

    const hr = await browser.newPage();
    await loginAs(hr, 'hr');
    await hr.goto('/hr/certificates');
    const card = hr.locator(`li[data-cert="${code}"]`);
    await card.getByLabel('原因').fill('复核发现考试期间违规');
    await card.getByRole('button', { name: '撤销' }).click();
    await expect(hr.getByRole('status')).toContainText('已撤销');
    await hr.close();

    const visitor = await browser.newPage();
    await visitor.goto(`/verify/${code}`);
    await expect(visitor.getByTestId('verify-status')).toHaveText('已撤销');
    await visitor.close();

    const admin = await browser.newPage();
    await loginAs(admin, 'admin');
    await admin.goto('/admin/audit');
    await expect(admin.getByTestId('audit')).toContainText('撤销证书');
    await expect(admin.getByTestId('audit')).toContainText('复核发现考试期间违规');
    await admin.close();
  });

  test('unknown codes say so, and answers outside the paper are refused', async ({ page, browser }) => {
    await page.goto('/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await expect(page.getByRole('alert')).toContainText('没有找到');
    await loginAs(page, await newTrainee(browser));
    await completePrerequisites(page);
    await page.goto('/exam');
    await page.getByRole('button', { name: '开始考试' }).click();
    await expect(page.getByRole('timer')).toBeVisible();
    const attemptUrl = new URL(page.url()).pathname;
    const origin = new URL(page.url()).origin;
    const ids = await paperIds(page);
    const outside = exam.questions.find((q) => !ids.includes(q.id))!;
    const put = (data: unknown) => page.request.put(`/api${attemptUrl}/answers`, { data, headers: { Origin: origin } });
    expect((await put({ questionId: outside.id, response: 'x' })).status()).toBe(400);
    expect((await put({ questionId: ids[0], response: 'a' })).status()).toBe(400);
    const submit = () => page.request.post(`/api${attemptUrl}/submit`, { data: {}, headers: { Origin: origin } });
    expect((await submit()).status()).toBe(200);
    expect((await submit()).status()).toBe(409);
  });
});
