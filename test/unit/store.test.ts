import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { openStore, StoreCorruptError, StoreLockedError, StoreWriteError, DuplicateUsernameError, SCHEMA_VERSION } from '../../src/store';
import { tempDir } from './helpers';

const NOW = '2026-11-28T08:00:00.000Z';
const user = (username: string) => ({ username, displayName: '王小明', role: 'trainee' as const, department: '客服部', site: '阳光花园', passwordHash: 'x' });
const readJson = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8'));

describe('store', () => {
  it('creates, reads and updates users, persisting each change', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const [u] = await store.createUsers([user('wang.xm')], NOW);
    expect(store.getUserByUsername('wang.xm')?.displayName).toBe('王小明');
    await store.updateUser(u!.id, { site: '翠湖天地' }, NOW);
    expect(readJson(dir).users[0].site).toBe('翠湖天地');
    await expect(store.createUsers([user('wang.xm')], NOW)).rejects.toBeInstanceOf(DuplicateUsernameError);
    await store.close();
    const again = await openStore(dir);
    expect(again.getUser(u!.id)?.site).toBe('翠湖天地');
    expect(again.listUsers()).toHaveLength(1);
    await again.close();
  });

  it('returns copies, so callers cannot change stored data behind its back', async () => {
    const store = await openStore(tempDir());
    const [u] = await store.createUsers([user('copy.test')], NOW);
    const got = store.getUser(u!.id)!;
    got.displayName = '篡改';
    expect(store.getUser(u!.id)!.displayName).toBe('王小明');
    await store.close();
  });

  it('folds a passed knowledge check into module progress once', async () => {
    const store = await openStore(tempDir());
    const base = { userId: 'u1', chapter: 3, results: [], total: 5, at: NOW };
    await store.markModuleOpened('u1', 3, NOW);
    await store.recordCheckAttempt({ ...base, correct: 2, percent: 40, passed: false });
    expect(store.listModuleProgress('u1')[0]).toMatchObject({ bestPercent: 40 });
    expect(store.listModuleProgress('u1')[0]!.completedAt).toBeUndefined();
    await store.recordCheckAttempt({ ...base, correct: 5, percent: 100, passed: true, at: '2026-11-28T09:00:00.000Z' });
    await store.recordCheckAttempt({ ...base, correct: 4, percent: 80, passed: true, at: '2026-11-28T10:00:00.000Z' });
    const p = store.listModuleProgress('u1')[0]!;
    expect(p).toMatchObject({ bestPercent: 100, completedAt: '2026-11-28T09:00:00.000Z' });
    await store.close();
  });

  it('migrates a version-1 file forward and keeps a copy of the original', async () => {
    const dir = tempDir();
    const v1 = { users: [{ id: 'a', username: 'old', displayName: '老员工', role: 'trainee', dept: '客服部', passwordHash: 'x', active: true, createdAt: NOW, updatedAt: NOW }], sessions: [] };
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(v1));
    const store = await openStore(dir);
    expect(store.migratedFrom).toBe(1);
    expect(store.getUser('a')).toMatchObject({ department: '客服部', site: '' });
    expect(store.getUser('a')).not.toHaveProperty('dept');
    expect(readJson(dir).schemaVersion).toBe(SCHEMA_VERSION);
    expect(store.getOrg().departments).toEqual(['客服部']);
    expect(JSON.parse(readFileSync(path.join(dir, 'db.json.v1.bak'), 'utf8'))).toEqual(v1);
    await store.close();
  });

  it('refuses a store written by a newer version', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ schemaVersion: SCHEMA_VERSION + 1 }));
    await expect(openStore(dir)).rejects.toThrow(/newer version/);
  });

  it('refuses a corrupt store and leaves it untouched', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'db.json'), '{"users": [');
    await expect(openStore(dir)).rejects.toBeInstanceOf(StoreCorruptError);
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe('{"users": [');
    // The lock was released, so a fixed store opens.
    writeFileSync(path.join(dir, 'db.json'), '{}');
    await (await openStore(dir)).close();
  });

  it('lets only one process own a data folder', async () => {
    const dir = tempDir();
    const first = await openStore(dir);
    // A lock held by a live process other than us:
    await first.close();
    writeFileSync(path.join(dir, 'db.lock'), String(process.ppid));
    await expect(openStore(dir)).rejects.toBeInstanceOf(StoreLockedError);
    // A stale lock (dead pid) is taken over.
    writeFileSync(path.join(dir, 'db.lock'), '999999');
    await (await openStore(dir)).close();
  });

  it('a failed write changes nothing on disk or in memory', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([user('before')], NOW);
    const before = readFileSync(path.join(dir, 'db.json'), 'utf8');
    // Block the temporary file's path so the next write fails half-way.
    mkdirSync(path.join(dir, `.db.json.${process.pid}.tmp`));
    await expect(store.createUsers([user('after')], NOW)).rejects.toBeInstanceOf(StoreWriteError);
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe(before);
    expect(store.getUserByUsername('after')).toBeUndefined();
    await store.close();
  });

  it('serialises concurrent writes: none is lost', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.markModuleOpened(`u${i}`, 1, NOW)));
    expect(readJson(dir).moduleProgress).toHaveLength(50);
    await store.close();
  });

  it('a process killed mid-write always leaves a parseable store', async () => {
    const dir = tempDir();
    const script = path.resolve('test/fixtures/store-writer.ts');
    for (let i = 0; i < 8; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Wait until it has written at least once, then kill it while it keeps writing.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + ((i * 37) % 60)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const data = readJson(dir);
      expect(Array.isArray(data.moduleProgress)).toBe(true);
      expect(data.moduleProgress.length).toBeGreaterThan(0);
    }
    expect(existsSync(path.join(dir, 'db.json'))).toBe(true);
  }, 30_000);
});

describe('group commit', () => {
  it('acknowledges each change only once it is on disk, sharing writes between concurrent changes', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const before = store.writeCount();
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.markModuleOpened(`g${i}`, 1, NOW).then(() => {
          // At acknowledgement time this change is in the file.
          expect(readJson(dir).moduleProgress.some((p: { userId: string }) => p.userId === `g${i}`)).toBe(true);
        }),
      ),
    );
    const writes = store.writeCount() - before;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThan(20);
    expect(readJson(dir).moduleProgress).toHaveLength(200);
    await store.close();
  });

  it('a failed shared write rejects every change in it and keeps memory equal to the disk', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([user('kept')], NOW);
    mkdirSync(path.join(dir, `.db.json.${process.pid}.tmp`));
    const results = await Promise.allSettled([store.createUsers([user('lost.one')], NOW), store.createUsers([user('lost.two')], NOW)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(store.getUserByUsername('lost.one')).toBeUndefined();
    expect(store.getUserByUsername('lost.two')).toBeUndefined();
    expect(store.getUserByUsername('kept')).toBeDefined();
    await store.close();
  });
});
