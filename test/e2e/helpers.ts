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
 * its owner must, to replace the admin's password with their own on the
 * change page; tests that change a person's records never depend on each
 * other. Sign in with login()/loginAs(), which know the password.
 */
export async function newUser(browser: Browser, fields: { username?: string; displayName: string; role: string; department?: string; site?: string }): Promise<string> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await loginAs(page, 'admin');
  const username = fields.username ?? `e2e.${Date.now().toString(36)}.${counter++}`;
  const res = await page.request.post('/admin/users/new', {
    form: { department: '客服部', site: '阳光花园', ...fields, username, password: GIVEN_PASSWORD },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
  await ctx.close();

  const first = await browser.newContext();
  const own = await first.newPage();
  await login(own, username, GIVEN_PASSWORD);
  await expect(own).toHaveURL(/\/account\/password/);
  await own.getByLabel('当前密码').fill(GIVEN_PASSWORD);
  await own.getByLabel('新密码', { exact: true }).fill(OWN_PASSWORD);
  await own.getByLabel('确认新密码').fill(OWN_PASSWORD);
  await own.getByRole('button', { name: '修改密码' }).click();
  await expect(own).not.toHaveURL(/\/account\/password/);
  await first.close();
  passwords.set(username, OWN_PASSWORD);
  return username;
}

/** A brand-new trainee (see newUser). */
export const newTrainee = (browser: Browser, displayName = '测试学员') => newUser(browser, { displayName, role: 'trainee' });
