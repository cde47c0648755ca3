// Admin and accounts as an admin and each role use them: searching and paging
// the user list, importing a GBK file as Excel on Chinese Windows saves it,
// the import template, deactivating only after a confirmation step, and
// 修改密码 within reach of every role (forced at the first sign-in).
import { test, expect } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { login, loginAs } from './helpers';

/** Text as GBK bytes: ASCII as is, and the few Chinese words these tests use, encoded by hand. */
const GBK: Record<string, number[]> = {
  用户名: [0xd3, 0xc3, 0xbb, 0xa7, 0xc3, 0xfb],
  姓名: [0xd0, 0xd5, 0xc3, 0xfb],
  部门: [0xb2, 0xbf, 0xc3, 0xc5],
  项目: [0xcf, 0xee, 0xc4, 0xbf],
  入职日期: [0xc8, 0xeb, 0xd6, 0xb0, 0xc8, 0xd5, 0xc6, 0xda],
  张三: [0xd5, 0xc5, 0xc8, 0xfd],
  客服部: [0xbf, 0xcd, 0xb7, 0xfe, 0xb2, 0xbf],
  阳光花园: [0xd1, 0xf4, 0xb9, 0xe2, 0xbb, 0xa8, 0xd4, 0xb0],
};
const gbk = (parts: string[]) => Buffer.concat(parts.map((p) => (GBK[p] ? Buffer.from(GBK[p]!) : Buffer.from(p, 'latin1'))));

test.describe('admin and accounts', () => {
  test('a GBK file from Excel imports, dates as Excel writes them; the list finds the people and pages them', async ({ page }) => {
    const tag = `g${Date.now().toString(36)}`;
    const rows: string[] = ['用户名', ',', '姓名', ',', '部门', ',', '项目', ',', '入职日期', '\r\n'];
    for (let i = 1; i <= 60; i++) rows.push(`${tag}.${String(i).padStart(2, '0')},`, '张三', `${i},`, '客服部', ',', '阳光花园', `,2026/12/${(i % 28) + 1}\r\n`);
    await loginAs(page, 'admin');
    await page.goto('/admin/import');
    await page.getByLabel('选择 CSV 文件').setInputFiles({ name: 'excel-gbk.csv', mimeType: 'text/csv', buffer: gbk(rows) });
    await page.getByRole('button', { name: '导入' }).click();
    await expect(page.getByRole('status')).toContainText('已导入 60 名学员');
    await expect(page.getByTestId('read-as-gbk')).toContainText('GBK');
    await expect(page.getByRole('cell', { name: '张三7', exact: true })).toBeVisible();

    await page.goto('/admin');
    await page.getByRole('searchbox', { name: /搜索/ }).fill(tag.toUpperCase());
    await page.getByLabel('状态').selectOption({ label: '在职' });
    await page.getByRole('button', { name: '筛选' }).click();
    await expect(page.getByTestId('user-count')).toHaveText('共 60 人 · 第 1 / 2 页');
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(51);
    await expect(page.getByRole('link', { name: '上一页' })).toHaveCount(0);
    await page.getByRole('link', { name: '下一页' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByTestId('user-count')).toHaveText('共 60 人 · 第 2 / 2 页');
    await expect(page.getByRole('table').getByRole('row')).toHaveCount(11);
    await expect(page.getByRole('cell', { name: `${tag}.60` })).toBeVisible();
    // The filters stay in the form and in the links.
    await expect(page.getByRole('searchbox', { name: /搜索/ })).toHaveValue(tag.toUpperCase());
    await page.getByRole('link', { name: '上一页' }).click();
    await expect(page.getByTestId('user-count')).toHaveText('共 60 人 · 第 1 / 2 页');
    // The imported dates were stored as YYYY-MM-DD: the edit form shows them so.
    await page.getByRole('link', { name: '编辑 张三1', exact: true }).click();
    await expect(page.getByLabel('入职日期')).toHaveValue('2026-12-02');

    await page.goto(`/admin?q=${encodeURIComponent('没有这个人%')}`);
    await expect(page.getByTestId('user-count')).toHaveText('共 0 人');
    await expect(page.getByText('没有符合条件的用户')).toBeVisible();
  });

  test('an impossible date is refused with its row and column, and nobody is imported', async ({ page }) => {
    await loginAs(page, 'admin');
    await page.goto('/admin/import');
    await page.getByLabel('选择 CSV 文件').setInputFiles({
      name: 'bad-date.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('用户名,姓名,部门,项目,入职日期\nok.date,刘备,客服部,阳光花园,2026/12/1\nbad.date,关羽,客服部,阳光花园,2026/2/30\n', 'utf8'),
    });
    await page.getByRole('button', { name: '导入' }).click();
    await expect(page.getByRole('alert')).toContainText('第 3 行：入职日期“2026/2/30”不是真实存在的日期');
    await page.goto('/admin?q=刘备');
    await expect(page.getByTestId('user-count')).toHaveText('共 0 人');
  });

  test('the import template downloads: UTF-8 with BOM, the exact header and one example row', async ({ page }) => {
    await loginAs(page, 'admin');
    await page.goto('/admin/import');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: '下载导入模板（CSV）' }).click()]);
    expect(download.suggestedFilename()).toBe('学员导入模板.csv');
    const bytes = await (await import('node:fs/promises')).readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe('用户名,姓名,部门,项目,入职日期,初始密码\r\nwang.fang,王芳,客服部,阳光花园,2026-12-01,\r\n');
    const res = await page.request.get('/admin/import/template.csv');
    expect(res.headers()['content-type']).toBe('text/csv; charset=utf-8');
    // Only admins: HR is refused.
    const hr = await (await page.context().browser()!.newContext()).newPage();
    await loginAs(hr, 'hr');
    expect((await hr.request.get('/admin/import/template.csv')).status()).toBe(403);
    await hr.close();
  });

  test('the deactivate confirmation step and the revoke one pass axe-core at phone width', async ({ page, browser }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await loginAs(page, 'admin');
    await page.goto('/admin?q=sun.hao');
    await page.getByRole('link', { name: '编辑 孙浩' }).click();
    await page.getByRole('link', { name: '停用账号…' }).click();
    await expect(page.getByRole('heading', { name: /确认停用 孙浩/ })).toBeVisible();
    // Keyboard: the reason, then the confirming button, then 取消.
    await page.getByLabel('原因（选填）').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: '确认停用' })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: '取消' })).toBeFocused();
    for (const path of [page.url(), '/admin?q=a', '/admin/import']) {
      await page.goto(path);
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`), path).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
    }
    const hr = await (await browser.newContext({ viewport: { width: 360, height: 800 } })).newPage();
    await loginAs(hr, 'hr');
    await hr.goto('/hr/certificates');
    await hr.getByRole('link', { name: '撤销…' }).first().click();
    await expect(hr.getByRole('heading', { name: /确认撤销 .+ 的证书？/ })).toBeVisible();
    const r = await new AxeBuilder({ page: hr }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(r.violations.map((v) => v.id)).toEqual([]);
    expect(await hr.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await hr.close();
  });

  test('every role reaches 修改密码 from the header, at phone and desktop width', async ({ browser }) => {
    test.setTimeout(120_000);
    for (const [username, away] of [['li.xiaoting', '/scenarios'], ['trainer', '/trainer/cohorts'], ['hr', '/hr/people'], ['admin', '/admin/audit']] as const) {
      const page = await browser.newPage();
      await loginAs(page, username);
      const home = new URL(page.url()).pathname;
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of [home, away]) {
          await page.goto(path);
          await expect(page.getByRole('banner').getByRole('link', { name: '修改密码' }), `${username} ${path} ${width}`).toBeVisible();
        }
      }
      await page.getByRole('banner').getByRole('link', { name: '修改密码' }).click();
      await expect(page).toHaveURL(/\/account\/password$/);
      await expect(page.getByRole('heading', { name: '修改密码' })).toBeVisible();
      await page.close();
    }
  });

  test('an HR account an admin creates must choose its own password at the first sign-in', async ({ page, browser }) => {
    await loginAs(page, 'admin');
    await page.getByRole('link', { name: '新建用户' }).click();
    const username = `hr.${Date.now().toString(36)}`;
    await page.getByLabel('姓名').fill('新来的人事');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('角色').selectOption({ label: '人力资源' });
    await page.getByLabel('项目', { exact: true }).fill('阳光花园');
    await page.getByLabel('初始密码').fill('Chushi-mima-7Q');
    await page.getByRole('button', { name: '创建' }).click();
    await expect(page).toHaveURL(/\/admin\?created=1/);

    const person = await (await browser.newContext()).newPage();
    await login(person, username, 'Chushi-mima-7Q');
    await expect(person).toHaveURL(/\/account\/password\?next=%2Fhr$/);
    await person.goto('/hr/people');
    await expect(person).toHaveURL(/\/account\/password\?next=%2Fhr%2Fpeople$/);
    expect((await person.request.get('/hr/export.csv', { maxRedirects: 0 })).status()).toBe(303);
    await person.getByLabel('当前密码').fill('Chushi-mima-7Q');
    await person.getByLabel('新密码', { exact: true }).fill('Wode-xin-mima-3K');
    await person.getByLabel('确认新密码').fill('Wode-xin-mima-3K');
    await person.getByRole('button', { name: '修改密码' }).click();
    await expect(person).toHaveURL(/\/hr\/people$/);
    await expect(person.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await person.close();
  });
});
