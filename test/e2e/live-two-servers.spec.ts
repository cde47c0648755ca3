// Two app servers on one PostgreSQL database (Playwright project `two-servers`,
// scripts/e2e-pg-servers.ts): the trainer and projector on server A, the
// trainees' phones on server B. Votes made on B appear on A's projector, A's
// reveal and advance reach B's phones, and an account made on A signs in on B.
import { test, expect } from '@playwright/test';
import { newTrainee } from './helpers';
import { trainerWithCohort, startSession, phone, leak } from './live-helpers';

const B = `http://127.0.0.1:${process.env.E2E_PG_PORT_B ?? Number(process.env.E2E_PORT ?? 4391) + 2}`;
const firstNode = leak.def.nodes[leak.def.start]!;

test('class vote across two servers: phones on B, projector on A', async ({ browser }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36).slice(-4);
  const [a, b] = [`东${suffix}`, `西${suffix}`];
  const ua = await newTrainee(browser, a);
  const ub = await newTrainee(browser, b);
  const { trainer } = await trainerWithCohort(browser, [a, b]);
  expect(new URL(trainer.url()).origin).not.toBe(B);
  const code = await startSession(trainer, '全班投票');
  const projector = await trainer.context().newPage();
  await projector.goto(trainer.url() + '/projector');
  await expect(projector.locator('.join-code')).toHaveText(code);

  const pa = await phone(browser, ua, code, B);
  const pb = await phone(browser, ub, code, B);
  expect(new URL(pa.url()).origin).toBe(B);
  await expect(projector.getByTestId('participant-count')).toHaveText('2');

  await trainer.getByRole('button', { name: '开始演练' }).click();
  await expect(pa.getByTestId('phone-line')).toHaveText(firstNode.line!);
  const good = leak.analysis.bestChoiceAt[leak.def.start]!;
  const other = firstNode.choices!.find((c) => c.id !== good)!.id;
  await pa.locator(`button[data-choice="${good}"]`).click();
  await expect(projector.getByTestId(`count-${good}`)).toHaveText('1 票');
  await pb.locator(`button[data-choice="${other}"]`).click();
  await expect(projector.getByTestId(`count-${other}`)).toHaveText('1 票');
  // B changes their mind on server B; A's projector follows.
  await pb.locator(`button[data-choice="${good}"]`).click();
  await expect(projector.getByTestId(`count-${good}`)).toHaveText('2 票');
  await expect(projector.getByTestId('voted')).toHaveText('2');

  await trainer.getByRole('button', { name: '揭晓投票与点评' }).click();
  await expect(pb.getByText(firstNode.choices!.find((c) => c.id === good)!.feedback)).toBeVisible();
  await trainer.getByRole('button', { name: '按全班选择推进' }).click();
  const next = leak.def.nodes[firstNode.choices!.find((c) => c.id === good)!.next]!;
  await expect(pa.getByTestId('phone-line')).toHaveText(next.line!);
  await expect(pb.getByTestId('phone-line')).toHaveText(next.line!);
  // A phone that drops and comes back, on the other server this time, sees the current node.
  const url = new URL(pb.url());
  await pb.goto(trainer.url().replace(/\/trainer\/live\/.*$/, url.pathname));
  await expect(pb.getByTestId('phone-line')).toHaveText(next.line!);
});
