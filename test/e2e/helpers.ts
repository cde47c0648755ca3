import { expect, type Browser, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo1234';
/** What the admin gives every account a test creates, and what its owner replaces it with at the first sign-in. */
const GIVEN_PASSWORD = 'Chushi-mima-7Q';
const OWN_PASSWORD = 'Wode-xin-mima-3K';
/** Accounts made by newUser in this worker, by username: their own password. */
const passwords = new Map<string, string>();

export async function login(page: Page, username: string, password = passwords.get(username) ?? DEMO_PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

export async function loginAs(page: Page, username: string) {
  await login(page, username);
  await expect(page).not.toHaveURL(/\/login/);
}

let counter = 0;
/**
 * A brand-new account created through the admin form and signed in once, as
 * its owner must, to replace the admin's password with their own (through
 * the forms, without rendering pages: foundation.spec.ts walks that page as a
 * person); tests that change a person's records never depend on each other.
 * Sign in with login()/loginAs(), which know the password.
 */
export async function newUser(browser: Browser, fields: { username?: string; displayName: string; role: string; department?: string; site?: string }): Promise<string> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await loginAs(page, 'admin');
  const origin = new URL(page.url()).origin;
  const username = fields.username ?? `e2e.${Date.now().toString(36)}.${counter++}`;
  const res = await page.request.post('/admin/users/new', {
    form: { department: '客服部', site: '阳光花园', ...fields, username, password: GIVEN_PASSWORD },
    headers: { Origin: origin },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
  await ctx.close();

  const first = await browser.newContext();
  const post = (url: string, form: Record<string, string>) => first.request.post(url, { form, headers: { Origin: origin }, maxRedirects: 0 });
  expect((await post('/login', { username, password: GIVEN_PASSWORD })).status()).toBe(303);
  const changed = await post('/account/password', { current: GIVEN_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD });
  expect(changed.status()).toBe(303);
  await first.close();
  passwords.set(username, OWN_PASSWORD);
  return username;
}

/** A brand-new trainee (see newUser). */
export const newTrainee = (browser: Browser, displayName = '测试学员') => newUser(browser, { displayName, role: 'trainee' });
