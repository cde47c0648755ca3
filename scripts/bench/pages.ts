// Page weight and load on a throttled phone, measured in Chromium.
// Weight: HTML, JS and CSS bytes as really sent (the body's transfer size, so
// brotli or gzip as the server chose) and decoded ("raw"), and request count per page.
// Phone: 4× CPU slowdown and slow 4G (150 ms latency, ~1.6 Mbps down) through
// the DevTools protocol, repeated REPEATS times per page (min / median / max):
// first and largest contentful paint, and for islands the time until the first
// choice (or answer) can be clicked. The scenario player is measured with an
// open play (started through the API before each load), with JavaScript on
// (hydrated island) and off (the server-rendered form buttons), beside the H5P
// reference of issue #8.
import { chromium, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, login, table, spread } from './lib';
import { DEMO_PASSWORD } from '../../src/people/demo';

const REPEATS = Number(process.env.BENCH_PAGE_REPEATS ?? 3);

/** The H5P branching-scenario reference of issue #8 (docs/PERFORMANCE.md), measured the same way. */
const H5P = { firstClickMs: 4700, totalKb: 490, requests: 22 };

interface PageSpec {
  name: string;
  user?: string;
  path: (ctx: { examId?: string }) => string;
  /** For islands: a selector that is clickable once hydrated (or, JS off, once shown). */
  interactive?: string;
  /** Load with JavaScript disabled. */
  noJs?: boolean;
  /** A practice play of this scenario is started for the user (through the API) before each load. */
  openPlay?: string;
  /** Compared with the H5P reference. */
  player?: boolean;
}

const PAGES: PageSpec[] = [
  { name: 'login', path: () => '/login' },
  { name: 'trainee home', user: 'li.xiaoting', path: () => '/learn' },
  { name: 'module (ch. 3)', user: 'trainee', path: () => '/modules/3' },
  // With JS on, a choice can be used twice over: at once as the real form button it is (a tap posts the form),
  // and once the island has hydrated (a tap is sent without a reload). Both moments are measured.
  { name: 'scenario player (JS on, form usable)', user: 'trainee', path: () => '/scenarios/ceiling-leak', openPlay: 'ceiling-leak', player: true, interactive: 'form.choices .choice-button' },
  { name: 'scenario player (JS on, hydrated)', user: 'trainee', path: () => '/scenarios/ceiling-leak', openPlay: 'ceiling-leak', player: true, interactive: 'astro-island:not([ssr]) .choice-button' },
  { name: 'scenario player (JS off)', user: 'trainee', path: () => '/scenarios/ceiling-leak', openPlay: 'ceiling-leak', player: true, noJs: true, interactive: 'form.choices .choice-button' },
  { name: 'exam', user: 'zhao.min', path: ({ examId }) => `/exam/${examId}`, interactive: 'astro-island:not([ssr]) input[type=radio], astro-island:not([ssr]) input[type=checkbox]' },
  { name: 'trainer cohort', user: 'trainer', path: () => '/trainer/cohorts' },
  { name: 'HR dashboard', user: 'hr', path: () => '/hr' },
];

/**
 * Every response of one page load: the body as sent (Playwright's
 * responseBodySize, the encoded transfer size) and decoded ("raw").
 */
async function weigh(page: Page, url: string) {
  const pending: Array<Promise<{ type: string; raw: number; sent: number; encoding: string } | undefined>> = [];
  const onResponse = (res: import('@playwright/test').Response) => {
    pending.push(
      (async () => {
        try {
          const body = await res.body();
          const sizes = await res.request().sizes();
          const t = res.request().resourceType();
          const type = t === 'document' ? 'html' : t === 'script' ? 'js' : t === 'stylesheet' ? 'css' : 'other';
          return { type, raw: body.length, sent: sizes.responseBodySize, encoding: (await res.headerValue('content-encoding')) ?? 'identity' };
        } catch {
          return undefined; /* redirects have no body */
        }
      })(),
    );
  };
  page.on('response', onResponse);
  await page.goto(url, { waitUntil: 'networkidle' });
  page.off('response', onResponse);
  const seen = (await Promise.all(pending)).filter((x) => x !== undefined);
  const sum = (type: string, k: 'raw' | 'sent') => seen.filter((s) => s.type === type).reduce((n, s) => n + s[k], 0);
  const enc = (type: string) => [...new Set(seen.filter((s) => s.type === type).map((s) => s.encoding))].join('+') || '—';
  return {
    requests: seen.length,
    html: { raw: sum('html', 'raw'), sent: sum('html', 'sent'), encoding: enc('html') },
    js: { raw: sum('js', 'raw'), sent: sum('js', 'sent'), encoding: enc('js') },
    css: { raw: sum('css', 'raw'), sent: sum('css', 'sent'), encoding: enc('css') },
    totalSent: seen.reduce((n, s) => n + s.sent, 0),
    totalRaw: seen.reduce((n, s) => n + s.raw, 0),
  };
}

/**
 * One load on a throttled phone. FCP from the page's paint entries, LCP from the
 * DevTools performance timeline (both work with JavaScript disabled, where no
 * PerformanceObserver callback runs); `clickable` when `interactive` is visible.
 */
async function phoneLoad(page: Page, url: string, interactive?: string) {
  const cdp = await page.context().newCDPSession(page);
  const lcps: Array<{ frameId: string; time: number; lcpDetails?: { renderTime: number; loadTime: number } }> = [];
  cdp.on('PerformanceTimeline.timelineEventAdded', (e) => lcps.push(e.event as (typeof lcps)[number]));
  await cdp.send('PerformanceTimeline.enable', { eventTypes: ['largest-contentful-paint'] });
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
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
    origin: performance.timeOrigin,
    fcp: performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? NaN,
  }));
  const mainFrame = (await cdp.send('Page.getFrameTree')).frameTree.frame.id;
  const last = lcps.filter((e) => e.frameId === mainFrame).at(-1);
  const lcp = last ? ((last.lcpDetails?.renderTime || last.lcpDetails?.loadTime || last.time) * 1000 - m.origin) : NaN;
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.detach();
  return { fcp: m.fcp, lcp, clickable };
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

    // A fresh practice play before each load, so every load shows the same thing: an open play at its first choice.
    const startPlay = async (cookie: string, scenarioId: string) => {
      const r = await fetch(`${server.base}/api/scenarios/${scenarioId}/plays`, { method: 'POST', headers: { cookie, Origin: server.base, 'Content-Type': 'application/json' }, body: JSON.stringify({ mode: 'practice' }) });
      if (r.status !== 201) throw new Error(`starting a play of ${scenarioId}: ${r.status}`);
    };

    const rows: Array<Record<string, unknown>> = [];
    for (const spec of PAGES) {
      const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', javaScriptEnabled: !spec.noJs });
      let cookie: string | undefined;
      if (spec.user) {
        cookie = await login(server.base, spec.user, DEMO_PASSWORD);
        const [k, v] = cookie.split('=');
        await ctx.addCookies([{ name: k!, value: v!, url: server.base }]);
      }
      const prepare = async () => {
        if (spec.openPlay) await startPlay(cookie!, spec.openPlay);
      };
      const url = server.base + spec.path({ examId });
      await prepare();
      const weighPage = await ctx.newPage();
      const weight = await weigh(weighPage, url);
      await weighPage.close();
      const loads = [];
      for (let i = 0; i < REPEATS; i++) {
        await prepare();
        const page = await ctx.newPage();
        loads.push(await phoneLoad(page, url, spec.interactive));
        await page.close();
      }
      rows.push({
        page: spec.name,
        javaScript: !spec.noJs,
        ...weight,
        fcp: spread(loads.map((l) => l.fcp)),
        lcp: spread(loads.map((l) => l.lcp)),
        firstClick: spread(loads.map((l) => l.clickable)),
        player: spec.player ?? false,
      });
      await ctx.close();
    }
    const kb = (n: number) => `${(n / 1024).toFixed(1)}`;
    const s = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : `${(x / 1000).toFixed(2)} s`);
    const mmm = (x: { min: number; median: number; max: number } | undefined) => (x ? `${s(x.min)} / ${s(x.median)} / ${s(x.max)}` : '—');
    const vsH5p = (r: any) =>
      r.player && r.firstClick ? `${(H5P.firstClickMs / r.firstClick.median).toFixed(1)}× faster, ${((H5P.totalKb * 1024) / r.totalSent).toFixed(1)}× lighter, ${r.requests} vs ${H5P.requests} req.` : '';
    table(
      `Page weight (KB decoded / as sent: HTML brotli, JS and CSS gzip) and load on a phone (4× CPU slowdown, 150 ms latency, 1.6 Mbps), ${REPEATS} loads per page (min / median / max)`,
      ['page', 'requests', 'HTML raw / sent', 'JS raw / sent', 'CSS raw / sent', 'total sent', 'FCP min / med / max', 'LCP min / med / max', 'first click min / med / max', 'vs H5P (median)'],
      [
        ...rows.map((r: any) => [r.page, r.requests, `${kb(r.html.raw)} / ${kb(r.html.sent)}`, `${kb(r.js.raw)} / ${kb(r.js.sent)}`, `${kb(r.css.raw)} / ${kb(r.css.sent)}`, kb(r.totalSent), mmm(r.fcp), mmm(r.lcp), mmm(r.firstClick), vsH5p(r)]),
        ['H5P reference (issue #8)', H5P.requests, '', '', '', `~${H5P.totalKb}`, '', '', s(H5P.firstClickMs), 'reference'],
      ],
    );
    console.log('Encodings as sent: ' + rows.map((r: any) => `${r.page}: HTML ${r.html.encoding}, JS ${r.js.encoding}, CSS ${r.css.encoding}`).join('; '));
    return rows;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('pages.ts')) runPagesBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
