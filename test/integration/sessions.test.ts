import { describe, it, expect } from 'vitest';
import { dataDir, serve, login, call, form, readDb, PASSWORD } from './helpers';

const signIn = (base: string, username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams({ username, password }) });

describe('sign-in sessions', () => {
  it('sets HttpOnly and SameSite=Lax, and Secure behind a trusted https proxy', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0', TRUST_PROXY: '1' });
    const plain = (await signIn(server.base, 'trainee', PASSWORD)).headers.get('set-cookie')!;
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
    // Behind a TLS-terminating proxy the browser's Origin is https.
    const proxied = (await signIn(server.base, 'trainee', PASSWORD, { 'X-Forwarded-Proto': 'https', Origin: server.base.replace('http:', 'https:') })).headers.get('set-cookie')!;
    expect(proxied).toMatch(/Secure/);
  });

  it('slows down an account at one address after 5 failures, the same whether or not the account exists', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    for (const username of ['trainer', 'nobody.here']) {
      for (let i = 0; i < 4; i++) expect((await signIn(server.base, username, 'wrong-password')).status).toBe(401);
      const fifth = await signIn(server.base, username, 'wrong-password');
      expect(fifth.status).toBe(401);
      expect(await fifth.text()).toMatch(/为保护账号安全，请 15 秒后再试/);
      const blocked = await signIn(server.base, username, username === 'trainer' ? PASSWORD : 'x');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await blocked.text()).toMatch(/尝试次数过多，请 \d+ 秒后再试/);
    }
    // Other accounts are not affected.
    expect((await signIn(server.base, 'hr', PASSWORD)).status).toBe(303);
  });

  it('throttles per address across many account names', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    for (let i = 0; i < 30; i++) await signIn(server.base, `guess.${i}`, 'wrong-password');
    expect((await signIn(server.base, 'admin', PASSWORD)).status).toBe(429);
  });

  it('without TRUST_PROXY a rotating X-Forwarded-For is ignored: sign-in and /verify are still throttled per address', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    const xff = (i: number) => ({ 'X-Forwarded-For': `198.51.${i >> 8}.${i & 255}` });
    for (let i = 0; i < 30; i++) expect((await signIn(server.base, `guess.${i}`, 'wrong-password', xff(i))).status).toBe(401);
    expect((await signIn(server.base, 'admin', PASSWORD, xff(999))).status).toBe(429);
    for (let i = 0; i < 30; i++) expect((await fetch(`${server.base}/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ`, { headers: xff(i) })).status).toBe(404);
    expect((await fetch(`${server.base}/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ`, { headers: xff(1000) })).status).toBe(429);
  });

  it("behind a trusted proxy, attackers' failures from their addresses do not stop the real user at another", async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0', TRUST_PROXY: '1' });
    // Three attacking addresses, each also rotating a made-up left-most entry (never read).
    // Each gets 5 failures before it must wait, and once the account has 10 the third gets only 1.
    const statuses = [];
    for (const attacker of ['203.0.113.7', '203.0.113.8', '203.0.113.9']) {
      const mine = [];
      for (let i = 0; i < 6; i++) mine.push((await signIn(server.base, 'trainer', `guess-${i}`, { 'X-Forwarded-For': `10.9.${i}.1, ${attacker}` })).status);
      statuses.push(mine.join(' '));
    }
    expect(statuses).toEqual(['401 401 401 401 401 429', '401 401 401 401 401 429', '401 429 429 429 429 429']);
    // The account is under attack (11 failures): a first try from a fresh address still goes through.
    expect((await signIn(server.base, 'trainer', PASSWORD, { 'X-Forwarded-For': '198.51.100.20' })).status).toBe(303);
  });

  it('keeps its counters across a restart', async () => {
    const dir = dataDir();
    let server = await serve(dir, { DEMO_ACTIVITY: '0' });
    for (let i = 0; i < 5; i++) expect((await signIn(server.base, 'trainer', 'wrong-password')).status).toBe(401);
    await server.stop();
    server = await serve(dir, { DEMO_ACTIVITY: '0' });
    // Still within the 15 s wait (429), or — a slow restart — past it, and then this is the 6th failure
    // (a 30 s wait); a fresh counter would give a plain 401.
    const after = await signIn(server.base, 'trainer', 'wrong-password');
    const text = await after.text();
    if (after.status === 429) expect(text).toMatch(/尝试次数过多，请 \d+ 秒后再试/);
    else expect(text).toMatch(/为保护账号安全，请 30 秒后再试/);
    expect((await readDb(dir)).throttles.length).toBeGreaterThan(0);
  });
});

describe('live sessions', () => {
  it('survive a server restart: a reconnecting screen gets the current state', async () => {
    const dir = dataDir();
    let server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const trainer = await login(server.base, 'trainer', PASSWORD);
    const trainee = await login(server.base, 'trainee', PASSWORD);
    const me = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'trainee').id;
    await form(server.base, trainer, '/trainer/cohorts', { name: '重启测试', trainee: me });
    const cohort = (await readDb(dir)).cohorts[0].id;
    const id = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = (await readDb(dir)).liveSessions[0].code;
    expect((await call(server.base, trainee, 'POST', '/api/live/join', { code })).status).toBe(200);
    expect((await call(server.base, trainer, 'POST', `/api/live/${id}/control`, { action: 'start' })).status).toBe(200);
    await server.stop();
    server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const res = await fetch(`${server.base}/api/live/${id}/events`, { headers: { cookie: trainer } });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: state')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const state = JSON.parse(/data: (.*)/.exec(text)![1]!);
    expect(state).toMatchObject({ status: 'running', code });
    expect(state.participants.map((p: { id: string }) => p.id)).toEqual([me]);
  });
});
