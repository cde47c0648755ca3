// Page weight and load on a throttled phone, measured in Chromium.
// Weight: HTML, JS and CSS bytes (raw and gzip) and request count per page.
// Phone: 4× CPU slowdown and slow 4G (150 ms latency, ~1.6 Mbps down) through
// the DevTools protocol; first and largest contentful paint, and for islands the
// time until the first choice (or answer) can be clicked.
import { chromium, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer, login, table } from './lib';
import { DEMO_PASSWORD } from '../../src/people/demo';

interface PageSpec {
  name: string;
  user?: string;
  path: (ctx: { examId?: string }) => string;
  /** For islands: a selector that is clickable once hydrated. */
  interactive?: string;
}

const PAGES: PageSpec[] = [
  { name: 'login', path: () => '/login' },
  { name: 'trainee home', user: 'li.xiaoting', path: () => '/learn' },
  { name: 'module (ch. 3)', user: 'trainee', path: () => '/modules/3' },
  { name: 'scenario player', user: 'trainee', path: () => '/scenarios/ceiling-leak', interactive: 'astro-island:not([ssr]) button[data-choice]' },
  { name: 'exam', user: 'zhao.min', path: ({ examId }) => `/exam/${examId}`, interactive: 'astro-island:not([ssr]) input[type=radio], astro-island:not([ssr]) input[type=checkbox]' },
  { name: 'trainer cohort', user: 'trainer', path: () => '/trainer/cohorts' },
  { name: 'HR dashboard', user: 'hr', path: () => '/hr' },
];

async function weigh(page: Page, url: string) {
  const seen: Array<{ type: string; bytes: number; gzip: number }> = [];
  const onResponse = async (res: import('@playwright/test').Response) => {
    try {
      const body = await res.body();
      const t = res.request().resourceType();
      seen.push({ type: t === 'document' ? 'html' : t === 'script' ? 'js' : t === 'stylesheet' ? 'css' : 'other', bytes: body.length, gzip: gzipSync(body).length });
    } catch {
      /* redirects have no body */
    }
  };
  page.on('response', onResponse);
  await page.goto(url, { waitUntil: 'networkidle' });
  page.off('response', onResponse);
  const sum = (type: string, k: 'bytes' | 'gzip') => seen.filter((s) => s.type === type).reduce((n, s) => n + s[k], 0);
  return {
    requests: seen.length,
    html: { raw: sum('html', 'bytes'), gzip: sum('html', 'gzip') },
    js: { raw: sum('js', 'bytes'), gzip: sum('js', 'gzip') },
    css: { raw: sum('css', 'bytes'), gzip: sum('css', 'gzip') },
    totalGzip: seen.reduce((n, s) => n + s.gzip, 0),
  };
}

async function phoneLoad(page: Page, url: string, interactive?: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number; __fcp: number };
    w.__lcp = NaN;
    w.__fcp = NaN;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__lcp = e.startTime;
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.name === 'first-contentful-paint') w.__fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
  });
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  let clickable: number | undefined;
  if (interactive) {
    await page.locator(interactive).first().waitFor({ state: 'visible', timeout: 30_000 });
    clickable = Date.now() - t0;
  }
  await page.waitForLoadState('load');
  await page.waitForTimeout(300);
  // LCP is final once the user interacts; a click on the page body settles it.
  await page.mouse.click(1, 1);
  const m = await page.evaluate(() => ({
    fcp: (window as unknown as { __fcp: number }).__fcp,
    lcp: (window as unknown as { __lcp: number }).__lcp,
  }));
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  return { ...m, clickable };
}

export async function runPagesBench() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-pages-'));
  const server = await startServer(dataDir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    // An exam attempt to look at: the trainer waives zhao.min's prerequisites.
    const trainer = await login(server.base, 'trainer', DEMO_PASSWORD);
    const zhaoCookie = await login(server.base, 'zhao.min', DEMO_PASSWORD);
    const cohorts = await (await fetch(`${server.base}/trainer/cohorts`, { headers: { cookie: trainer } })).text();
    const cohortId = /\/trainer\/cohorts\/([\w-]+)"/.exec(cohorts)![1]!;
    const grid = await (await fetch(`${server.base}/trainer/cohorts/${cohortId}`, { headers: { cookie: trainer } })).text();
    void grid;
    const waivers = await (await fetch(`${server.base}/trainer/waivers`, { headers: { cookie: trainer } })).text();
    const zhaoId = /name="userId" value="([\w-]+)"[\s\S]*?/.exec(waivers.slice(waivers.indexOf('赵敏')))![1]!;
    await fetch(`${server.base}/trainer/waivers`, { method: 'POST', headers: { cookie: trainer, Origin: server.base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ userId: zhaoId, reason: 'bench' }) });
    const started = await fetch(`${server.base}/exam`, { method: 'POST', redirect: 'manual', headers: { cookie: zhaoCookie, Origin: server.base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
    const examId = started.headers.get('location')?.split('/').pop();

    const rows: Array<Record<string, unknown>> = [];
    for (const spec of PAGES) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      if (spec.user) {
        const cookie = await login(server.base, spec.user, DEMO_PASSWORD);
        const [k, v] = cookie.split('=');
        await ctx.addCookies([{ name: k!, value: v!, url: server.base }]);
      }
      const url = server.base + spec.path({ examId });
      const weight = await weigh(await ctx.newPage(), url);
      const phone = await phoneLoad(await ctx.newPage(), url, spec.interactive);
      rows.push({ page: spec.name, ...weight, ...phone });
      await ctx.close();
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)}`;
    const s = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${(x / 1000).toFixed(2)} s`);
    table('Page weight (KB raw / gzip) and load on a phone (4× CPU slowdown, 150 ms latency, 1.6 Mbps)', ['page', 'requests', 'HTML', 'JS', 'CSS', 'total gzip', 'FCP', 'LCP', 'first click'], rows.map((r: any) => [r.page, r.requests, `${kb(r.html.raw)} / ${kb(r.html.gzip)}`, `${kb(r.js.raw)} / ${kb(r.js.gzip)}`, `${kb(r.css.raw)} / ${kb(r.css.gzip)}`, kb(r.totalGzip), s(r.fcp), s(r.lcp), s(r.clickable)]));
    return rows;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('pages.ts')) runPagesBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
