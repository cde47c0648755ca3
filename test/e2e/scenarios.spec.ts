import { test, expect, type Page } from '@playwright/test';
import { loginAs, newTrainee } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const leak = library.get('ceiling-leak')!;
const choiceText = (id: string) => Object.values(leak.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)!.text;

async function choose(page: Page, id: string) {
  await page.locator(`button[data-choice="${id}"]`).click();
}

test.describe('role-play', () => {
  test('a trainee plays 楼上漏水 to the resolved ending and sees the debrief', async ({ page, browser }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios');
    await page.getByRole('link', { name: /楼上漏水/ }).click();
    await expect(page.getByText('我都报修三次了')).toBeVisible();
    for (const id of leak.analysis.bestPath.choices) {
      await expect(page.getByRole('button', { name: choiceText(id), exact: true })).toBeVisible();
      await choose(page, id);
    }
    await expect(page.getByText(`结局：圆满解决`)).toBeVisible();
    const bars = page.getByTestId('score-bars');
    await expect(bars.locator('li')).toHaveCount(3);
    await expect(bars).toContainText('情绪管理');
    await expect(bars).toContainText('同理心表达');
    await expect(bars).toContainText('解决导向');
    await expect(bars).toContainText('通过');
    await expect(page.getByTestId('mood-chart').locator('svg circle')).toHaveCount(leak.analysis.bestPath.choices.length + 1);
    await page.reload();
    await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('history')).toContainText('圆满解决');
  });

  test('a bad choice moves the mood meter up', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    const meter = page.getByRole('meter', { name: '业主情绪' });
    await expect(meter).toHaveAttribute('aria-valuenow', String(leak.def.startMood));
    await choose(page, 'blame-upstairs');
    await expect(meter).toHaveAttribute('aria-valuenow', String(leak.def.startMood + 10));
    await expect(page.getByTestId('mood-value')).toHaveText(String(leak.def.startMood + 10));
    // Practice mode shows the feedback right away.
    await expect(page.getByText('演练要点“解决导向”要求聚焦问题解决')).toBeVisible();
  });

  test('a half-played scenario resumes after a reload', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    const [first, second] = leak.analysis.bestPath.choices;
    await choose(page, first!);
    await choose(page, second!);
    await expect(page.locator('.chat .bubble.me')).toHaveCount(2);
    // Progress is saved in the background; wait for it before reloading.
    await expect.poll(async () => (await page.request.get('/scenarios/ceiling-leak')).text()).toContain('已恢复到你上次离开的位置');
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: '已恢复' })).toBeVisible();
    await expect(page.locator('.chat .bubble.me')).toHaveCount(2);
    await expect(page.locator('.chat .bubble.me').nth(1)).toContainText(choiceText(second!));
  });

  test('the server rejects forged, truncated and stale paths and ignores a client score', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    const url = '/api/scenarios/ceiling-leak/attempts';
    const base = { scenarioId: 'ceiling-leak', version: leak.def.version };
    const post = (data: unknown) => page.request.post(url, { data, headers: { Origin: new URL(page.url()).origin } });
    const forged = await post({ ...base, choiceIds: ['let-vent', 'no-such-choice'] });
    expect(forged.status()).toBe(400);
    expect((await forged.json()).error).toContain('路径无效');
    expect((await post({ ...base, choiceIds: leak.analysis.bestPath.choices.slice(0, 3) })).status()).toBe(400);
    expect((await post({ ...base, version: 99, choiceIds: leak.analysis.bestPath.choices })).status()).toBe(400);
    const bad = await page.request.post(url, { data: '{not json', headers: { 'Content-Type': 'application/json', Origin: new URL(page.url()).origin } });
    expect(bad.status()).toBe(400);

    // A path that angers the owner into hanging up, sent with a fake perfect score.
    const lost = enumeratePaths(leak.def).paths.find((p) => p.ending === 'hung-up')!;
    const res = await post({ ...base, choiceIds: lost.choices, scores: { overall: 100, passed: true }, passed: true });
    expect(res.status()).toBe(201);
    const body = await res.json();
    expect(body.attempt.scores.passed).toBe(false);
    expect(body.attempt.outcome).toBe('failed');
    // Cross-site JSON is refused outright.
    expect((await page.request.post(url, { data: { ...base, choiceIds: leak.analysis.bestPath.choices }, headers: { Origin: 'http://evil.example' } })).status()).toBe(403);
  });

  test('trainers see the branch map with the best path; trainees may not', async ({ page }) => {
    await loginAs(page, 'trainer');
    await page.goto('/scenarios/ceiling-leak/map');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('分支图');
    await expect(page.locator('.map-node.best')).not.toHaveCount(0);
    await page.locator('a[href="#node-opening"]').click();
    await expect(page.locator('#node-opening')).toContainText('我都报修三次了');
    await page.getByRole('button', { name: '退出登录' }).click();
    await loginAs(page, 'trainee');
    expect((await page.goto('/scenarios/ceiling-leak/map'))!.status()).toBe(403);
  });
});
