// axe-core on the pages each role works in, at phone width: WCAG 2 A and AA rules.
import { test, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { loginAs, newTrainee } from './helpers';

async function violations(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

test.describe('accessibility (axe-core)', () => {
  test.use({ viewport: { width: 360, height: 800 } });

  test('a trainee’s pages, the role-play in both modes and its debrief', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    for (const path of ['/learn', '/modules/3', '/scenarios', '/exam', '/certificates', '/scenarios/ceiling-leak']) {
      await page.goto(path);
      expect(await violations(page), path).toEqual([]);
    }
    await page.getByRole('button', { name: '开始练习' }).click();
    await page.locator('form.choices .choice-button').first().click();
    await expect(page.locator('.chat .bubble.me')).toHaveCount(1);
    expect(await violations(page), 'practice play').toEqual([]);
    await page.getByRole('button', { name: '开始考核' }).click();
    await expect(page.getByRole('timer')).toBeVisible();
    expect(await violations(page), 'assessment play').toEqual([]);
    while (await page.locator('form.choices .choice-button').count()) {
      await page.locator('form.choices .choice-button').first().click();
      await page.waitForLoadState('networkidle');
    }
    await expect(page.getByTestId('score-bars')).toBeVisible();
    expect(await violations(page), 'debrief').toEqual([]);
  });

  test('trainer, HR and admin pages', async ({ page }) => {
    const pages: Record<string, string[]> = {
      trainer: ['/trainer', '/trainer/cohorts', '/scenarios/ceiling-leak/map'],
      hr: ['/hr', '/hr/people', '/hr/certificates'],
      admin: ['/admin', '/admin/audit'],
    };
    for (const [who, paths] of Object.entries(pages)) {
      await loginAs(page, who);
      for (const path of paths) {
        await page.goto(path);
        expect(await violations(page), `${who} ${path}`).toEqual([]);
      }
      await page.getByRole('button', { name: '退出登录' }).click();
    }
  });
});
