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

  it('throttles per account, with the same answer whether or not the account exists', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    for (const username of ['trainer', 'nobody.here']) {
      for (let i = 0; i < 5; i++) expect((await signIn(server.base, username, 'wrong-password')).status).toBe(401);
      const blocked = await signIn(server.base, username, username === 'trainer' ? PASSWORD : 'x');
      expect(blocked.status).toBe(429);
      expect(await blocked.text()).toMatch(/尝试次数过多，请 \d+ 分钟后再试/);
    }
    // Other accounts are not affected.
    expect((await signIn(server.base, 'hr', PASSWORD)).status).toBe(303);
  });

  it('throttles per address across many account names', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    for (let i = 0; i < 30; i++) await signIn(server.base, `guess.${i}`, 'wrong-password');
    expect((await signIn(server.base, 'admin', PASSWORD)).status).toBe(429);
  });
});

describe('live sessions', () => {
  it('survive a server restart: a reconnecting screen gets the current state', async () => {
    const dir = dataDir();
    let server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const trainer = await login(server.base, 'trainer', PASSWORD);
    const trainee = await login(server.base, 'trainee', PASSWORD);
    const me = readDb(dir).users.find((u: { username: string }) => u.username === 'trainee').id;
    await form(server.base, trainer, '/trainer/cohorts', { name: '重启测试', trainee: me });
    const cohort = readDb(dir).cohorts[0].id;
    const id = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = readDb(dir).liveSessions[0].code;
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
