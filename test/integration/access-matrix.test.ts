// Every page and API route × every role, against an expected-access table kept
// here (independent of src/auth/access.ts); every mutation from another origin;
// and ids changed in URLs to reach someone else's records.
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { dataDir, serve, login, call, readDb, PASSWORD, type Server } from './helpers';

type Who = 'anonymous' | 'trainee' | 'trainer' | 'hr' | 'admin';
const EVERYONE: Who[] = ['anonymous', 'trainee', 'trainer', 'hr', 'admin'];
const SIGNED_IN: Who[] = ['trainee', 'trainer', 'hr', 'admin'];

/** Who may use each route. A route missing here fails the test: add it with its intended access. */
const EXPECTED: Record<string, Who[]> = {
  '/': EVERYONE,
  '/login': EVERYONE,
  '/logout': EVERYONE,
  '/403': EVERYONE,
  '/404': EVERYONE,
  '/account/password': SIGNED_IN,
  '/health': EVERYONE,
  '/verify': EVERYONE,
  '/verify/[code]': EVERYONE,
  '/learn': ['trainee'],
  '/modules/[chapter]': SIGNED_IN,
  '/modules/[chapter]/check': SIGNED_IN,
  '/api/modules/[chapter]/opened': ['trainee'],
  '/scenarios': SIGNED_IN,
  '/scenarios/[id]': SIGNED_IN,
  '/scenarios/[id]/map': ['trainer', 'admin'],
  '/api/scenarios/[id]/plays': SIGNED_IN,
  '/api/plays/[id]/steps': SIGNED_IN,
  '/exam': ['trainee'],
  '/exam/[id]': ['trainee'],
  '/api/exam/[id]/answers': ['trainee'],
  '/api/exam/[id]/submit': ['trainee'],
  '/certificates': ['trainee'],
  '/certificates/[id]': ['trainee', 'hr', 'admin'],
  '/live': ['trainee'],
  '/live/[id]': ['trainee'],
  '/api/live/join': ['trainee'],
  '/api/live/[id]/events': SIGNED_IN,
  '/api/live/[id]/vote': ['trainee'],
  '/api/live/[id]/control': ['trainer', 'admin'],
  '/api/live/[id]/rate': ['trainee', 'trainer', 'admin'],
  '/trainer': ['trainer', 'admin'],
  '/trainer/waivers': ['trainer', 'admin'],
  '/trainer/cohorts': ['trainer', 'admin'],
  '/trainer/cohorts/[id]': ['trainer', 'admin'],
  '/trainer/cohorts/[id]/trainees/[userId]': ['trainer', 'admin'],
  '/trainer/live/[id]': ['trainer', 'admin'],
  '/trainer/live/[id]/projector': ['trainer', 'admin'],
  '/hr': ['hr', 'admin'],
  '/hr/people': ['hr', 'admin'],
  '/hr/people/[id]': ['hr', 'admin'],
  '/hr/certificates': ['hr', 'admin'],
  '/hr/certificates/print': ['hr', 'admin'],
  '/hr/export.csv': ['hr', 'admin'],
  '/hr/export.xapi.json': ['hr', 'admin'],
  '/admin': ['admin'],
  '/admin/users/new': ['admin'],
  '/admin/users/[id]': ['admin'],
  '/admin/import': ['admin'],
  '/admin/import/template.csv': ['admin'],
  '/admin/audit': ['hr', 'admin'],
  '/admin/audit.csv': ['hr', 'admin'],
};

/** Routes whose normal answer looks like a refusal: the 403 page itself, and pages that send you to sign in by design. */
const NORMAL_ANSWER: Record<string, (status: number, location: string) => boolean> = {
  '/403': (status) => status === 403,
  '/': (status, location) => status === 303 && (location === '/login' || location.startsWith('/')),
  // POST signs out (to /login); GET only goes home.
  '/logout': (status, location) => status === 303 && (location.startsWith('/login') || location === '/'),
};

interface Route {
  route: string;
  methods: string[];
  api: boolean;
}

/** Every route in src/pages with the HTTP methods its file handles. */
function routes(dir = 'src/pages', prefix = ''): Route[] {
  return readdirSync(dir).flatMap((f): Route[] => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return routes(full, `${prefix}/${f}`);
    const name = f.replace(/\.(astro|ts)$/, '');
    const route = name === 'index' ? prefix || '/' : `${prefix}/${name}`;
    const src = readFileSync(full, 'utf8');
    const methods = f.endsWith('.astro')
      ? ['GET', ...(/request\.method === 'POST'/.test(src) ? ['POST'] : [])]
      : [...src.matchAll(/export const (GET|POST|PUT|DELETE|PATCH)\b/g)].map((m) => m[1]!);
    return [{ route, methods, api: route.startsWith('/api/') }];
  });
}

let server: Server;
let dir: string;
const cookies: Partial<Record<Who, string>> = {};
let ids: Record<string, string>;

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir); // with the demo activity: real certificates and exam attempts to point at
  for (const who of SIGNED_IN) cookies[who] = await login(server.base, who, PASSWORD);
  const db = await readDb(dir);
  const li = db.users.find((u: { username: string }) => u.username === 'li.xiaoting');
  ids = {
    chapter: '3',
    scenario: 'ceiling-leak',
    user: li.id,
    exam: db.examAttempts.find((a: { userId: string }) => a.userId === li.id).id,
    certificate: db.certificates.find((c: { userId: string }) => c.userId === li.id).id,
    code: db.certificates[0].code,
    cohort: db.cohorts[0].id,
  };
}, 60_000);

function concrete(route: string): string {
  return route
    .replace('[chapter]', ids.chapter!)
    .replace('/scenarios/[id]', `/scenarios/${ids.scenario}`)
    .replace('/admin/users/[id]', `/admin/users/${ids.user}`)
    .replace('/hr/people/[id]', `/hr/people/${ids.user}`)
    .replace('/exam/[id]', `/exam/${ids.exam}`)
    .replace('/certificates/[id]', `/certificates/${ids.certificate}`)
    .replace('/trainer/cohorts/[id]', `/trainer/cohorts/${ids.cohort}`)
    .replace('[userId]', ids.user!)
    .replace('[code]', ids.code!)
    .replace('[id]', 'no-such-id');
}

describe('access matrix', () => {
  const all = routes();

  it('every route has an expected-access entry, and every entry a route', () => {
    expect(all.map((r) => r.route).filter((r) => !(r in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((r) => !all.some((x) => x.route === r))).toEqual([]);
  });

  it('answers every route and method as each role: allowed, sign-in first, or 403', async () => {
    let checked = 0;
    const wrong: string[] = [];
    for (const r of all) {
      for (const method of r.methods) {
        for (const who of EVERYONE) {
          // Signing out would end the shared session: use a throw-away one.
          const cookie = r.route === '/logout' && who !== 'anonymous' ? await login(server.base, who, PASSWORD) : cookies[who];
          const url = concrete(r.route);
          const res = method === 'GET' ? await fetch(server.base + url, { redirect: 'manual', headers: cookie ? { cookie } : {} }) : await call(server.base, cookie, method, url, method === 'DELETE' ? undefined : {});
          if (r.route.endsWith('/events') && res.body) await res.body.cancel();
          else await res.arrayBuffer();
          const allowed = EXPECTED[r.route]!.includes(who);
          const toLogin = res.status === 303 && res.headers.get('location')?.startsWith('/login');
          let ok: boolean;
          const normal = NORMAL_ANSWER[r.route];
          if (allowed && normal) ok = normal(res.status, res.headers.get('location') ?? '');
          else if (allowed) ok = res.status !== 401 && res.status !== 403 && !toLogin && res.status < 500;
          else if (who === 'anonymous') ok = r.api ? res.status === 401 : !!toLogin;
          else ok = res.status === 403;
          if (!ok) wrong.push(`${method} ${url} as ${who}: ${res.status} ${res.headers.get('location') ?? ''}`);
          checked++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(250);
    console.log(`access matrix: ${checked} route × method × role requests checked`);
  }, 120_000);

  it('refuses every state-changing request from another origin', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const r of all) {
      for (const method of r.methods.filter((m) => m !== 'GET')) {
        for (const body of ['form', 'json'] as const) {
          const res = await fetch(server.base + concrete(r.route), {
            method,
            redirect: 'manual',
            headers: {
              Origin: 'https://evil.example',
              cookie: cookies.admin!,
              'Content-Type': body === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
            },
            body: body === 'form' ? 'a=1' : '{}',
          });
          await res.arrayBuffer();
          if (res.status !== 403) wrong.push(`${method} ${r.route} (${body}): ${res.status}`);
          checked++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  }, 60_000);
});

describe("someone else's records, by changing ids", () => {
  it("a trainee cannot open another trainee's exam attempt, certificate or role-play debrief", async () => {
    const t = cookies.trainee!;
    const get = (url: string) => fetch(server.base + url, { headers: { cookie: t }, redirect: 'manual' });
    expect((await get(`/exam/${ids.exam}`)).status).toBe(404);
    expect((await get(`/certificates/${ids.certificate}`)).status).toBe(404);
    expect((await call(server.base, t, 'PUT', `/api/exam/${ids.exam}/answers`, { questionId: 'law-001', response: true })).status).toBe(404);
    expect((await call(server.base, t, 'POST', `/api/exam/${ids.exam}/submit`, {})).status).toBe(404);
    const db = await readDb(dir);
    const other = db.scenarioAttempts.find((a: { userId: string }) => a.userId === ids.user);
    const page = await (await get(`/scenarios/${other.scenarioId}?attempt=${other.id}`)).text();
    expect(page).not.toContain('id="past-attempt"');
    // Nor take a step in another person's role-play, by the API or by the page's form.
    const play = db.scenarioPlays.find((p: { userId: string }) => p.userId === ids.user);
    expect((await call(server.base, t, 'POST', `/api/plays/${play.id}/steps`, { token: 'x', at: play.steps.length })).status).toBe(404);
    const viaForm = await fetch(`${server.base}/scenarios/${play.scenarioId}`, { method: 'POST', headers: { cookie: t, Origin: server.base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: `action=choose&play=${play.id}&at=${play.steps.length}&token=x`, redirect: 'manual' });
    expect(viaForm.status).toBe(404);
  });

  it("a trainer cannot open a trainee outside their cohort through a cohort they own", async () => {
    const res = await fetch(`${server.base}/trainer/cohorts/${ids.cohort}/trainees/${(await readDb(dir)).users.find((u: { username: string }) => u.username === 'zhao.min').id}`, { headers: { cookie: cookies.trainer! } });
    // zhao.min is in the other demo cohort, not this one.
    expect(res.status).toBe(404);
  });
});
