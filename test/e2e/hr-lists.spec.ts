// HR's figures open their lists, the lists export what they show, the charts
// keep their labels whole, and certificates print in bulk.
import { test, expect } from '@playwright/test';
import Papa from 'papaparse';
import { readFileSync } from 'node:fs';
import { loginAs } from './helpers';

const KPIS = ['people', 'certified', 'rate', 'inProgress', 'overdue', 'expiringSoon', 'expired', 'notStarted'] as const;
const STATUS: Record<string, string | undefined> = { people: undefined, certified: 'certified', rate: 'certified', inProgress: 'inProgress', overdue: 'overdue', expiringSoon: 'expiringSoon', expired: 'expired', notStarted: 'notStarted' };

test.describe('HR lists behind the figures', () => {
  test('every headline figure opens the people list with its filter and the same count', async ({ page }) => {
    await loginAs(page, 'hr');
    await page.goto('/hr?site=%E7%BF%A0%E6%B9%96%E5%A4%A9%E5%9C%B0');
    for (const k of KPIS) {
      const figure = page.locator(`[data-kpi="${k}"]`);
      const link = figure.getByRole('link');
      await expect(link, k).toHaveAttribute('href', new RegExp(`^/hr/people\\?site=%E7%BF%A0%E6%B9%96%E5%A4%A9%E5%9C%B0${STATUS[k] ? `&status=${STATUS[k]}` : '$'}`));
      const count = k === 'rate' ? Number(await page.locator('[data-kpi="certified"]').textContent()) : Number(await figure.textContent());
      await link.click();
      await expect(page.getByTestId('match-count'), k).toHaveText(`共 ${count} 人符合`);
      await expect(page.getByTestId('people').locator('tbody tr'), k).toHaveCount(count);
      await expect(page.getByTestId('list-summary')).toContainText('翠湖天地');
      await page.goBack();
    }
  });

  test('the overdue list says what is on, and its CSV holds exactly the people listed', async ({ page }) => {
    await loginAs(page, 'hr');
    await page.locator('[data-kpi="overdue"]').getByRole('link').click();
    await expect(page).toHaveURL(/status=overdue/);
    await expect(page.getByTestId('list-summary')).toContainText('逾期未认证');
    await expect(page.getByLabel('状态')).toHaveValue('overdue');
    const names = (await page.getByTestId('people').locator('tbody th a').allTextContents()).sort();
    expect(names.length).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出此名单（CSV）' }).click()]);
    const rows = Papa.parse<string[]>(readFileSync((await download.path())!, 'utf8').slice(1), { skipEmptyLines: true }).data;
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(names);
  });

  test('charts show each value whole beside its bar, months as columns, no text under 12 px', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await loginAs(page, 'hr');
    // Two series side by side: each bar has its own value ("95.2"), never "95.2 / —" run together.
    const competency = page.locator('[data-chart="competency"]');
    await expect(competency.locator('.hb-value').first()).toHaveText(/^\d+(\.\d)?$|^暂无$/);
    expect(await competency.locator('.hb-value').allTextContents()).not.toContainEqual(expect.stringContaining(' / '));
    await expect(page.locator('[data-chart="per-month"] .col')).toHaveCount(12);
    const problems = await page.locator('.chart').evaluateAll((charts) =>
      charts.flatMap((chart) => {
        const box = chart.getBoundingClientRect();
        return [...chart.querySelectorAll<HTMLElement>('[data-chart] *')].flatMap((e) => {
          const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
          if (!text) return [];
          const r = e.getBoundingClientRect();
          const size = parseFloat(getComputedStyle(e).fontSize);
          const out: string[] = [];
          if (size < 12) out.push(`${e.textContent} at ${size}px`);
          if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || e.scrollWidth > e.clientWidth + 1) out.push(`${e.textContent} clipped`);
          return out;
        });
      }),
    );
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  test('bulk print: the filtered certificates, one per page, with their names', async ({ page }) => {
    await loginAs(page, 'hr');
    await page.goto('/hr/certificates');
    await page.getByLabel('项目', { exact: true }).selectOption('阳光花园');
    await page.getByRole('button', { name: '应用筛选' }).click();
    const holders = (await page.locator('li[data-cert] h2').allTextContents()).map((s) => s.replace(/\s*(有效|已过期|已撤销|已被新证书取代)\s*$/, '').trim());
    expect(holders.length).toBeGreaterThan(0);
    await page.getByRole('link', { name: '批量打印/下载证书' }).click();
    await expect(page).toHaveURL(/\/hr\/certificates\/print\?site=/);
    await expect(page.getByTestId('bulk-cert')).toHaveCount(holders.length);
    expect(await page.getByTestId('cert-holder').allTextContents()).toEqual(holders);
    await expect(page.getByTestId('bulk-count')).toContainText(`共 ${holders.length} 张证书`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('bulk-cert').first().evaluate((e) => getComputedStyle(e).breakAfter)).toBe(holders.length > 1 ? 'page' : 'auto');
    await expect(page.getByRole('button', { name: '打印 / 另存为 PDF' })).toBeHidden();

    // Another site's filter prints nobody from this one.
    await page.emulateMedia({ media: 'screen' });
    await page.goto('/hr/certificates/print?site=%E4%B8%8D%E5%AD%98%E5%9C%A8');
    await expect(page.getByTestId('bulk-cert')).toHaveCount(0);
    await expect(page.getByTestId('bulk-count')).toHaveText('没有符合条件的证书。');
  });

  for (const who of ['trainee', 'trainer']) {
    test(`a ${who} gets 403 on the bulk print`, async ({ page }) => {
      await loginAs(page, who);
      expect((await page.request.get('/hr/certificates/print', { maxRedirects: 0 })).status()).toBe(403);
    });
  }
});
