import { test, expect, type Page } from '@playwright/test';
import { loginAs, login, newUser } from './helpers';

const PAYLOADS = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=1</script>', '"><svg onload="window.__xss=1">'];

async function clean(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
}

test('script and HTML in user-controlled text never run and show literally', async ({ page, browser }) => {
  // Three phones, two new accounts that each sign in once to replace the admin's password: more than 60 s on a busy machine.
  test.setTimeout(90_000);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await loginAs(page, 'admin');
  const origin = new URL(page.url()).origin;
  const stamp = Date.now().toString(36);

  // A display name, created through the admin form; a username with markup is refused outright.
  const name = `${PAYLOADS[0]}${stamp}`;
  const bad = await page.request.post('/admin/users/new', { form: { username: '<b>x</b>', displayName: 'x', role: 'trainee', department: 'a', site: 'b', password: 'Chushi-mima-7Q' }, headers: { Origin: origin }, maxRedirects: 0 });
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain('用户名须为');
  await newUser(browser, { username: `xss.${stamp}`, displayName: name.slice(0, 30), role: 'trainee', department: PAYLOADS[2]!.slice(0, 30) });
  const shown = name.slice(0, 30);

  // Names from a CSV import.
  await page.goto('/admin/import');
  await page.getByLabel('选择 CSV 文件').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(`用户名,姓名,部门,项目\ncsv.${stamp},"${PAYLOADS[1]!.replace(/"/g, '""').slice(0, 30)}",客服部,阳光花园\n`) });
  await page.getByRole('button', { name: '导入' }).click();
  await expect(page.getByRole('status')).toContainText('已导入 1 名学员');
  await clean(page);

  // Both accounts carry the stamp (in the display name and in the user name): the search finds them whatever page they would fall on.
  await page.goto(`/admin?role=trainee&q=${stamp}`);
  await expect(page.getByRole('cell', { name: shown, exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: PAYLOADS[1]!.slice(0, 30), exact: true })).toBeVisible();
  await clean(page);

  // A cohort name, with the marked-up trainee in it; shown on the cohort grid.
  const trainer = await (await browser.newContext()).newPage();
  trainer.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await loginAs(trainer, 'trainer');
  const partner = `搭档${stamp}`;
  await newUser(browser, { username: `xss2.${stamp}`, displayName: partner, role: 'trainee' });
  await trainer.goto('/trainer/cohorts');
  const cohortName = `${PAYLOADS[2]}班`;
  await trainer.getByLabel('班级名称').fill(cohortName);
  await trainer.getByLabel(shown).check();
  await trainer.getByLabel(new RegExp(`^${partner} `)).check();
  await trainer.getByRole('button', { name: '创建班级' }).click();
  await expect(trainer.getByRole('heading', { level: 1 })).toHaveText(cohortName);
  await expect(trainer.getByRole('link', { name: shown, exact: true })).toBeVisible();
  await clean(trainer);

  // A rubric comment in pair role-play, shown on the trainee's record.
  await trainer.getByLabel('方式', { exact: true }).selectOption({ label: '分组演练（两人一组，评分）' });
  await trainer.getByRole('button', { name: '开始课堂演练' }).click();
  const code = (await trainer.getByTestId('join-code').textContent())!.trim();
  const phone = await (await browser.newContext()).newPage();
  await login(phone, `xss.${stamp}`);
  await phone.goto('/live');
  await phone.getByLabel('课堂代码').fill(code);
  await phone.getByRole('button', { name: '加入' }).click();
  await expect(phone).toHaveURL(/\/live\/[\w-]+$/);
  const phone2 = await (await browser.newContext()).newPage();
  await login(phone2, `xss2.${stamp}`);
  await phone2.goto('/live');
  await phone2.getByLabel('课堂代码').fill(code);
  await phone2.getByRole('button', { name: '加入' }).click();
  await expect(trainer.getByTestId('participants')).toContainText(shown);
  await expect(trainer.getByTestId('participant-count')).toHaveText('2');
  await clean(trainer);
  await clean(phone);
  await trainer.getByRole('button', { name: '自动分组并开始' }).click();
  const rubric = trainer.locator('form.rubric-form').first();
  const agent = (await rubric.getAttribute('aria-label'))!.replace(/^为/, '').replace(/评分$/, '');
  for (const dim of ['情绪管理', '同理心表达', '解决导向']) await rubric.getByRole('group', { name: new RegExp(dim) }).getByText('3', { exact: true }).click();
  const comment = PAYLOADS[1]!;
  await rubric.getByLabel('评语（可选）').fill(comment);
  await rubric.getByRole('button', { name: '提交评分' }).click();
  await expect(rubric.getByRole('status')).toContainText('已保存');
  const cohortUrl = (await trainer.getByRole('link', { name: '← 返回班级' }).getAttribute('href'))!;
  await trainer.goto(cohortUrl);
  await trainer.getByRole('link', { name: agent, exact: true }).click();
  await expect(trainer.getByTestId('observations')).toContainText(comment);
  await clean(trainer);
  await clean(phone2);

  // A revocation reason, shown to HR.
  const hr = await (await browser.newContext()).newPage();
  await loginAs(hr, 'hr');
  await hr.goto('/hr/certificates');
  const card = hr.locator('li[data-cert]').filter({ has: hr.getByRole('link', { name: '撤销…', exact: true }) }).first();
  await card.getByRole('link', { name: '撤销…', exact: true }).click();
  await hr.getByLabel('撤销原因（必填）').fill(PAYLOADS[0]!);
  await hr.getByRole('button', { name: '确认撤销', exact: true }).click();
  await expect(hr.getByText(`撤销原因：${PAYLOADS[0]}`)).toBeVisible();
  await hr.goto('/hr/people?q=xss');
  await expect(hr.getByRole('link', { name: shown })).toBeVisible();
  await clean(hr);

  expect(dialogs).toBe(0);
});
