import { expect, type Browser, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo1234';

export async function login(page: Page, username: string, password = DEMO_PASSWORD) {
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
 * A brand-new trainee created through the admin form, so tests that change a
 * trainee's records never depend on each other. Password: DEMO_PASSWORD.
 */
export async function newTrainee(browser: Browser, displayName = '测试学员'): Promise<string> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await loginAs(page, 'admin');
  const username = `e2e.${Date.now().toString(36)}.${counter++}`;
  const res = await page.request.post('/admin/users/new', {
    form: { username, displayName, role: 'trainee', department: '客服部', site: '阳光花园', password: DEMO_PASSWORD },
    headers: { Origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(303);
  await ctx.close();
  return username;
}
