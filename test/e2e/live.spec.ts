import { test, expect, type Browser, type Page } from '@playwright/test';
import { loginAs, login, newTrainee, newUser } from './helpers';
import { trainerWithCohort, startSession, phone, leak } from './live-helpers';

const firstNode = leak.def.nodes[leak.def.start]!;

test.describe('live classroom session', () => {
  // Each flow makes two or three new accounts, and each new account now signs in once to
  // replace the admin's password: on a busy machine that took these past 60 s.
  test.describe.configure({ timeout: 90_000 });

  test('class vote: join by code, live tally on the projector, reveal, advance, reconnect', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const [a, b] = [`甲${suffix}`, `乙${suffix}`];
    const ua = await newTrainee(browser, a);
    const ub = await newTrainee(browser, b);
    const { trainer } = await trainerWithCohort(browser, [a, b]);
    const code = await startSession(trainer, '全班投票');
    const projector = await trainer.context().newPage();
    await projector.goto(trainer.url() + '/projector');
    await expect(projector.locator('.join-code')).toHaveText(code);

    const pa = await phone(browser, ua, code);
    const pb = await phone(browser, ub, code);
    await expect(trainer.getByTestId('participant-count')).toHaveText('2');
    await expect(projector.getByTestId('participant-count')).toHaveText('2');

    // Someone outside the cohort cannot join.
    const outsider = await (await browser.newContext()).newPage();
    await loginAs(outsider, await newTrainee(browser, '局外人'));
    await outsider.goto('/live');
    await outsider.getByLabel('课堂代码').fill(code);
    await outsider.getByRole('button', { name: '加入' }).click();
    await expect(outsider.getByRole('alert')).toHaveText('你不在这个班级，不能加入');

    await trainer.getByRole('button', { name: '开始演练' }).click();
    await expect(pa.getByTestId('phone-line')).toHaveText(firstNode.line!);
    const [good, other] = [leak.analysis.bestChoiceAt[leak.def.start]!, firstNode.choices!.find((c) => c.id !== leak.analysis.bestChoiceAt[leak.def.start])!.id];
    await pa.locator(`button[data-choice="${good}"]`).click();
    await expect(projector.getByTestId(`count-${good}`)).toHaveText('1 票');
    await pb.locator(`button[data-choice="${other}"]`).click();
    await expect(projector.getByTestId(`count-${other}`)).toHaveText('1 票');
    // B changes their mind before the reveal.
    await pb.locator(`button[data-choice="${good}"]`).click();
    await expect(projector.getByTestId(`count-${good}`)).toHaveText('2 票');
    await expect(projector.getByTestId('voted')).toHaveText('2');

    await trainer.getByRole('button', { name: '揭晓投票与点评' }).click();
    await expect(pa.getByText(firstNode.choices!.find((c) => c.id === good)!.feedback)).toBeVisible();
    await trainer.getByRole('button', { name: '按全班选择推进' }).click();
    const next = leak.def.nodes[firstNode.choices!.find((c) => c.id === good)!.next]!;
    await expect(pa.getByTestId('phone-line')).toHaveText(next.line!);

    // A phone that drops and comes back sees the current node.
    await pb.reload();
    await expect(pb.getByTestId('phone-line')).toHaveText(next.line!);

    // A vote from someone not in the session is refused.
    const res = await outsider.request.post(new URL(pa.url()).pathname.replace('/live/', '/api/live/') + '/vote', { data: { choiceId: good }, headers: { Origin: new URL(pa.url()).origin } });
    expect(res.status()).toBe(403);

    trainer.once('dialog', (d) => d.accept());
    await trainer.getByRole('button', { name: '结束演练' }).click();
    await expect(trainer.getByText('本场演练已结束，总结已保存到班级页面。')).toBeVisible();
  });

  test('pair role-play: roles on phones, rubric score lands on the trainee record', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const [a, b] = [`丙${suffix}`, `丁${suffix}`];
    const ua = await newTrainee(browser, a);
    const ub = await newTrainee(browser, b);
    const { trainer, cohortUrl } = await trainerWithCohort(browser, [a, b]);
    const code = await startSession(trainer, '分组演练（两人一组，评分）');
    const pa = await phone(browser, ua, code);
    const pb = await phone(browser, ub, code);
    await expect(trainer.getByTestId('participant-count')).toHaveText('2');
    await trainer.getByRole('button', { name: '自动分组并开始' }).click();

    const roles = await Promise.all([pa, pb].map(async (p) => {
      await expect(p.locator('.role-card h2').first()).toBeVisible();
      return (await p.locator('.role-card h2').first().textContent())!;
    }));
    expect(roles.some((r) => r.includes('你扮演业主'))).toBe(true);
    expect(roles.some((r) => r.includes('你扮演客服'))).toBe(true);
    const ownerPhone = roles[0]!.includes('业主') ? pa : pb;
    await expect(ownerPhone.getByText(firstNode.line!)).toBeVisible();
    const agentName = roles[0]!.includes('客服') ? a : b;

    const form = trainer.getByRole('form', { name: `为${agentName}评分` });
    await form.getByRole('group', { name: /情绪管理/ }).getByText('4', { exact: true }).click();
    await form.getByRole('group', { name: /同理心表达/ }).getByText('5', { exact: true }).click();
    await form.getByRole('group', { name: /解决导向/ }).getByText('3', { exact: true }).click();
    await form.getByLabel('评语（可选）').fill('道歉及时，方案还需要给出具体时间');
    await form.getByRole('button', { name: '提交评分' }).click();
    await expect(form.getByRole('status')).toContainText('已保存');

    trainer.once('dialog', (d) => d.accept());
    await trainer.getByRole('button', { name: '结束演练' }).click();
    await expect(trainer.getByText('本场演练已结束，总结已保存到班级页面。')).toBeVisible();
    await trainer.goto(cohortUrl);
    await expect(trainer.getByTestId('rubric-summary')).toContainText(agentName);
    await trainer.getByRole('link', { name: agentName, exact: true }).click();
    await expect(trainer.getByTestId('observations')).toContainText('道歉及时，方案还需要给出具体时间');
    await expect(trainer.getByTestId('observations')).toContainText('情绪管理 4');
  });

  test('a trainer cannot open another trainer\'s cohort or control their session', async ({ browser }) => {
    const suffix = Date.now().toString(36).slice(-4);
    const name = `戊${suffix}`;
    await newTrainee(browser, name);
    const { trainer, cohortUrl } = await trainerWithCohort(browser, [name]);
    await startSession(trainer, '全班投票');
    const sessionPath = new URL(trainer.url()).pathname;
    // A second trainer account, created by the admin.
    const username = await newUser(browser, { username: `trainer2.${suffix}`, displayName: '另一位培训师', role: 'trainer', department: '培训部', site: '翠湖天地' });
    const other = await (await browser.newContext()).newPage();
    await login(other, username);
    expect((await other.goto(cohortUrl))!.status()).toBe(404);
    expect((await other.goto(sessionPath))!.status()).toBe(404);
    const res = await other.request.post(`/api${sessionPath.replace('/trainer', '')}/control`, { data: { action: 'start' }, headers: { Origin: new URL(other.url()).origin } });
    expect(res.status()).toBe(403);
  });
});
