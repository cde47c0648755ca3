import http from 'node:http';
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, form, readDb, PASSWORD, BACKEND, type Server } from './helpers';
import { HOSTILE_NEXT } from '../fixtures/hostile-next';
import { qrSvg } from '../../src/app/qr';

/** A GET through node:http, which (unlike fetch) sends the Host header it is given: a client forging Host. */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(base + path, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const signIn = (base: string, query: string) =>
  fetch(`${base}/login?${query}`, { method: 'POST', redirect: 'manual', headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username: 'trainee', password: PASSWORD }) });

// Each hostile value as the browser's address bar would send it, plus the
// percent-encoded spellings from the security probe written out by hand.
const QUERIES: Array<[string, string]> = [
  ...Object.entries(HOSTILE_NEXT).map(([name, next]): [string, string] => [name, `next=${encodeURIComponent(next)}`]),
  ['%09 (tab)', 'next=/%09/evil.example'],
  ['%5C (backslash)', 'next=/%5Cevil.example'],
  ['%0A (newline)', 'next=/%0A'],
  ['%0D%0A (header injection)', 'next=/learn%0D%0ASet-Cookie:%20sid=forged'],
  ['%E3%80%80 (full-width space)', 'next=/%E3%80%80/evil.example'],
];

/** A server over a fresh demo store (with its certificates and cohorts), waited for until it answers: start-up can be slow on a busy machine. */
async function demoServer(env: Record<string, string>) {
  const dir = dataDir();
  const server = await serve(dir, env);
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${server.base}/login`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { server, dir };
}

// A: the quick-start setup (no PUBLIC_ORIGIN, no TRUST_PROXY); B: behind a
// trusted TLS proxy with its public address set.
let a: { server: Server; dir: string };
let b: { server: Server; dir: string };
beforeAll(async () => {
  [a, b] = await Promise.all([demoServer({}), demoServer({ PUBLIC_ORIGIN: 'https://kefu.example.com', TRUST_PROXY: '1' })]);
}, 120_000);

describe('sign-in redirects never leave the site', () => {
  it.each(QUERIES)('POST /login with a hostile next (%s) goes home, no 5xx', async (_, query) => {
    const res = await signIn(a.server.base, query);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/learn');
  });

  it.each(QUERIES)('GET /login while signed in with a hostile next (%s) goes home, no 5xx', async (_, query) => {
    const cookie = await login(a.server.base, 'trainee', PASSWORD);
    const res = await fetch(`${a.server.base}/login?${query}`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/learn');
  });

  it('keeps a same-site next, percent-encoding characters beyond Latin-1', async () => {
    expect((await signIn(a.server.base, 'next=%2Fmodules%2F1%3Fx%3D1')).headers.get('location')).toBe('/modules/1?x=1');
    const res = await signIn(a.server.base, `next=${encodeURIComponent('/hr/people?q=王小明')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/hr/people?q=%E7%8E%8B%E5%B0%8F%E6%98%8E');
  });
});

describe('links printed for others use the site address, never the Host header', () => {
  const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' };

  it('certificate and live-session QR links use PUBLIC_ORIGIN, even behind a trusted proxy', async () => {
    const { server, dir } = b;
    const db = await readDb(dir);
    const cert = db.certificates[0];
    const hr = await login(server.base, 'hr', PASSWORD);
    const page = await rawGet(server.base, `/certificates/${cert.id}`, { ...forged, cookie: hr });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`https://kefu.example.com/verify/${cert.code}`);
    expect(page.body).not.toContain('evil.example');

    const trainer = await login(server.base, 'trainer', PASSWORD);
    const trainerId = db.users.find((u: { username: string }) => u.username === 'trainer').id;
    const cohort = db.cohorts.find((c: { trainerId: string }) => c.trainerId === trainerId).id;
    const started = await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' });
    const live = started.headers.get('location')!;
    expect(live).toMatch(/^\/trainer\/live\//);
    const code = (await readDb(dir)).liveSessions.at(-1).code;
    // The QR code's modules (its SVG path) are those of the join link it encodes.
    const modules = (url: string, cell: number) => /\bd="([^"]+)"/.exec(qrSvg(url, cell))![1]!;
    for (const [path, cell] of [[live, 6], [`${live}/projector`, 10]] as const) {
      const res = await rawGet(server.base, path, { ...forged, cookie: trainer });
      expect(res.status).toBe(200);
      expect(res.body).toContain('https://kefu.example.com/live');
      expect(res.body).not.toContain('evil.example');
      expect(res.body).toContain(modules(`https://kefu.example.com/live?code=${code}`, cell));
    }
  });

  it('without PUBLIC_ORIGIN, a certificate links to the address the server listens on', async () => {
    const { server, dir } = a;
    const cert = (await readDb(dir)).certificates[0];
    const hr = await login(server.base, 'hr', PASSWORD);
    const page = await rawGet(server.base, `/certificates/${cert.id}`, { ...forged, cookie: hr });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`${server.base}/verify/${cert.code}`);
    expect(page.body).not.toContain('evil.example');
  });
});

describe('response headers', () => {
  const HSTS = 'max-age=31536000; includeSubDomains';
  const hsts = async (base: string, headers: Record<string, string> = {}, path = '/login') => (await fetch(base + path, { headers })).headers.get('strict-transport-security');

  it('HSTS over https behind a trusted proxy, not over plain http', async () => {
    expect(await hsts(b.server.base, { 'X-Forwarded-Proto': 'https' })).toBe(HSTS);
    expect(await hsts(b.server.base, { 'X-Forwarded-Proto': 'https' }, '/api/nothing-here')).toBe(HSTS);
    expect(await hsts(b.server.base)).toBeNull();
    expect(await hsts(b.server.base, { 'X-Forwarded-Proto': 'http' })).toBeNull();
  });

  it('no HSTS for an X-Forwarded-Proto nobody is trusted to send', async () => {
    expect(await hsts(a.server.base, { 'X-Forwarded-Proto': 'https' })).toBeNull();
    expect(await hsts(a.server.base)).toBeNull();
  });

  it('HTML says it is UTF-8', async () => {
    const trainee = await login(a.server.base, 'trainee', PASSWORD);
    for (const [path, cookie] of [['/login', ''], ['/no-such-page', ''], ['/learn', trainee], ['/verify', '']] as const) {
      const res = await fetch(a.server.base + path, { headers: cookie ? { cookie } : {} });
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
    }
  });

  it('/verify is never stored by a browser or proxy', async () => {
    const code = (await readDb(a.dir)).certificates[0].code;
    for (const path of ['/verify', `/verify/${code}`, '/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ', '/verify?code=bad']) {
      const res = await fetch(a.server.base + path);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('/health answers without a session, names only the kind of store, and is never cached', async () => {
    const res = await fetch(a.server.base + '/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toEqual({ status: 'ok', store: BACKEND });
  });
});
