import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { loginAs, newTrainee } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios, type CompiledScenario } from '../../src/scenarios';
import { enumeratePaths } from '../../src/scenarios/analyse';

const library = loadScenarios(readContent(process.cwd()).scenarios);
const leak = library.get('ceiling-leak')!;
const choiceOf = (s: CompiledScenario, id: string) => Object.values(s.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)!;
const choiceText = (id: string, s = leak) => choiceOf(s, id).text;

/** Every text of a scenario that must not be in a page before it is earned: feedback, points, ending debriefs and model answers. */
function secretsOf(s: CompiledScenario) {
  const dealt = new Set(Object.values(s.def.nodes).flatMap((n) => [n.line, ...(n.choices ?? []).map((c) => c.text)]));
  const out: string[] = [];
  for (const n of Object.values(s.def.nodes)) for (const c of n.choices ?? []) out.push(c.feedback, c.point, ...(c.adjust ?? []).flatMap((a) => (a.feedback ? [a.feedback] : [])));
  for (const e of Object.values(s.def.endings)) out.push(e.debrief, e.modelAnswer);
  return out.filter((x) => !dealt.has(x));
}

async function start(page: Page, mode: '练习' | '考核') {
  await page.getByRole('button', { name: `开始${mode}` }).click();
  await expect(page.locator('.choices .choice-button').first()).toBeVisible();
}
const choose = (page: Page, id: string, s = leak) => page.getByRole('button', { name: choiceText(id, s), exact: true }).click();

/** The API as the page's script uses it; `origin` passes the CSRF check. */
const api = (req: APIRequestContext, origin: string) => ({
  start: (scenario: string, mode: string) => req.post(`/api/scenarios/${scenario}/plays`, { data: { mode }, headers: { Origin: origin } }),
  step: (play: string, data: unknown) => req.post(`/api/plays/${play}/steps`, { data, headers: { Origin: origin } }),
});

test.describe('role-play dealt by the server', () => {
  test('a trainee plays 楼上漏水 to the resolved ending on a phone and sees the debrief and the record at once', async ({ page, browser }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios');
    // The role-play the certificate asks for by name is marked so on the list.
    await expect(page.locator('[data-scenario="ceiling-leak"]').getByTestId('required')).toHaveText('认证必需');
    await page.getByRole('link', { name: /楼上漏水/ }).click();
    await expect(page.getByTestId('history')).toHaveCount(0);
    await start(page, '练习');
    await expect(page.getByText('我都报修三次了')).toBeVisible();
    await expect(page.getByText('还没有练习记录')).toBeVisible();
    // A mark on this document: a reload or a navigation would wipe it.
    await page.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true));
    for (const id of leak.analysis.bestPath.choices) {
      await expect(page.getByRole('button', { name: choiceText(id), exact: true })).toBeVisible();
      await choose(page, id);
    }
    const bars = page.getByTestId('score-bars');
    await expect(bars.locator('li')).toHaveCount(3);
    await expect(bars).toContainText('情绪管理');
    await expect(bars).toContainText('同理心表达');
    await expect(bars).toContainText('解决导向');
    await expect(bars).toContainText('通过');
    await expect(page.getByTestId('mood-chart').locator('svg circle')).toHaveCount(leak.analysis.bestPath.choices.length + 1);
    // The record is there without a reload.
    await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('history')).toContainText('圆满解决');
    await expect(page.getByTestId('history')).toContainText('练习模式');
    await expect(page.getByText('还没有练习记录')).toHaveCount(0);
    await expect(page.getByTestId('best-score')).toHaveText(String(leak.analysis.bestPath.scores.overall));
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    await expect(page).toHaveURL(/\?attempt=[^#]+#past-attempt$/);
    await expect(page.locator('#past-heading')).toBeFocused();
    // A phone shows the record table inside the page: it scrolls in its own region, by keyboard too.
    for (const reloaded of [false, true]) {
      if (reloaded) await page.reload();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    }
    const records = page.getByRole('region', { name: '我的练习记录（可左右滚动）' });
    await records.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => records.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    // A practice pass is no step towards the certificate.
    await page.goto('/learn');
    await expect(page.getByText(/考核通过 0 \/ \d+ 个认证情景/)).toBeVisible();
  });

  test('on a phone, the table of a chapter scrolls inside a named region and the page is no wider than the screen', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await loginAs(page, 'trainee');
    await page.goto('/modules/5');
    const table = page.getByRole('region', { name: /维修时效标准.*可左右滚动/ });
    await expect(table.locator('table')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await expect(table).toHaveAttribute('tabindex', '0');
  });

  test('practice: a bad choice moves the mood meter up and shows its feedback at once', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    await start(page, '练习');
    const meter = page.getByRole('meter', { name: '业主情绪' });
    await expect(meter).toHaveAttribute('aria-valuenow', String(leak.def.startMood));
    await choose(page, 'blame-upstairs');
    await expect(meter).toHaveAttribute('aria-valuenow', String(leak.def.startMood + 10));
    await expect(page.getByText('演练要点“解决导向”要求聚焦问题解决')).toBeVisible();
    // Focus follows the conversation to the owner's next line.
    await expect(page.locator('.turn.current')).toBeFocused();
  });

  test('assessment: no feedback and no mood number until the end; a reload resumes where the play stands', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    await start(page, '考核');
    await expect(page.getByRole('meter')).toHaveCount(0);
    await expect(page.getByRole('timer')).toContainText('剩余时间');
    const [first, second] = leak.analysis.bestPath.choices;
    await choose(page, first!);
    await choose(page, second!);
    await expect(page.locator('.chat .bubble.me')).toHaveCount(2);
    await expect(page.locator('.feedback-note')).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: '已恢复' })).toBeVisible();
    await expect(page.locator('.chat .bubble.me').nth(1)).toContainText(choiceText(second!));
    for (const id of leak.analysis.bestPath.choices.slice(2)) await choose(page, id);
    await expect(page.getByTestId('score-bars')).toContainText('通过');
    await expect(page.getByText('更好的做法')).toHaveCount(0); // the best path: nothing better to show
    await expect(page.getByTestId('history')).toContainText('考核模式');
    await page.goto('/learn');
    await expect(page.getByText(/考核通过 1 \/ \d+ 个认证情景/)).toBeVisible();
  });

  test('with JavaScript off, a whole role-play is played with plain form buttons', async ({ browser }) => {
    const username = await newTrainee(browser);
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await loginAs(page, username);
    await page.goto('/scenarios/ceiling-leak');
    await start(page, '考核');
    const last = leak.analysis.bestPath.choices.at(-1)!;
    for (const id of leak.analysis.bestPath.choices.slice(0, -1)) await choose(page, id);
    // What the last button sends, to send it once more afterwards (a double tap, a resent form).
    const resend = {
      action: 'choose',
      play: (await page.locator('form.choices input[name="play"]').getAttribute('value'))!,
      at: (await page.locator('form.choices input[name="at"]').getAttribute('value'))!,
      token: (await page.getByRole('button', { name: choiceText(last), exact: true }).getAttribute('value'))!,
    };
    await choose(page, last);
    await expect(page).toHaveURL(/attempt=/);
    await expect(page.getByTestId('score-bars')).toContainText('通过');
    await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
    const again = await page.request.post('/scenarios/ceiling-leak', { form: resend, headers: { Origin: new URL(page.url()).origin }, maxRedirects: 0 });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('这次演练已经结束');
    await page.reload();
    await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(1);
    await ctx.close();
  });

  test('the page source of every role-play holds only what has been dealt, in both modes', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    const origin = new URL(page.url()).origin;
    const { start: begin, step } = api(page.request, origin);
    for (const s of library.list) {
      // What the page shows anyway (brief, the sections it practises): a secret quoting that is no secret.
      const before = await (await page.request.get(`/scenarios/${s.def.id}`)).text();
      if (s.def.assessmentOnly) {
        // Never dealt in practice: the server refuses, whatever the page shows.
        const refused = await begin(s.def.id, 'practice');
        expect(refused.status(), `${s.def.id} is assessment-only`).toBe(403);
        expect((await refused.json()).code).toBe('assessmentOnly');
        expect(before).toContain('考核专用');
        expect(before).not.toContain('开始练习');
      }
      for (const mode of s.def.assessmentOnly ? ['assessment'] : ['practice', 'assessment']) {
        const started = await begin(s.def.id, mode);
        expect(started.status()).toBe(201);
        const { view } = await started.json();
        // One step in, so a dealt turn is in the page too.
        const first = view.prompt.choices[0];
        expect((await step(view.playId, { token: first.token, at: 0 })).status()).toBe(200);
        const html = await (await page.request.get(`/scenarios/${s.def.id}`)).text();
        const taken = Object.values(s.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.text === first.text)!;
        // In practice mode the feedback of the choice just made has been earned (and may quote another's point).
        const earned = mode === 'practice' ? [taken.feedback, taken.point, ...(taken.adjust ?? []).flatMap((a) => (a.feedback ? [a.feedback] : []))] : [];
        for (const secret of secretsOf(s)) {
          if (earned.some((e) => e.includes(secret)) || before.includes(secret)) continue;
          expect(html.includes(secret), `${s.def.id} (${mode}) shows "${secret.slice(0, 24)}…"`).toBe(false);
        }
        expect(html).not.toMatch(/bestChoiceAt|bestPath|"effects"|modelAnswer/);
        for (const n of Object.values(s.def.nodes)) for (const c of n.choices ?? []) expect(html).not.toContain(`"${c.id}"`);
      }
    }
  });

  // The real token with its last character changed (to another character: appending a fixed 'x' left a token ending in 'x' unchanged, one run in 64).
  const tampered = (token: string) => token.slice(0, -1) + (token.endsWith('x') ? 'y' : 'x');

  test('a scripted client that never loads the page cannot earn certification credit', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    const origin = new URL(page.url()).origin;
    const { start: begin, step } = api(page.request, origin);
    // The old whole-path submission is gone, in either mode.
    for (const mode of ['practice', 'assessment']) {
      const r = await page.request.post('/api/scenarios/ceiling-leak/attempts', { data: { scenarioId: 'ceiling-leak', version: leak.def.version, choiceIds: leak.analysis.bestPath.choices, mode }, headers: { Origin: origin } });
      expect(r.status()).toBe(404);
    }
    // Choice ids from the content, guessed tokens and steps out of turn are refused; nothing is recorded.
    const { view } = await (await begin('ceiling-leak', 'assessment')).json();
    for (const token of [leak.analysis.bestPath.choices[0], 'AAAAAAAAAAAA', tampered(view.prompt.choices[0].token)]) {
      expect((await step(view.playId, { token, at: 0, scores: { overall: 100, passed: true } })).status()).toBe(400);
    }
    expect((await step(view.playId, { token: view.prompt.choices[0].token, at: 3 })).status()).toBe(409);
    await page.goto('/exam');
    await expect(page.getByText(`在考核模式下通过情景演练“${leak.def.title}”`)).toBeVisible();
    await page.goto('/scenarios/ceiling-leak');
    await expect(page.getByTestId('history')).toHaveCount(0);
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

  test('a path that makes the owner hang up fails, whatever the client claims', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    await start(page, '考核');
    const lost = enumeratePaths(leak.def).paths.find((p) => p.ending === 'hung-up')!;
    for (const id of lost.choices) await choose(page, id);
    await expect(page.getByTestId('score-bars')).toContainText('未通过');
    await expect(page.getByTestId('history')).toContainText('处理失败');
  });

  test('prying the lift door open fails the play, and the debrief names the rule and where the course says it', async ({ page, browser }) => {
    const lift = library.get('lift-entrapment')!;
    const pry = enumeratePaths(lift.def).paths.find((p) => p.choices.some((c) => choiceOf(lift, c).critical))!;
    const broken = choiceOf(lift, pry.choices.find((c) => choiceOf(lift, c).critical)!).critical!;
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/lift-entrapment');
    await start(page, '考核');
    for (const id of pry.choices) await choose(page, id, lift);
    await expect(page.getByTestId('score-bars')).toContainText('未通过');
    const note = page.getByRole('note');
    await expect(note).toContainText('触犯禁止事项');
    await expect(note).toContainText(broken.rule);
    await expect(note.getByRole('link', { name: new RegExp(broken.heading) })).toHaveAttribute('href', new RegExp(`^/modules/${broken.chapter}#`));
  });
});
