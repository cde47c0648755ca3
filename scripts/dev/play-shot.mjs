// Developer aid: plays choices in a scenario and screenshots the player. Usage:
// node scripts/dev/play-shot.mjs base user scenario out.png width choice1 choice2 …
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
for (const c of choices) await page.locator(`button[data-choice="${c}"]`).click();
await page.waitForTimeout(500);
await page.screenshot({ path: out, fullPage: true });
await browser.close();
