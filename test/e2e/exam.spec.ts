import { test, expect } from '@playwright/test';
import { loginAs, newTrainee } from './helpers';
import { exam, completePrerequisites, answer, paperIds, sitExam } from './exam-helpers';
import { qrSvg } from '../../src/app/qr';

test.describe('final exam and certificate', () => {
  // Whole papers answered by clicking, as a person would: the slowest flows of the suite.
  test.describe.configure({ timeout: 120_000 });
  test('a trainee takes the exam, reloads without losing answers, passes, prints and verifies the certificate', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser, '王小明'));
    await page.goto('/exam');
    await expect(page.getByText('完成以下要求后即可参加结业考试')).toBeVisible();
    await completePrerequisites(page);
    // The home page leads on to the exam once the chapters and role-plays are done.
    await page.goto('/learn');
    await expect(page.getByTestId('lead')).toHaveAttribute('data-lead', 'exam');
    await expect(page.getByRole('link', { name: '下一步：参加结业考试' })).toHaveAttribute('href', '/exam');
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
    // A keyboard user skips the 40 number links to the first question still unanswered.
    const skip = page.getByRole('link', { name: /^跳过题号/ });
    await skip.focus();
    await expect(skip).toHaveText('跳过题号，到第 21 题');
    await page.keyboard.press('Enter');
    await expect(page.locator('#q-21').locator(':focus')).toHaveCount(1);
    for (const id of ids.slice(20)) await answer(page, exam.bank.get(id)!, true);
    await expect(page.getByTestId('answered')).toHaveText('已答 40 / 40');
    await expect(page.getByTestId('save-state')).toHaveText('✓ 已保存');
    await page.getByRole('button', { name: '交卷' }).click();
    // Focus moves to the confirm step, and back to 交卷 when the trainee goes on checking.
    await expect(page.getByRole('button', { name: '确定交卷' })).toBeFocused();
    await page.getByRole('button', { name: '继续检查' }).click();
    await expect(page.getByRole('button', { name: '交卷', exact: true })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('button', { name: '确定交卷' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('exam-percent')).toHaveText('100%');
    await expect(page.getByTestId('exam-verdict')).toHaveText('通过');

    await page.getByRole('link', { name: '查看与打印' }).click();
    await expect(page.getByTestId('cert-holder')).toHaveText('王小明');
    const certPath = new URL(page.url()).pathname;
    const code = (await page.getByTestId('cert-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // 扫码验证: a server-drawn QR code of the absolute /verify address, named for screen readers, the address printed under it.
    const verifyUrl = `${new URL(page.url()).origin}/verify/${code}`;
    await expect(page.getByTestId('cert-url')).toHaveText(verifyUrl);
    const qr = page.getByTestId('cert-qr').locator('svg');
    await expect(qr).toHaveAccessibleName(`扫码验证证书的二维码，指向 ${verifyUrl}`);
    // The modules drawn are exactly those that encode the verify address.
    expect(await qr.locator('path').getAttribute('d')).toBe(/\bd="([^"]+)"/.exec(qrSvg(verifyUrl, 4))![1]);
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
    await expect(visitor.getByTestId('verify-issuer')).toHaveText('安居物业服务有限公司');
    await visitor.goto(verifyUrl);
    await expect(visitor.getByTestId('verify-status')).toHaveText('有效');
    await expect(visitor.locator('body')).not.toContainText('王小明');
    await visitor.close();

    // Certified, the home page shows the certificate card: its link and when it expires.
    await page.goto('/learn');
    const card = page.getByTestId('lead');
    await expect(card).toHaveAttribute('data-lead', 'certificate');
    await expect(card.getByRole('link', { name: '查看与打印证书' })).toHaveAttribute('href', certPath);
    await expect(card).toContainText(/有效期至 \d{4}\/\d{1,2}\/\d{1,2}/);
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
    await card.getByRole('link', { name: '撤销…' }).click();
    await hr.getByLabel('撤销原因（必填）').fill('复核发现考试期间违规');
    await hr.getByRole('button', { name: '确认撤销' }).click();
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
    // The home page leads on to the exam once the chapters and role-plays are done.
    await page.goto('/learn');
    await expect(page.getByTestId('lead')).toHaveAttribute('data-lead', 'exam');
    await expect(page.getByRole('link', { name: '下一步：参加结业考试' })).toHaveAttribute('href', '/exam');
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
