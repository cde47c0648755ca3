import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { dataDir, serve, login, call, readDb, PASSWORD } from './helpers';
import { root } from '../../scripts/bench/lib';
import { readStoreFile } from '../../src/store/journal';
const npm = (args: string[], dir: string) => spawnSync('npm', ['run', '-s', ...args], { cwd: root, env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8' });
/**
 * The same, without blocking this process: requests in flight keep going while
 * it runs (a spawnSync here froze them until it ended, and a kept-alive socket
 * the server had meanwhile closed then failed a write with "other side closed").
 */
const npmAsync = (args: string[], dir: string) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn('npm', ['run', '-s', ...args], { cwd: root, env: { ...process.env, DATA_DIR: dir } });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    p.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });

const admin = { id: 'u1', username: 'admin', displayName: '管理员', role: 'admin', department: '', site: '', passwordHash: 'x', active: true, createdAt: '2026-11-28T08:00:00.000Z', updatedAt: '2026-11-28T08:00:00.000Z' };
const collections = ['users', 'sessions', 'moduleProgress', 'checkAttempts', 'scenarioAttempts', 'scenarioPlays', 'examAttempts', 'certificates', 'waivers', 'audit', 'cohorts', 'liveSessions', 'observations'];
const v7 = { schemaVersion: 7, org: { name: '', sites: [], departments: [] }, ...Object.fromEntries(collections.map((c) => [c, []])) };

describe('npm run backup / npm run restore', () => {
  it('backs up a consistent copy while the server takes writes, and restores it after validation', async () => {
    const dir = dataDir();
    const server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const cookie = await login(server.base, 'trainee', PASSWORD);
    const writes = Array.from({ length: 200 }, () => call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' }));
    const [backup] = await Promise.all([npmAsync(['backup'], dir), ...writes]);
    expect(backup.status, backup.stderr).toBe(0);
    const file = /Backup written: (\S+)/.exec(backup.stdout)![1]!;
    const copy = readStoreFile(file).data as { users: unknown[]; scenarioPlays: unknown[] };
    expect(copy.users.length).toBeGreaterThan(0);

    // Restoring is refused while the server runs.
    const refused = npm(['restore', file], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/stop it before restoring/);

    await server.stop();
    const countNow = (await readDb(dir)).scenarioPlays.length;
    const ok = npm(['restore', file], dir);
    expect(ok.status, ok.stderr).toBe(0);
    expect((await readDb(dir)).scenarioPlays.length).toBe(copy.scenarioPlays.length);
    expect(countNow).toBe(200);
    // The replaced store was kept.
    expect(readdirSync(path.join(dir, 'backups')).some((f) => f.startsWith('db-before-restore-'))).toBe(true);
  }, 60_000);

  it('refuses a broken or foreign file and leaves the store alone', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ schemaVersion: 5, users: [{ id: 'a', role: 'admin' }], sessions: [], moduleProgress: [], scenarioAttempts: [], examAttempts: [], certificates: [], audit: [], waivers: [], checkAttempts: [], scenarioProgress: [], cohorts: [], liveSessions: [], observations: [], org: { name: '', sites: [], departments: [] } }));
    const before = readFileSync(path.join(dir, 'db.json'), 'utf8');
    for (const [content, message] of [
      ['{"users": [', /not valid JSON/],
      [JSON.stringify({ schemaVersion: 99 }), /newer version/],
      [JSON.stringify({ schemaVersion: 5, users: [], sessions: [] }), /missing or not a list|no administrator/],
      // Accepted before, then /hr and /admin answered 500 (a null user) or the administrator could not sign in (a duplicate username).
      [JSON.stringify({ ...v7, users: [admin, null] }), /users\[1\]: .*expected object/],
      [JSON.stringify({ ...v7, users: [admin], examAttempts: [null] }), /examAttempts\[0\]: /],
      [JSON.stringify({ ...v7, users: [admin, { ...admin, id: 'u2', role: 'trainee' }] }), /users\[1\]\.username: duplicate username "admin"/],
    ] as const) {
      const bad = path.join(dir, 'bad.json');
      writeFileSync(bad, content);
      const r = npm(['restore', bad], dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe(before);
    }
  }, 60_000);
});
