// Developer aid: starts a practice play of a scenario, takes the dealt choices
// at the given positions (1 = the first button shown) and screenshots the page. Usage:
// node scripts/dev/play-shot.mjs base user scenario out.png width 1 3 2 …
import { chromium } from '@playwright/test';
import { existsSync } from 'node:fs';
const [base, user, scenario, out, width, ...choices] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined, args: ['--no-sandbox', '--disable-gpu'] });
const page = await (await browser.newContext({ viewport: { width: Number(width), height: 900 }, locale: 'zh-CN' })).newPage();
await page.goto(`${base}/login`);
await page.fill('#username', user);
await page.fill('#password', 'demo1234');
await page.click('button[type=submit]');
await page.waitForLoadState('networkidle');
await page.goto(`${base}/scenarios/${scenario}`);
await page.getByRole('button', { name: '开始练习' }).click();
for (const n of choices) {
  await page.locator('form.choices .choice-button').nth(Number(n) - 1).click();
  await page.waitForLoadState('networkidle');
}
await page.waitForTimeout(500);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
