// Every page, for each role that may open it: axe-core (WCAG 2 A and AA rules and best practice) at phone
// width, and no page wider than the viewport at 360 px and at 1280 px. The list of pages comes from the route
// table; a test below fails when a page route is neither swept nor excluded with a reason.
import { test, expect, type Browser, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { login, loginAs, newTrainee } from './helpers';
import { leak, startSession } from './live-helpers';
import { readContent } from '../../src/content/read';
import { loadCourse } from '../../src/modules';
import { decide, ROUTE_ACCESS } from '../../src/auth/access';
import type { Role } from '../../src/auth/roles';

const course = loadCourse(readContent(process.cwd()).modules);

/**
 * The impacts that fail a page. Issue 17 asks for no serious or critical violations; the moderate ones the
 * sweep found were real (repeated landmark names, a page without a heading), so every impact fails, as before.
 * To let moderate and minor findings through (they are still printed), leave only 'serious' and 'critical'.
 */
const FAILING = new Set(['critical', 'serious', 'moderate', 'minor']);

async function violations(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const all = r.violations.map((v) => ({ impact: v.impact ?? 'unknown', text: `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 8).join(' | ')}` }));
  for (const v of all.filter((x) => !FAILING.has(x.impact))) console.log(`[a11y] ${page.url()} ${v.text}`);
  return all.filter((x) => FAILING.has(x.impact)).map((x) => x.text);
}

/** The page's width beyond the viewport, with the elements that stick out furthest (to say where to look). */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    const extra = document.documentElement.scrollWidth - vw;
    if (extra <= 0) return null;
    const wide = [...document.body.querySelectorAll('*')]
      .map((e) => ({ e, right: e.getBoundingClientRect().right }))
      .filter((x) => x.right > vw + 0.5)
      .sort((a, b) => b.right - a.right)
      .slice(0, 3)
      .map(({ e, right }) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : ''} → ${Math.round(right)}px`);
    return `${document.documentElement.scrollWidth}px wide in ${vw}px: ${wide.join(', ')}`;
  });
}

/** Astro's route for each page file (.astro) under src/pages: endpoints (.ts) are not pages. */
function pageRoutes(dir = 'src/pages', prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return pageRoutes(full, `${prefix}/${f}`);
    if (!f.endsWith('.astro')) return [];
    const name = f.replace(/\.astro$/, '');
    return [name === 'index' ? prefix || '/' : `${prefix}/${name}`];
  });
}

/** Real ids from the demo organisation (and one live session), found by the first test. */
interface Ids {
  cohort: string;
  cohortTrainee: string;
  person: string;
  user: string;
  certificate: string;
  verifyCode: string;
  examResult: string;
  live: string;
}

type Who = Role | 'anonymous';
/** The trainee swept: certified in the demo data, so the certificate, the exam result and practice records show. */
const TRAINEE = 'li.xiaoting';

/** The concrete paths swept for each page route (several where the content differs, e.g. every chapter for a trainee). */
const SWEPT: Record<string, (ids: Ids, who: Who) => string[]> = {
  '/login': () => ['/login'],
  '/403': () => ['/403'],
  '/404': () => ['/no-such-page'],
  '/account/password': () => ['/account/password'],
  '/learn': () => ['/learn'],
  // Every chapter for a trainee (tables and figures differ); chapter 5 (the widest table) for the staff.
  '/modules/[chapter]': (_, who) => (who === 'trainee' ? course.modules.map((m) => `/modules/${m.chapter}`) : ['/modules/5']),
  '/trainer': () => ['/trainer'],
  '/hr': () => ['/hr'],
  '/admin': () => ['/admin'],
  '/admin/users/new': () => ['/admin/users/new'],
  '/admin/users/[id]': (ids) => [`/admin/users/${ids.user}`],
  '/admin/import': () => ['/admin/import'],
  '/scenarios': () => ['/scenarios'],
  // With a practice record (the swept trainee played it), and one never played.
  '/scenarios/[id]': (_, who) => (who === 'trainee' ? ['/scenarios/ceiling-leak', '/scenarios/neighbour-dispute'] : ['/scenarios/ceiling-leak']),
  '/scenarios/[id]/map': () => ['/scenarios/ceiling-leak/map', '/scenarios/neighbour-dispute/map'],
  '/exam': () => ['/exam'],
  '/exam/[id]': (ids) => [`/exam/${ids.examResult}`],
  '/certificates': () => ['/certificates'],
  '/certificates/[id]': (ids) => [`/certificates/${ids.certificate}`],
  '/verify': () => ['/verify'],
  '/verify/[code]': (ids) => [`/verify/${ids.verifyCode}`],
  '/hr/certificates': () => ['/hr/certificates'],
  '/hr/certificates/print': () => ['/hr/certificates/print'],
  '/hr/people': () => ['/hr/people', '/hr/people?status=overdue'],
  '/hr/people/[id]': (ids) => [`/hr/people/${ids.person}`],
  '/trainer/waivers': () => ['/trainer/waivers'],
  '/admin/audit': () => ['/admin/audit'],
  '/trainer/cohorts': () => ['/trainer/cohorts'],
  '/trainer/cohorts/[id]': (ids) => [`/trainer/cohorts/${ids.cohort}`],
  '/trainer/cohorts/[id]/trainees/[userId]': (ids) => [`/trainer/cohorts/${ids.cohort}/trainees/${ids.cohortTrainee}`],
  '/trainer/live/[id]': (ids) => [`/trainer/live/${ids.live}`],
  '/trainer/live/[id]/projector': (ids) => [`/trainer/live/${ids.live}/projector`],
  '/live': () => ['/live'],
  '/live/[id]': (ids) => [`/live/${ids.live}`],
};

/** Page routes not swept, and why. */
const EXCLUDED: Record<string, string> = {
  '/': 'only redirects (to /login, or to the role’s home, which is swept)',
};

/** A role's pages: every swept route the route table lets it open. Public pages are swept signed out, plus /403 and /404 with each role's header. */
function pagesFor(who: Who, ids: Ids): string[] {
  return Object.entries(SWEPT).flatMap(([route, paths]) => {
    const access = ROUTE_ACCESS[route];
    if (who === 'anonymous') return access === 'public' ? paths(ids, who) : [];
    if (access === 'public' && !['/403', '/404'].includes(route)) return [];
    return decide(route.replace(/\[[^\]]+\]/g, 'x'), { role: who }) === 'allow' ? paths(ids, who) : [];
  });
}

const USERNAME: Record<Role, string> = { trainee: TRAINEE, trainer: 'trainer', hr: 'hr', admin: 'admin' };

/** The first link in `html` matching `re` (group 1). */
async function linked(page: Page, url: string, re: RegExp): Promise<string> {
  const html = await (await page.request.get(url)).text();
  const m = html.match(re);
  expect(m, `${url} links to ${re}`).not.toBeNull();
  return m![1]!;
}

let ids: Ids | undefined;

async function findIds(browser: Browser): Promise<Ids> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  try {
    await loginAs(page, TRAINEE);
    const certificate = await linked(page, '/certificates', /href="\/certificates\/([\w-]+)"/);
    const verifyCode = await linked(page, `/certificates/${certificate}`, /\/verify\/([\w-]+)/);
    const examResult = await linked(page, '/exam', /href="\/exam\/([\w-]+)"/);
    await page.getByRole('button', { name: '退出登录' }).click();

    await loginAs(page, 'admin');
    const user = await linked(page, '/admin', /href="\/admin\/users\/((?!new")[\w-]+)"/);
    const person = await linked(page, '/hr/people', /href="\/hr\/people\/([\w-]+)"/);
    await page.getByRole('button', { name: '退出登录' }).click();

    // A live session of the demo cohort the swept trainee belongs to, which she joins.
    await loginAs(page, 'trainer');
    const cohorts = await (await page.request.get('/trainer/cohorts')).text();
    const cohort = [...cohorts.matchAll(/href="\/trainer\/cohorts\/([\w-]+)"[^>]*>\s*(?:<[^>]*>)?([^<]*)/g)].find((m) => m[2]!.includes('阳光花园'))![1]!;
    const cohortTrainee = await linked(page, `/trainer/cohorts/${cohort}`, new RegExp(`/trainer/cohorts/${cohort}/trainees/([\\w-]+)`));
    await page.goto(`/trainer/cohorts/${cohort}`);
    const code = await startSession(page, '全班投票');
    const live = new URL(page.url()).pathname.split('/')[3]!;
    await page.getByRole('button', { name: '退出登录' }).click();

    await loginAs(page, TRAINEE);
    await page.goto('/live');
    await page.getByLabel('课堂代码').fill(code);
    await page.getByRole('button', { name: '加入' }).click();
    await expect(page).toHaveURL(new RegExp(`/live/${live}$`));
    return { cohort, cohortTrainee, person, user, certificate, verifyCode, examResult, live };
  } finally {
    await ctx.close();
  }
}

test('the sweep covers every page route: a new page is swept or excluded with a reason', () => {
  const routes = pageRoutes().sort();
  expect(routes.filter((r) => !(r in SWEPT) && !(r in EXCLUDED)), 'page routes neither swept nor excluded').toEqual([]);
  expect(Object.keys(SWEPT).filter((r) => !routes.includes(r)), 'swept routes that are not pages').toEqual([]);
  expect(Object.keys(EXCLUDED).filter((r) => r in SWEPT || !routes.includes(r)), 'excluded routes that are swept or not pages').toEqual([]);
  // Each role that the route table lets open a swept page sweeps it (with placeholder ids).
  const fake = new Proxy({}, { get: (_, k) => `{${String(k)}}` }) as Ids;
  for (const route of Object.keys(SWEPT).filter((r) => ROUTE_ACCESS[r] !== 'public')) {
    const who = (['trainee', 'trainer', 'hr', 'admin'] as const).filter((role) => decide(route.replace(/\[[^\]]+\]/g, 'x'), { role }) === 'allow');
    expect(who.length, `${route}: some role opens it`).toBeGreaterThan(0);
    for (const role of who) expect(pagesFor(role, fake), `${role} sweeps ${route}`).toEqual(expect.arrayContaining(SWEPT[route]!(fake, role)));
  }
});

test.describe('every page, for each role (axe-core, no horizontal overflow)', () => {
  // An axe run takes a second or two of CPU per page, several on a busy machine (an admin opens some 40 pages):
  // these tests get much more time than most.
  test.describe.configure({ timeout: 900_000 });

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    ids ??= await findIds(browser);
  });

  for (const who of ['anonymous', 'trainee', 'trainer', 'hr', 'admin'] as const) {
    test(`${who}: every page at 360 px and 1280 px`, async ({ browser }) => {
      const ctx = await browser.newContext({ viewport: { width: 360, height: 800 } });
      const page = await ctx.newPage();
      try {
        if (who !== 'anonymous') await login(page, USERNAME[who]);
        const paths = pagesFor(who, ids!);
        expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) {
          await page.goto(p);
          expect.soft(await violations(page), `${who} ${p} axe at 360 px`).toEqual([]);
          expect.soft(await overflow(page), `${who} ${p} overflow at 360 px`).toBeNull();
        }
        await page.setViewportSize({ width: 1280, height: 800 });
        for (const p of paths) {
          await page.goto(p);
          expect.soft(await overflow(page), `${who} ${p} overflow at 1280 px`).toBeNull();
        }
      } finally {
        await ctx.close();
      }
    });
  }
});

test.describe('accessibility of the role-play (axe-core)', () => {
  test.use({ viewport: { width: 360, height: 800 } });
  test.describe.configure({ timeout: 90_000 });

  test('the role-play in both modes and its debrief', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    await page.goto('/scenarios/ceiling-leak');
    await page.getByRole('button', { name: '开始练习' }).click();
    await page.locator('form.choices .choice-button').first().click();
    await expect(page.locator('.chat .bubble.me')).toHaveCount(1);
    expect(await violations(page), 'practice play').toEqual([]);
    // Emotion tags sit in the speaker line, itself small: never under 12 px (issue 17).
    const sizes = await page.locator('.chat .emotion').evaluateAll((els) => els.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes), 'emotion tag font size (px)').toBeGreaterThanOrEqual(12);
    expect(await overflow(page), 'practice play').toBeNull();
    await page.getByRole('button', { name: '开始考核' }).click();
    await expect(page.getByRole('timer')).toBeVisible();
    expect(await violations(page), 'assessment play').toEqual([]);
    // Each click waits for its own button, so none lands on a page the last step is navigating away from.
    for (const id of leak.analysis.bestPath.choices) {
      const text = Object.values(leak.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)!.text;
      await page.getByRole('button', { name: text, exact: true }).click();
    }
    await expect(page.getByTestId('score-bars')).toBeVisible();
    expect(await violations(page), 'debrief').toEqual([]);
    expect(await overflow(page), 'debrief').toBeNull();
  });

  test('a new trainee’s pages (empty states)', async ({ page, browser }) => {
    await loginAs(page, await newTrainee(browser));
    for (const p of ['/learn', '/scenarios', '/exam', '/certificates', '/live']) {
      await page.goto(p);
      expect.soft(await violations(page), p).toEqual([]);
      expect.soft(await overflow(page), p).toBeNull();
    }
  });
});
