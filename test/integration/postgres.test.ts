// PostgreSQL only: several app servers on one database, and the database's own
// faults — unreachable at start, lost while running, set up by a newer release.
// (The rest of the integration suite runs on PostgreSQL too: vitest's `postgres` project.)
import { describe, it, expect, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { dataDir, serve, login, call, form, readDb, newAccount, PASSWORD, OWN_PASSWORD, BACKEND, type Server } from './helpers';
import { startServer, root, freePort } from '../../scripts/bench/lib';
import { startCluster, type Cluster } from '../../scripts/pg-cluster';
import { freshDatabase } from '../pg/database';

const onPostgres = BACKEND === 'postgres' ? describe : describe.skip;
const NO_DEMO = { DEMO_ACTIVITY: '0' };

const signIn = (base: string, username: string, password: string) =>
  fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }) });

/** Reads an event stream until `until` holds for a `state` event; returns that state. */
async function stateWhere(base: string, cookie: string, id: string, until: (state: any) => boolean): Promise<any> {
  const res = await fetch(`${base}/api/live/${id}/events`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      text += decoder.decode(value, { stream: true });
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^event: state\ndata: (.*)$/m.exec(block)?.[1];
        if (data && until(JSON.parse(data))) return JSON.parse(data);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** Starts a server expected to refuse to start; its exit code and what it printed. */
async function refusal(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-pg-refusal-'));
  const port = await freePort();
  const p = spawn(process.execPath, [path.join(root, 'scripts/serve.mjs')], { cwd: root, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dir, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((r) => p.once('exit', r));
  clearTimeout(timer);
  rmSync(dir, { recursive: true, force: true });
  return { code, out };
}

onPostgres('two app servers on one database', () => {
  let a: Server;
  let b: Server;
  const loc = dataDir();

  it('share sessions, accounts and sign-in throttles', async () => {
    a = await serve(loc, NO_DEMO);
    b = await serve(loc, NO_DEMO);
    // A session made on A is good on B, and signing out on B ends it on A.
    const cookie = await login(a.base, 'trainee', PASSWORD);
    expect((await fetch(`${b.base}/learn`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
    // An account an admin makes on B signs in on A.
    const admin = await login(b.base, 'admin', PASSWORD);
    await newAccount(b.base, admin, { username: 'two.servers', displayName: '双机测试', role: 'trainee', site: '阳光花园' });
    expect((await signIn(a.base, 'two.servers', OWN_PASSWORD)).status).toBe(303);
    // Failures counted on A slow the account down on B.
    for (let i = 0; i < 5; i++) expect((await signIn(i % 2 ? b.base : a.base, 'hr', 'wrong-password')).status).toBe(401);
    expect((await signIn(b.base, 'hr', PASSWORD)).status).toBe(429);
    await form(b.base, cookie, '/logout', {});
    expect((await fetch(`${a.base}/learn`, { headers: { cookie }, redirect: 'manual' })).status).toBe(303);
  });

  it('a vote made on server B reaches a screen connected to server A', async () => {
    const trainer = await login(a.base, 'trainer', PASSWORD);
    const trainee = await login(b.base, 'trainee', PASSWORD);
    const me = (await readDb(loc)).users.find((u: { username: string }) => u.username === 'trainee').id;
    expect((await form(a.base, trainer, '/trainer/cohorts', { name: '双机班', trainee: me })).status).toBe(303);
    const cohort = (await readDb(loc)).cohorts.find((c: { name: string }) => c.name === '双机班').id;
    const id = (await form(a.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = (await readDb(loc)).liveSessions.find((s: { id: string }) => s.id === id).code;
    // The projector's stream is open on A before anything happens on B.
    const joined = stateWhere(a.base, trainer, id, (s) => s.participants.length === 1);
    expect((await call(b.base, trainee, 'POST', '/api/live/join', { code })).status).toBe(200);
    expect((await joined).participants.map((p: { id: string }) => p.id)).toEqual([me]);
    const started = stateWhere(a.base, trainer, id, (s) => s.status === 'running');
    expect((await call(a.base, trainer, 'POST', `/api/live/${id}/control`, { action: 'start' })).status).toBe(200);
    const choiceId = (await started).choices[0].id;
    const voted = stateWhere(a.base, trainer, id, (s) => s.voted === 1);
    expect((await call(b.base, trainee, 'POST', `/api/live/${id}/vote`, { choiceId })).status).toBe(200);
    const seen = await voted;
    expect(seen.voters).toEqual([me]);
    expect(seen.tally).toMatchObject({ [choiceId]: 1 });
  });
});

onPostgres('database faults', () => {
  let cluster: Cluster | undefined;
  afterAll(() => cluster?.stop());

  it('a database that cannot be reached stops start-up with the URL (password hidden) and a non-zero exit', async () => {
    const port = await freePort();
    const r = await refusal({ DATABASE_URL: `postgres://wuye:s3cret-pw@127.0.0.1:${port}/wuye` });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`cannot connect to the database at postgres://wuye:\\*\\*\\*@127\\.0\\.0\\.1:${port}/wuye`));
    expect(r.out).not.toContain('s3cret-pw');
  });

  it('a database set up by a newer release is refused with a message, and left alone', async () => {
    const db = await freshDatabase();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(`INSERT INTO pgmigrations (name, run_on) VALUES ('99_from_the_future', now())`);
    const r = await refusal({ DATABASE_URL: db.url });
    const users = (await c.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
    await c.end();
    await db.drop();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/set up by a newer version of the application \(it has migration 99_from_the_future/);
    expect(users).toBe(0);
  });

  it('a database lost while running: 503 with a message, the health check says so, and service resumes by itself', async () => {
    cluster = await startCluster();
    const url = await cluster.createDatabase('faults');
    const dir = mkdtempSync(path.join(tmpdir(), 'wuye-pg-faults-'));
    const server = await startServer(dir, { ...NO_DEMO, DATABASE_URL: url });
    try {
      const cookie = await login(server.base, 'trainee', PASSWORD);
      expect((await fetch(`${server.base}/health`)).status).toBe(200);
      // An acknowledged write before the loss.
      const started = await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' });
      expect(started.status).toBe(201);
      const playId = (await started.json()).view.playId;

      cluster.halt();
      const health = await fetch(`${server.base}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'unavailable', store: 'postgres' });
      const page = await fetch(`${server.base}/learn`, { headers: { cookie }, redirect: 'manual' });
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/数据库暂时无法连接/);
      const api = await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' });
      expect(api.status).toBe(503);
      expect((await api.json()).error).toMatch(/数据库暂时无法连接/);

      cluster.resume();
      // No restart: the pool connects again on the next request.
      let back = 0;
      for (let i = 0; i < 100 && back !== 200; i++) {
        back = (await fetch(`${server.base}/health`)).status;
        if (back !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(back).toBe(200);
      expect((await fetch(`${server.base}/learn`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const kept = (await c.query('SELECT count(*)::int AS n FROM scenario_plays WHERE id = $1', [playId])).rows[0].n;
      await c.end();
      expect(kept).toBe(1);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
