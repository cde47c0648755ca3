// The trainer's side of a live session: the projector fits one screen, disabled
// buttons say why, pairs rotate by round, and a trainee's phone lists the session as a link.
import { test, expect, type Page } from '@playwright/test';
import { newTrainee, loginAs } from './helpers';
import { trainerWithCohort, startSession, phone } from './live-helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';

const scenarios = loadScenarios(readContent(process.cwd()).scenarios);
/** The node with the most text on screen once revealed (the line, four long choices and their feedback). */
const longest = scenarios.get('contract-expiry')!;
const PATH_TO_LONGEST = ['invite-talk', 'honest-admit'];
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/shots';

/** Nothing on the page scrolls: the document is no taller and no wider than the window. */
async function fitsScreen(page: Page) {
  return page.evaluate(() => ({
    fitsHeight: document.documentElement.scrollHeight <= window.innerHeight,
    fitsWidth: document.documentElement.scrollWidth <= window.innerWidth,
    scrollHeight: document.documentElement.scrollHeight,
    innerHeight: window.innerHeight,
  }));
}

/** The smallest computed font size of visible text in the projector's main parts. */
const smallestText = (page: Page) =>
  page.evaluate(() =>
    Math.min(...[...document.querySelectorAll('.projector p, .projector li, .projector td, .projector th, .projector span')].filter((e) => (e as HTMLElement).offsetParent && e.textContent!.trim()).map((e) => parseFloat(getComputedStyle(e).fontSize))),
  );

const control = (trainer: Page, action: string, choiceId?: string) =>
  trainer.request.post(new URL(trainer.url()).pathname.replace('/trainer/live/', '/api/live/') + '/control', { data: { action, choiceId }, headers: { Origin: new URL(trainer.url()).origin } });

test.describe('trainer: live session screens', () => {
  test.describe.configure({ timeout: 120_000 });

  test('vote: the longest node fits the projector at 1280×720 and 1920×1080 with ✓ 最佳; a tie says why', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const [a, b] = [`投${suffix}`, `票${suffix}`];
    const [ua, ub] = [await newTrainee(browser, a), await newTrainee(browser, b)];
    const { trainer } = await trainerWithCohort(browser, [a, b]);
    await trainer.getByLabel('情景', { exact: true }).selectOption({ label: longest.def.title });
    await trainer.getByLabel('方式', { exact: true }).selectOption({ label: '全班投票' });
    await trainer.getByRole('button', { name: '开始课堂演练' }).click();
    const code = (await trainer.getByTestId('join-code').textContent())!.trim();
    const pa = await phone(browser, ua, code);
    const pb = await phone(browser, ub, code);
    await trainer.getByRole('button', { name: '开始演练' }).click();
    for (const c of PATH_TO_LONGEST) expect((await control(trainer, 'advance', c)).status()).toBe(200);
    await expect(pa.getByTestId('phone-line')).toHaveText(longest.def.nodes.rights!.line!);

    // A tie: the majority button is disabled and says why, with the reason tied to it.
    const best = longest.analysis.bestChoiceAt.rights!;
    const other = longest.def.nodes.rights!.choices!.find((c) => c.id !== best)!.id;
    await pa.locator(`button[data-choice="${best}"]`).click();
    await pb.locator(`button[data-choice="${other}"]`).click();
    await expect(trainer.getByTestId('voted')).toHaveText('2');
    await trainer.getByRole('button', { name: '揭晓投票与点评' }).click();
    const advance = trainer.getByRole('button', { name: '按全班选择推进' });
    await expect(advance).toBeDisabled();
    await expect(advance).toHaveAccessibleDescription(/平票：请选择一个选项继续/);
    expect(await advance.evaluate((e) => getComputedStyle(e).cursor)).toBe('not-allowed');
    await trainer.setViewportSize({ width: 1280, height: 800 });
    await trainer.screenshot({ path: `${SHOTS}/live-control-tie-1280.png`, fullPage: true });

    for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
      const projector = await (await browser.newContext({ viewport: { width, height }, storageState: await trainer.context().storageState() })).newPage();
      await projector.goto(trainer.url() + '/projector');
      await expect(projector.getByTestId('best')).toHaveCount(1);
      await expect(projector.locator(`li[data-choice="${best}"]`)).toContainText('✓ 最佳');
      for (const c of longest.def.nodes.rights!.choices!) await expect(projector.getByText(c.feedback)).toBeVisible();
      await projector.screenshot({ path: `${SHOTS}/projector-vote-${width}x${height}.png` });
      const fit = await fitsScreen(projector);
      expect(fit, `${width}×${height}: ${fit.scrollHeight} > ${fit.innerHeight}`).toMatchObject({ fitsHeight: true, fitsWidth: true });
      expect(await smallestText(projector)).toBeGreaterThanOrEqual(24);
      await projector.context().close();
    }
  });

  test('pairs: an odd class rotates 客服 and the observer each round; the projector shows who plays whom and the rubric averages', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const names = [`甲${suffix}`, `乙${suffix}`, `丙${suffix}`];
    const users = [];
    for (const n of names) users.push(await newTrainee(browser, n));
    const { trainer } = await trainerWithCohort(browser, names);
    const code = await startSession(trainer, '分组演练（两人一组，评分）');
    for (const u of users) await phone(browser, u, code);
    await expect(trainer.getByTestId('participant-count')).toHaveText('3');
    await trainer.getByRole('button', { name: '自动分组并开始' }).click();
    await expect(trainer.getByTestId('round')).toHaveText('1');

    const projector = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, storageState: await trainer.context().storageState() })).newPage();
    await projector.goto(trainer.url() + '/projector');
    const seats = async () => {
      const row = projector.locator('.projector-table tbody tr').first();
      return { agent: (await row.locator('td').nth(0).textContent())!, owner: (await row.locator('td').nth(1).textContent())!, observer: (await row.locator('td').nth(2).textContent())! };
    };
    await expect(projector.getByRole('columnheader', { name: '客服' })).toBeVisible();
    await expect(projector.getByRole('columnheader', { name: '观察员' })).toBeVisible();
    await expect(projector.getByText('还没有评分')).toBeVisible();
    const agents = new Set<string>();
    const observers = new Set<string>();
    for (let round = 1; round <= 3; round++) {
      await expect(projector.getByTestId('round')).toHaveText(`第 ${round} 轮`);
      const s = await seats();
      expect(new Set([s.agent, s.owner, s.observer]).size).toBe(3);
      agents.add(s.agent);
      observers.add(s.observer);
      if (round === 1) {
        // The rubric form says what is missing; the score then shows up as averages on the projector.
        const form = trainer.getByRole('form', { name: `为${s.agent}评分` });
        const submit = form.getByRole('button', { name: '提交评分' });
        await expect(submit).toBeDisabled();
        await expect(submit).toHaveAccessibleDescription('还有 3 项未评分');
        await form.getByRole('group', { name: /情绪管理/ }).getByText('4', { exact: true }).click();
        await expect(submit).toHaveAccessibleDescription('还有 2 项未评分');
        await form.getByRole('group', { name: /同理心表达/ }).getByText('5', { exact: true }).click();
        await form.getByRole('group', { name: /解决导向/ }).getByText('3', { exact: true }).click();
        await expect(submit).toBeEnabled();
        await submit.click();
        await expect(projector.getByTestId('rubric-summary')).toContainText('4.0');
        await trainer.setViewportSize({ width: 1280, height: 800 });
        await trainer.screenshot({ path: `${SHOTS}/live-control-pairs-1280.png`, fullPage: true });
        await projector.screenshot({ path: `${SHOTS}/projector-pairs-1280x720.png` });
        const fit = await fitsScreen(projector);
        expect(fit).toMatchObject({ fitsHeight: true, fitsWidth: true });
        expect(await smallestText(projector)).toBeGreaterThanOrEqual(24);
      }
      if (round < 3) await trainer.getByRole('button', { name: '下一轮：轮换角色' }).click();
    }
    expect([...agents].sort()).toEqual([...names].sort());
    expect([...observers].sort()).toEqual([...names].sort());
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.screenshot({ path: `${SHOTS}/projector-pairs-1920x1080.png` });
    expect(await fitsScreen(projector)).toMatchObject({ fitsHeight: true, fitsWidth: true });
  });

  test('a trainee\'s phone lists the class\'s open session: a link once joined, one tap to join otherwise', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const [a, b] = [`链${suffix}`, `接${suffix}`];
    const [ua, ub] = [await newTrainee(browser, a), await newTrainee(browser, b)];
    const { trainer } = await trainerWithCohort(browser, [a, b]);
    const code = await startSession(trainer, '全班投票');
    const sessionPath = new URL(trainer.url()).pathname.replace('/trainer', '');
    const pa = await phone(browser, ua, code);
    await pa.goto('/live');
    await pa.getByTestId('open-sessions').getByRole('link').click();
    await expect(pa).toHaveURL(new RegExp(`${sessionPath}$`));

    const pb = await (await browser.newContext({ viewport: { width: 360, height: 740 } })).newPage();
    await loginAs(pb, ub);
    await pb.goto('/live');
    await pb.screenshot({ path: `${SHOTS}/live-list-360.png`, fullPage: true });
    await pb.getByTestId('open-sessions').getByRole('button', { name: /^进入/ }).click();
    await expect(pb).toHaveURL(new RegExp(`${sessionPath}$`));
    await expect(trainer.getByTestId('participant-count')).toHaveText('2');
  });
});

test.describe('trainer: progress grid, home and branch map', () => {
  test('the grid shows results first with sticky names; every cell opens the drill-down; the home shows certification per cohort', async ({ page }) => {
    await loginAs(page, 'trainer');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/trainer');
    const cert = page.getByTestId('cohort-certification');
    await expect(cert.getByRole('row', { name: /2026年11月新员工/ })).toContainText(/\d+ \/ 3/);
    await expect(cert.getByRole('columnheader', { name: '逾期未认证' })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/trainer-home-1280.png`, fullPage: true });
    await cert.getByRole('link', { name: /2026年11月新员工/ }).click();
    const grid = page.getByTestId('cohort-grid');
    // 考试 / 证书 / 课堂观察 in view at 1280 px without scrolling the grid.
    for (const name of ['考试', '证书', '课堂观察']) {
      const box = (await grid.getByRole('columnheader', { name, exact: true }).boundingBox())!;
      expect(box.x + box.width, name).toBeLessThanOrEqual(1280);
    }
    // Full scenario names in the header.
    await expect(grid.getByRole('columnheader', { name: '停水通知看不懂，独居老人来电' })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/cohort-grid-1280.png`, fullPage: true });
    // The name column stays put when the grid scrolls sideways.
    const wrap = page.locator('.grid-wrap');
    const nameCell = grid.getByRole('rowheader').first();
    const before = (await nameCell.boundingBox())!.x;
    await wrap.evaluate((e) => (e.scrollLeft = 600));
    expect(Math.abs((await nameCell.boundingBox())!.x - before)).toBeLessThan(1);
    await wrap.evaluate((e) => (e.scrollLeft = 0));
    const examCell = grid.getByRole('link', { name: /王小明 考试/ });
    await examCell.click();
    await expect(page).toHaveURL(/\/trainees\/[\w-]+#exam$/);
    await expect(page.locator('#exam')).toBeVisible();

    await page.setViewportSize({ width: 360, height: 740 });
    await page.goBack();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${SHOTS}/cohort-grid-360.png`, fullPage: true });
  });

  test('the branch map reads in Chinese: titles from the lines, conditions and flags in words, ids in tooltips', async ({ page }) => {
    await loginAs(page, 'trainer');
    await page.goto('/scenarios/ceiling-leak/map');
    const details = page.locator('.node-details');
    await expect(details).toContainText('未道歉时');
    await expect(details).toContainText('记为 已道歉');
    await expect(details).not.toContainText('notFlag');
    await expect(details).not.toContainText('apologised');
    await expect(page.locator('svg.branch-map text.id')).toHaveText(Array(Object.keys(scenarios.get('ceiling-leak')!.def.endings).length).fill('结局'));
    await expect(page.locator(`svg.branch-map g[data-node="${scenarios.get('ceiling-leak')!.def.start}"] title`)).toContainText(`（${scenarios.get('ceiling-leak')!.def.start}）`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SHOTS}/map-1280.png`, fullPage: false });
  });
});
