import { test, expect, type Page } from '@playwright/test';
import { loginAs, newTrainee } from './helpers';
import { course, exam, completePrerequisites, sitExam } from './exam-helpers';
import type { CheckQuestion } from '../../src/modules';
import type { ExamQuestion } from '../../src/quiz';
import { sectionsOf } from '../../src/quiz/source';

// What a review may show is read from the page source, not from what is visible:
// a key hidden with CSS or sitting in island props would still be copied.

const m1 = course.get(1)!;

/** Form fields that answer a check question wrongly (or rightly). */
function checkAnswer(q: CheckQuestion, right: boolean): string[] {
  if (q.type === 'truefalse') return [String(right ? q.answer : !q.answer)];
  const keys = Array.isArray(q.answer) ? q.answer : [q.answer];
  return right ? keys : q.options.filter((o) => !keys.includes(o.id)).slice(0, 1).map((o) => o.id);
}

/** The questions the server dealt for the trainee's next attempt, as the module page's form names them. */
async function dealtOnPage(page: Page, chapter: number): Promise<CheckQuestion[]> {
  await page.goto(`/modules/${chapter}`);
  const ids = (await page.locator('input[name="_dealt"]').inputValue()).split(',');
  const m = course.get(chapter)!;
  return ids.map((id) => m.knowledgeCheck.questions.find((q) => q.id === id)!);
}

/** Posts the chapter's check as the form would (the questions dealt on the page) and opens the result page. */
async function submitCheck(page: Page, chapter: number, right: (q: CheckQuestion, i: number) => boolean): Promise<{ url: string; dealt: CheckQuestion[] }> {
  const dealt = await dealtOnPage(page, chapter);
  const body = new URLSearchParams({ _dealt: dealt.map((q) => q.id).join(',') });
  dealt.forEach((q, i) => { for (const v of checkAnswer(q, right(q, i))) body.append(q.id, v); });
  const res = await page.request.post(`/modules/${chapter}/check`, {
    headers: { Origin: new URL(page.url()).origin, 'Content-Type': 'application/x-www-form-urlencoded' },
    data: body.toString(),
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
  const url = res.headers()['location']!;
  await page.goto(url);
  return { url, dealt };
}

/** Option texts of a choice question's key that an answer did not pick (and that its stem or picked options do not contain). */
function unpickedKeyTexts(q: CheckQuestion | ExamQuestion, picked: string[]): string[] {
  if (q.type !== 'single' && q.type !== 'multiple') return [];
  const keys = Array.isArray(q.answer) ? q.answer : [q.answer];
  const pickedTexts = q.options.filter((o) => picked.includes(o.id)).map((o) => o.text);
  return q.options
    .filter((o) => keys.includes(o.id) && !picked.includes(o.id))
    .map((o) => o.text)
    .filter((text) => !q.stem.includes(text) && !pickedTexts.some((p) => p.includes(text)));
}

// Absence is asserted on the text as written; HTML escaping would make such a check pass falsely.
test.beforeAll(() => {
  for (const q of [...course.modules.flatMap((m) => m.knowledgeCheck.questions), ...exam.questions]) {
    expect(q.explanation, `${q.id}: an explanation with & < > " or ' needs escaping in these checks`).not.toMatch(/[&<>"']/);
  }
});

test.describe('knowledge check review', () => {
  test('a failed check names the wrong questions and the section to re-read, and the page carries no key or explanation', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/modules/1');
    // Before any attempt the page already holds the options; it must not hold explanations.
    const before = await page.content();
    for (const q of m1.knowledgeCheck.questions) expect(before).not.toContain(q.explanation);

    // All wrong but the first dealt: 20 %, failed.
    const { url, dealt } = await submitCheck(page, 1, (_q, i) => i === 0);
    expect(dealt).toHaveLength(m1.knowledgeCheck.draw);
    const first = dealt[0]!.id;
    // Only the dealt questions are reviewed; the section to re-read is that of a wrong one.
    await expect(page.locator('fieldset[data-question]')).toHaveCount(dealt.length);
    const section = sectionsOf(dealt[1]!.source, 1, course.headings)[0]!;
    await expect(page.locator('#check-result')).toContainText('未达到');
    const html = await page.content();
    const raw = await (await page.request.get(url)).text();
    for (const source of [html, raw]) {
      for (const q of m1.knowledgeCheck.questions) expect(source).not.toContain(q.explanation);
      expect(source).not.toContain('正确答案：');
      expect(source).not.toContain('解析：');
    }
    let checked = 0;
    for (const q of dealt) {
      const card = page.locator(`fieldset[data-question="${q.id}"]`);
      const cardHtml = await card.innerHTML();
      if (q.id === first) {
        await expect(card.locator('.verdict')).toHaveText(/回答正确/);
        continue;
      }
      await expect(card.locator('.verdict')).toHaveText(/回答错误/);
      for (const text of unpickedKeyTexts(q, checkAnswer(q, false))) {
        expect(cardHtml).not.toContain(text);
        checked++;
      }
      // The section to re-read is a link to the heading in this page.
      const link = card.locator('.reread-line a').first();
      const href = await link.getAttribute('href');
      expect(href).toMatch(/^#/);
      expect(m1.toc.map((h) => `#${h.id}`)).toContain(href);
    }
    expect(checked).toBeGreaterThan(0);
    await expect(page.getByTestId('reread')).toContainText(section.text);
    await expect(page.locator('#check-result')).toContainText('通过测验后，就能看到每道题的正确答案和解析');

    // The links are reachable from the keyboard and move to the section.
    const reread = page.getByTestId('reread').getByRole('link', { name: section.text, exact: true });
    await reread.focus();
    await expect(reread).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`#(${encodeURIComponent(section.anchor!)}|${section.anchor})$`));

    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      await page.goto(url);
      await page.locator('#check').scrollIntoViewIfNeeded();
      await page.locator('#check').screenshot({ path: `test-results/review-check-failed-${width}.png` });
    }
  });

  test("once passed, keys and explanations show; another trainee's passed attempt id shows nothing", async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    const { url: passedUrl, dealt } = await submitCheck(page, 1, () => true);
    await expect(page.locator('#check-result')).toContainText('通过！');
    const html = await page.content();
    for (const q of dealt) expect(html).toContain(q.explanation);
    // The pool's other questions were never sent, before or after grading.
    for (const q of m1.knowledgeCheck.questions.filter((x) => !dealt.includes(x))) expect(html).not.toContain(q.stem);

    const other = await browser.newPage();
    await loginAs(other, await newTrainee(browser));
    await other.goto(passedUrl);
    await expect(other.getByRole('button', { name: '提交答案' })).toBeVisible();
    const leaked = await other.content();
    for (const q of m1.knowledgeCheck.questions) expect(leaked).not.toContain(q.explanation);
    await other.close();
  });
});

test.describe('exam review', () => {
  test.setTimeout(120_000);

  test('a failed paper shows the total, the categories and the wrong questions with what to re-read, never a key or explanation; a passed one shows them', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await completePrerequisites(page);
    // The island navigates away right after submitting, so the answer is read on its way through.
    let body = '';
    await page.route('**/api/exam/*/submit', async (route) => {
      const res = await route.fetch();
      body = await res.text();
      await route.fulfill({ response: res });
    });
    // Law questions answered wrongly, the rest rightly: about 75 %, failed.
    const ids = await sitExam(page, (q) => q.category !== 'law', (q) => q.category === 'law');
    await expect(page.getByTestId('exam-verdict')).toBeVisible();
    expect(JSON.parse(body)).toMatchObject({ passed: false });
    expect(body).not.toMatch(/answer|explanation|source/);

    await expect(page.getByTestId('exam-verdict')).toHaveText('未通过');
    // The total and the scores by category are shown (an ordering answered wrongly may still earn part of its point).
    expect(Number((await page.getByTestId('exam-percent').textContent())!.replace('%', ''))).toBeLessThan(80);
    await expect(page.locator('.score-bars li[data-category="law"] .bar-fill')).toHaveClass(/low/);
    await expect(page.locator('.score-bars li[data-category="process"] .bar-value')).toHaveText('100%');
    const url = page.url();
    const html = await page.content();
    const raw = await (await page.request.get(url)).text();
    expect(ids).toHaveLength(40);
    const paper = ids.map((id) => exam.bank.get(id)!);
    for (const source of [html, raw]) {
      for (const q of paper) expect(source).not.toContain(q.explanation);
      expect(source).not.toContain('正确答案：');
      expect(source).not.toContain('解析：');
    }
    let checked = 0;
    for (const q of paper) {
      const card = page.locator(`.exam-review li[data-question="${q.id}"]`);
      if (q.category !== 'law') {
        await expect(card).toHaveClass(/correct/);
        continue;
      }
      await expect(card).toHaveClass(/wrong|partly/);
      await expect(card.locator('.reread-line')).toBeVisible();
      const cardHtml = await card.innerHTML();
      const picked = q.type === 'single' ? [q.options.find((o) => o.id !== q.answer)!.id] : q.type === 'multiple' ? q.options.filter((o) => !q.answer.includes(o.id)).map((o) => o.id) : [];
      for (const text of unpickedKeyTexts(q, picked)) {
        expect(cardHtml).not.toContain(text);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    await expect(page.getByTestId('reread')).toBeVisible();
    await expect(page.getByTestId('keys-after-pass')).toBeVisible();
    const links = page.getByTestId('reread').locator('a');
    expect(await links.count()).toBeGreaterThan(0);
    expect(await links.first().getAttribute('href')).toMatch(/^\/modules\/[1-7]#/);

    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      await page.goto(url);
      await page.locator('.result-card').screenshot({ path: `test-results/review-exam-failed-${width}.png` });
      const list = (await page.locator('#review-heading').boundingBox())!;
      await page.screenshot({ path: `test-results/review-exam-failed-list-${width}.png`, fullPage: true, clip: { x: 0, y: list.y - 8, width, height: 1100 } });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    // A passed paper (a fresh trainee, so there is no waiting time): keys and explanations.
    const passer = await browser.newPage();
    await loginAs(passer, await newTrainee(browser));
    await completePrerequisites(passer);
    const passedIds = await sitExam(passer, () => true);
    await expect(passer.getByTestId('exam-verdict')).toHaveText('通过');
    const passedHtml = await passer.content();
    for (const id of passedIds) expect(passedHtml).toContain(exam.bank.get(id)!.explanation);
    await passer.close();
  });
});
