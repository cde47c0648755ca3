// Steps of a live classroom session as people take them (live.spec.ts, live-two-servers.spec.ts).
import { expect, type Browser, type Page } from '@playwright/test';
import { loginAs } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';

export const leak = loadScenarios(readContent(process.cwd()).scenarios).get('ceiling-leak')!;

export async function trainerWithCohort(browser: Browser, names: string[]): Promise<{ trainer: Page; cohortUrl: string }> {
  const trainer = await (await browser.newContext()).newPage();
  await loginAs(trainer, 'trainer');
  await trainer.goto('/trainer/cohorts');
  await trainer.getByLabel('班级名称').fill(`测试班 ${Date.now()}`);
  for (const n of names) await trainer.getByLabel(new RegExp(`^${n} `)).check();
  await trainer.getByRole('button', { name: '创建班级' }).click();
  await expect(trainer).toHaveURL(/\/trainer\/cohorts\/[\w-]+$/);
  return { trainer, cohortUrl: new URL(trainer.url()).pathname };
}

export async function startSession(trainer: Page, mode: '全班投票' | '分组演练（两人一组，评分）'): Promise<string> {
  await trainer.getByLabel('情景', { exact: true }).selectOption({ label: leak.def.title });
  await trainer.getByLabel('方式', { exact: true }).selectOption({ label: mode });
  await trainer.getByRole('button', { name: '开始课堂演练' }).click();
  await expect(trainer).toHaveURL(/\/trainer\/live\//);
  return (await trainer.getByTestId('join-code').textContent())!.trim();
}

/** A trainee's phone that joined the session by its code; `baseURL` picks the app server it talks to. */
export async function phone(browser: Browser, username: string, code: string, baseURL?: string): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width: 360, height: 740 }, ...(baseURL ? { baseURL } : {}) })).newPage();
  await loginAs(p, username);
  await p.goto('/live');
  await p.getByLabel('课堂代码').fill(code);
  await p.getByRole('button', { name: '加入' }).click();
  await expect(p).toHaveURL(/\/live\/[\w-]+$/);
  return p;
}

