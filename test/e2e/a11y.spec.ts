// axe-core on the pages each role works in, at phone width: WCAG 2 A and AA rules.
import { test, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { loginAs, newTrainee } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';

const leak = loadScenarios(readContent(process.cwd()).scenarios).get('ceiling-leak')!;

async function violations(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

test.describe('accessibility (axe-core)', () => {
  test.use({ viewport: { width: 360, height: 800 } });

  // An axe run takes a second or two of CPU per page, several on a busy machine: these tests get more time than most.
  test.describe.configure({ timeout: 90_000 });

  test('a trainee’s pages', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    for (const path of ['/learn', '/modules/3', '/scenarios', '/exam', '/certificates', '/scenarios/ceiling-leak', '/account/password']) {
      await page.goto(path);
      expect(await violations(page), path).toEqual([]);
    }
  });

  test('the role-play in both modes and its debrief', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    await page.getByRole('button', { name: '开始练习' }).click();
    await page.locator('form.choices .choice-button').first().click();
    await expect(page.locator('.chat .bubble.me')).toHaveCount(1);
    expect(await violations(page), 'practice play').toEqual([]);
    await page.getByRole('button', { name: '开始考核' }).click();
    await expect(page.getByRole('timer')).toBeVisible();
    expect(await violations(page), 'assessment play').toEqual([]);
    // Each click waits for its own button, so none lands on a page the last step is navigating away from.
    for (const id of leak.analysis.bestPath.choices) {
      const text = Object.values(leak.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)!.text;
      await page.getByRole('button', { name: text, exact: true }).click();
    }
    await expect(page.getByTestId('score-bars')).toBeVisible();
    expect(await violations(page), 'debrief').toEqual([]);
  });

  test('trainer, HR and admin pages', async ({ page }) => {
    const pages: Record<string, string[]> = {
      trainer: ['/trainer', '/trainer/cohorts', '/scenarios/ceiling-leak/map'],
      hr: ['/hr', '/hr/people', '/hr/people?status=overdue', '/hr/certificates'],
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
