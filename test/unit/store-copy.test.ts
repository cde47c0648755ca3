// store:copy (scripts/store-copy.ts) and backup/restore on PostgreSQL
// (src/store/pg/backup.ts), against the cluster the global set-up starts: a
// generated company goes folder → PostgreSQL → folder record for record, and
// every refusal leaves its target as it was.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateCompany } from '../../scripts/bench/hr';
import { storeCopy } from '../../scripts/store-copy';
import { backupStore, restoreStore } from '../../src/store/backup';
import { writeStoreFile } from '../../src/store/journal';
import { readStoreData } from '../../src/store/store';
import { emptyData } from '../../src/store/migrations';
import { backupDatabase, restoreDatabase } from '../../src/store/pg/backup';
import { LOAD_BATCH, databaseIsEmpty, dumpDatabase, loadDatabase } from '../../src/store/pg/copy';
import type { DbData } from '../../src/store/types';
import { freshDatabase, pgEnabled, type TestDatabase } from '../pg/database';

const LISTS = ['users', 'sessions', 'moduleProgress', 'checkAttempts', 'scenarioPlays', 'scenarioAttempts', 'examAttempts', 'certificates', 'waivers', 'audit', 'cohorts', 'liveSessions', 'observations', 'throttles'] as const;

/** A company of about 300 people, with a few records of the kinds the generator leaves out. */
async function company(n = 300): Promise<DbData> {
  const d = await generateCompany(n);
  const at = (min: number) => new Date(Date.UTC(2026, 10, 1, 8, min, 0, 123)).toISOString();
  const admin = d.users.find((u) => u.role === 'admin')!;
  const trainer = d.users.find((u) => u.role === 'trainer')!;
  const [a, b] = d.users.filter((u) => u.role === 'trainee');
  d.sessions.push({ idHash: 'h1', userId: a!.id, createdAt: at(1), lastSeenAt: at(5) }, { idHash: 'h0', userId: b!.id, createdAt: at(2), lastSeenAt: at(2) });
  d.waivers.push({ userId: a!.id, by: trainer.id, reason: '转岗', at: at(3) });
  d.audit.push({ id: randomUUID(), at: at(3), actorId: trainer.id, action: 'prerequisites.waive', targetId: a!.id, reason: '转岗' }, { id: randomUUID(), at: at(4), actorId: admin.id, action: 'user.update', targetId: b!.id, details: { field: 'site' } });
  d.observations.push({ id: randomUUID(), sessionId: 's1', cohortId: d.cohorts[0]!.id, scenarioId: 'ceiling-leak', agentId: a!.id, raterId: trainer.id, calmness: 4, empathy: 5, solution: 3, comment: '语气平稳', at: at(6) });
  d.throttles.push({ key: 'k2', count: 2, firstAt: at(7), lastAt: at(8), expiresAt: at(20) }, { key: 'k1', count: 1, firstAt: at(9), lastAt: at(9), expiresAt: at(24) });
  return d;
}

const tmp = (name: string) => mkdtempSync(path.join(tmpdir(), `wuye-copy-${name}-`));

async function writeFolder(data: DbData, dir = tmp('src')): Promise<string> {
  await writeStoreFile(path.join(dir, 'db.json'), data, 0);
  return dir;
}

/** Every file in a folder with its bytes: "untouched" means this is the same afterwards. */
const filesOf = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));

function expectSameStore(actual: DbData, expected: DbData) {
  for (const c of LISTS) {
    expect(actual[c].length, c).toBe(expected[c].length);
    expect(actual[c], c).toEqual(expected[c]);
  }
  expect(actual.org).toEqual(expected.org);
}

/** Runs the command in-process, keeping what it printed. */
async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await storeCopy(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

if (pgEnabled()) {
  describe('store:copy and PostgreSQL backups', () => {
    let source: DbData;
    let sourceDir: string;
    const dbs: TestDatabase[] = [];
    const dirs: string[] = [];
    const database = async (opts: { empty?: boolean } = {}) => {
      const db = await freshDatabase(opts);
      dbs.push(db);
      return db;
    };
    const folder = (name: string) => {
      const d = tmp(name);
      dirs.push(d);
      return d;
    };

    beforeAll(async () => {
      source = await company();
      sourceDir = await writeFolder(source);
    }, 60_000);
    afterEach(async () => {
      for (const db of dbs.splice(0)) await db.drop();
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });
    afterAll(() => rmSync(sourceDir, { recursive: true, force: true }));

    it('copies a folder into PostgreSQL and back into a folder, record for record and in order', async () => {
      const db = await database({ empty: true });
      const there = await run('--from', sourceDir, '--to', db.url);
      expect(there.err).toBe('');
      expect(there.code).toBe(0);
      expect(there.out).toMatch(/users\s+30\d\s+30\d/);
      expectSameStore(await dumpDatabase(db.url), source);
      // The HR read model was computed for the loaded people (its triggers are off during a load).
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const model = (await c.query(`SELECT (SELECT count(*)::int FROM person_facts) AS n,
        (SELECT count(*)::int FROM (SELECT * FROM person_facts_source EXCEPT SELECT * FROM person_facts) d) AS missing,
        (SELECT count(*)::int FROM (SELECT * FROM person_facts EXCEPT SELECT * FROM person_facts_source) d) AS stale`)).rows[0];
      await c.end();
      expect(model).toEqual({ n: source.users.filter((u) => u.role === 'trainee').length, missing: 0, stale: 0 });

      const back = folder('back');
      const again = await run('--from', db.url, '--to', back);
      expect(again.code).toBe(0);
      expectSameStore(readStoreData(back), source);
    }, 60_000);

    it('loads more records than one statement takes, in order, with a certificate superseded by one stored thousands later', async () => {
      const data = structuredClone(source);
      const template = data.certificates[0]!;
      const extra = Array.from({ length: LOAD_BATCH + 100 }, (_, i) => ({ ...template, id: randomUUID(), code: `EXTRA-${String(i).padStart(5, '0')}` }));
      extra[0]!.supersededBy = extra.at(-1)!.id;
      extra.at(-1)!.reissuedFrom = extra[0]!.id;
      data.certificates.push(...extra);
      const db = await database();
      await loadDatabase(db.url, data);
      expectSameStore(await dumpDatabase(db.url), data);
    }, 60_000);

    it('a dump is one state: a change committed while it reads is not half in it', async () => {
      const db = await database();
      await loadDatabase(db.url, source);
      const trainer = source.users.find((u) => u.role === 'trainer')!;
      const trainee = source.users.find((u) => u.role === 'trainee')!;
      const writer = new pg.Client({ connectionString: db.url });
      await writer.connect();
      try {
        // A waiver and its audit entry, committed together after the dump read the waivers but before the audit.
        const dump = await dumpDatabase(db.url, {
          afterTable: async (c) => {
            if (c !== 'waivers') return;
            const at = new Date().toISOString();
            await writer.query('BEGIN');
            await writer.query('INSERT INTO waivers (user_id, at, doc) VALUES ($1, $2, $3::jsonb)', [trainee.id, at, JSON.stringify({ userId: trainee.id, by: trainer.id, reason: '并发', at })]);
            await writer.query('INSERT INTO audit (id, at, actor_id, action, target_id, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)', ['concurrent', at, trainer.id, 'prerequisites.waive', trainee.id, JSON.stringify({ id: 'concurrent', at, actorId: trainer.id, action: 'prerequisites.waive', targetId: trainee.id })]);
            await writer.query('COMMIT');
          },
        });
        expect(dump.waivers.length).toBe(source.waivers.length);
        expect(dump.audit.map((a) => a.id)).toEqual(source.audit.map((a) => a.id));
        expect((await dumpDatabase(db.url)).audit.at(-1)!.id).toBe('concurrent');
      } finally {
        await writer.end();
      }
    }, 60_000);

    it('refuses a folder that already holds a store with accounts, and leaves it as it was', async () => {
      const target = await writeFolder(await company(3), folder('full'));
      const before = filesOf(target);
      const r = await run('--from', sourceDir, '--to', target);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/already holds a store with \d+ accounts/);
      expect(filesOf(target)).toEqual(before);
    }, 60_000);

    it('refuses a database that already holds records, and leaves it as it was', async () => {
      // Different people from the source's (no shared username or id) and no org row, so only the emptiness check can refuse the copy.
      const other = await company(3);
      for (const u of other.users) u.username = `other.${u.username}`;
      other.sessions = [];
      other.throttles = [];
      const db = await database();
      await loadDatabase(db.url, other);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      await c.query('DELETE FROM org');
      await c.end();
      other.org = emptyData().org;
      const r = await run('--from', sourceDir, '--to', db.url);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/is not empty/);
      expectSameStore(await dumpDatabase(db.url), other);
    }, 60_000);

    it('refuses a folder a running server holds (its lock), and leaves it as it was', async () => {
      const target = folder('locked');
      // Another process holds the folder's lock, as a server running there does.
      const holder = spawn(path.resolve('node_modules/.bin/tsx'), ['-e', `import { acquireLock } from ${JSON.stringify(path.resolve('src/store/lock.ts'))}; acquireLock(${JSON.stringify(path.join(target, 'db.lock'))}); console.log('held'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          holder.stdout!.on('data', (b) => String(b).includes('held') && resolve());
          holder.on('exit', (code) => reject(new Error(`lock holder exited (${code})`)));
        });
        const before = filesOf(target);
        const r = await run('--from', sourceDir, '--to', target);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/a server \(pid \d+\) is using/);
        expect(filesOf(target)).toEqual(before);
      } finally {
        holder.kill();
      }
    }, 60_000);

    it('refuses an invalid source, naming the record, and writes nothing', async () => {
      const bad = structuredClone(source);
      delete (bad.users[3] as Partial<DbData['users'][number]>).username;
      bad.certificates[1]!.code = bad.certificates[0]!.code;
      const badDir = await writeFolder(bad, folder('bad'));
      const db = await database();
      const toDb = await run('--from', badDir, '--to', db.url);
      expect(toDb.code).toBe(1);
      expect(toDb.err).toContain('users[3].username');
      expect(toDb.err).toContain('certificates[1].code: duplicate code');
      expect(await databaseIsEmpty(db.url)).toBe(true);

      const target = folder('untouched');
      const toDir = await run('--from', badDir, '--to', target);
      expect(toDir.code).toBe(1);
      expect(toDir.err).toContain('users[3].username');
      expect(readdirSync(target)).toEqual([]);
    }, 60_000);

    it('refuses bad arguments with the usage (exit 2)', async () => {
      for (const argv of [[], ['--from', sourceDir], ['--from', sourceDir, '--to'], ['--to', sourceDir, '--from', sourceDir], ['--from', sourceDir, '--to', 'x', '--what']]) {
        const r = await run(...argv);
        expect(r.code, argv.join(' ')).toBe(2);
        expect(r.err).toMatch(/Usage: npm run store:copy/);
      }
    });

    it('a PostgreSQL backup restores into a folder, and a folder backup restores into PostgreSQL, replacing what it held', async () => {
      const db = await database();
      await loadDatabase(db.url, source);
      const out = folder('backups');
      const pgBackup = await backupDatabase(db.url, new Date(), out);
      expect(pgBackup.users).toBe(source.users.length);

      const dir = folder('restored');
      await restoreStore(dir, pgBackup.file, new Date());
      expectSameStore(readStoreData(dir), source);

      // And back: the folder's backup replaces a database holding something else, keeping that first.
      const dirBackup = await backupStore(dir, new Date(Date.now() + 1000), out);
      const other = await company(3);
      const db2 = await database();
      await loadDatabase(db2.url, other);
      const restored = await restoreDatabase(db2.url, dirBackup.file, new Date(), out);
      expectSameStore(await dumpDatabase(db2.url), source);
      expect(restored.previous).toBeDefined();
      expectSameStore(readStoreData(dir), source);
    }, 60_000);
  });
} else describe.skip('store:copy (PG_TESTS=0: no cluster in this run)', () => {});
