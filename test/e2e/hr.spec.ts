import { test, expect } from '@playwright/test';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { loginAs } from './helpers';

test.describe('HR certification tracking', () => {
  test('filters by site change the figures and the charts', async ({ page }) => {
    await loginAs(page, 'hr');
    await expect(page).toHaveURL(/\/hr$/);
    const people = page.locator('[data-kpi="people"]');
    const all = Number(await people.textContent());
    expect(all).toBeGreaterThan(0);
    await expect(page.locator('[data-chart="by-site"] > .hb-row')).toHaveCount(2);
    await page.getByLabel('项目', { exact: true }).selectOption('翠湖天地');
    await page.getByRole('button', { name: '应用筛选' }).click();
    await expect(page).toHaveURL(/site=/);
    const some = Number(await people.textContent());
    expect(some).toBeLessThan(all);
    await expect(page.locator('[data-chart="by-site"] > .hb-row')).toHaveCount(1);
    // The data table behind the chart is there for keyboard and screen-reader users.
    await page.locator('#by-site-title').locator('..').getByText('查看数据表').click();
    await expect(page.locator('#by-site-table')).toContainText('翠湖天地');
  });

  test('exports a CSV that parses back with Chinese names intact, and the export is logged', async ({ page, browser }) => {
    await loginAs(page, 'hr');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
    expect(rows[0]!.slice(0, 3)).toEqual(['姓名', '用户名', '项目']);
    expect(rows.some((r) => r[0] === '王小明' && r[2] === '阳光花园')).toBe(true);
    expect(rows.some((r) => r[0] === '李晓婷' && r.includes('已认证'))).toBe(true);

    const xapi = await page.request.post('/hr/export.xapi.json', { form: {}, headers: { Origin: new URL(page.url()).origin } });
    const statements = await xapi.json();
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((s: { version: string; actor: { account: unknown } }) => s.version === '1.0.3' && s.actor.account)).toBe(true);

    const admin = await (await browser.newContext()).newPage();
    await loginAs(admin, 'admin');
    await admin.goto('/admin/audit');
    await expect(admin.getByTestId('audit')).toContainText('导出数据');
  });

  test('revokes a certificate with a reason; the audit log shows it', async ({ page, browser }) => {
    await loginAs(page, 'hr');
    await page.goto('/hr/certificates');
    const card = page.locator('li[data-cert]').filter({ hasText: '李晓婷' }).first();
    await card.getByRole('link', { name: '撤销…' }).click();
    // A confirmation step names the holder and spells out what revoking does; the reason is required.
    const confirm = page.getByRole('region', { name: '确认撤销 李晓婷 的证书？' });
    await expect(confirm).toContainText('不能直接补发');
    await confirm.getByRole('button', { name: '确认撤销' }).click();
    await expect(page.getByRole('status')).toHaveCount(0);
    await confirm.getByLabel('撤销原因（必填）').fill('入职资料核查不符');
    await confirm.getByRole('button', { name: '确认撤销' }).click();
    await expect(page.getByRole('status')).toContainText('已撤销 李晓婷');
    const admin = await (await browser.newContext()).newPage();
    await loginAs(admin, 'admin');
    await admin.goto('/admin/audit');
    await expect(admin.getByTestId('audit')).toContainText('入职资料核查不符');
  });

  test('a person page shows the full timeline', async ({ page }) => {
    await loginAs(page, 'hr');
    await page.goto('/hr/people?q=张伟');
    await page.getByRole('link', { name: '张伟' }).click();
    await expect(page.getByTestId('timeline')).toContainText('完成 第4章');
    await expect(page.getByTestId('timeline')).toContainText('楼上漏水');
  });

  for (const who of ['trainee', 'trainer']) {
    test(`a ${who} gets 403 on the HR pages and the exports`, async ({ page }) => {
      await loginAs(page, who);
      for (const url of ['/hr', '/hr/people', '/hr/certificates', '/hr/export.csv', '/hr/export.xapi.json']) {
        expect((await page.request.get(url, { maxRedirects: 0 })).status(), url).toBe(403);
      }
    });
  }
});
