// Developer aid: screenshots of pages at 360 px and 1280 px. Usage:
// node scripts/dev/screens.mjs http://127.0.0.1:4400 out-dir user:pass /path1 /path2 …
// FULL=1 for full-page shots; SCROLL_TO=selector to start at an element. Warns on horizontal overflow.
import { chromium } from '@playwright/test';
import { mkdirSync, existsSync } from 'node:fs';

const [base, out, cred, ...paths] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
for (const width of [360, 1280]) {
  const ctx = await browser.newContext({ viewport: { width, height: width === 360 ? 740 : 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  if (cred && cred !== '-') {
    const [u, p] = cred.split(':');
    await page.goto(`${base}/login`);
    await page.fill('#username', u);
    await page.fill('#password', p);
    await page.click('button[type=submit]');
    await page.waitForLoadState('networkidle');
  }
  for (const p of paths) {
    await page.goto(base + p);
    // SCROLL_TO=css-selector: screenshot the viewport starting at that element.
    if (process.env.SCROLL_TO) await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), process.env.SCROLL_TO);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) console.warn(`  ! ${p} at ${width}px overflows horizontally by ${overflow}px`);
    const name = `${out}/${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}-${width}.png`;
    await page.screenshot({ path: name, fullPage: process.env.FULL === '1' });
    console.log(name);
  }
  await ctx.close();
}
await browser.close();
