import { describe, it, expect, vi, afterEach } from 'vitest';
import nodeFs, { readFileSync, writeFileSync, mkdirSync, existsSync, renameSync, rmSync, statSync, appendFileSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { openStore, readStoreData, StoreCorruptError, StoreLockedError, StoreWriteError, DuplicateUsernameError, SCHEMA_VERSION } from '../../src/store';
import { tempDir, auditOf } from './helpers';
import { readStoreFile } from '../../src/store/journal';

const NOW = '2026-11-28T08:00:00.000Z';
const user = (username: string) => ({ username, displayName: '王小明', role: 'trainee' as const, department: '客服部', site: '阳光花园', passwordHash: 'x' });
/** What is on disk (snapshot plus journal), read the way a restart would. */
const readJson = (dir: string) => readStoreData(dir);
const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
afterEach(() => void vi.restoreAllMocks());

/** Makes the store's next flush to disk fail as a full or failing disk would (after the bytes were handed to the OS). */
function failNextSync() {
  vi.spyOn(nodeFs, 'fdatasync').mockImplementationOnce(((_fd: number, cb: (e: Error) => void) => cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))) as never);
}

describe('store', () => {
  it('creates, reads and updates users, persisting each change', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const [u] = await store.createUsers([user('wang.xm')], NOW);
    expect((await store.getUserByUsername('wang.xm'))?.displayName).toBe('王小明');
    await store.updateUser(u!.id, { site: '翠湖天地' }, NOW);
    expect(readJson(dir).users[0].site).toBe('翠湖天地');
    await expect(store.createUsers([user('wang.xm')], NOW)).rejects.toBeInstanceOf(DuplicateUsernameError);
    await store.close();
    const again = await openStore(dir);
    expect((await again.getUser(u!.id))?.site).toBe('翠湖天地');
    expect(await again.listUsers()).toHaveLength(1);
    await again.close();
  });

  it('returns copies, so callers cannot change stored data behind its back', async () => {
    const store = await openStore(tempDir());
    const [u] = await store.createUsers([user('copy.test')], NOW);
    const got = (await store.getUser(u!.id))!;
    got.displayName = '篡改';
    expect((await store.getUser(u!.id))!.displayName).toBe('王小明');
    await store.close();
  });

  it('writes audit notes in the same write as the account change, and keeps the log append-only', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const [u] = await store.createUsers([user('audited')], NOW, [{ actorId: 'admin-1', action: 'user.create', details: { role: 'trainee' } }]);
    await store.updateUser(u!.id, { role: 'trainer' }, NOW, [{ actorId: 'admin-1', action: 'user.role', reason: '调岗', details: { from: 'trainee', to: 'trainer' } }]);
    // An unknown account changes nothing and logs nothing.
    expect(await store.updateUser('no-such-id', { active: false }, NOW, [{ actorId: 'admin-1', action: 'user.deactivate' }])).toBeUndefined();
    const expected = [
      { id: expect.any(String), at: NOW, actorId: 'admin-1', action: 'user.create', targetId: u!.id, details: { role: 'trainee' } },
      { id: expect.any(String), at: NOW, actorId: 'admin-1', action: 'user.role', targetId: u!.id, reason: '调岗', details: { from: 'trainee', to: 'trainer' } },
    ];
    expect(readJson(dir).audit).toEqual(expected);
    // What a caller lists is a copy, details included.
    const listed = (await auditOf(store));
    listed[0]!.details!.role = 'admin';
    listed[1]!.reason = '篡改';
    expect(await auditOf(store)).toEqual(expected);
    // No method edits or removes an entry: only appending and listing mention the log.
    expect(Object.keys(store).filter((k) => /audit/i.test(k)).sort()).toEqual(['appendAudit', 'listAudit']);
    expect(readFileSync('src/store/store.ts', 'utf8')).not.toMatch(/\b(del|patch)\('audit'|removeWhere\(\w+, \w+, 'audit'|\.audit\s*=[^=]|\.audit\.(splice|pop|shift|length\s*=)/);
    await store.close();
  });

  it('folds a passed knowledge check into module progress once', async () => {
    const store = await openStore(tempDir());
    const base = { userId: 'u1', chapter: 3, results: [], total: 5, at: NOW };
    await store.markModuleOpened('u1', 3, NOW);
    await store.recordCheckAttempt({ ...base, correct: 2, percent: 40, passed: false });
    expect((await store.listModuleProgress('u1'))[0]).toMatchObject({ bestPercent: 40 });
    expect((await store.listModuleProgress('u1'))[0]!.completedAt).toBeUndefined();
    await store.recordCheckAttempt({ ...base, correct: 5, percent: 100, passed: true, at: '2026-11-28T09:00:00.000Z' });
    await store.recordCheckAttempt({ ...base, correct: 4, percent: 80, passed: true, at: '2026-11-28T10:00:00.000Z' });
    const p = (await store.listModuleProgress('u1'))[0]!;
    expect(p).toMatchObject({ bestPercent: 100, completedAt: '2026-11-28T09:00:00.000Z' });
    await store.close();
  });

  it('migrates a version-1 file forward and keeps a copy of the original', async () => {
    const dir = tempDir();
    const v1 = { users: [{ id: 'a', username: 'old', displayName: '老员工', role: 'trainee', dept: '客服部', passwordHash: 'x', active: true, createdAt: NOW, updatedAt: NOW }], sessions: [] };
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(v1));
    const store = await openStore(dir);
    expect(store.migratedFrom).toBe(1);
    expect(await store.getUser('a')).toMatchObject({ department: '客服部', site: '' });
    expect(await store.getUser('a')).not.toHaveProperty('dept');
    expect(readJson(dir).schemaVersion).toBe(SCHEMA_VERSION);
    expect((await store.getOrg()).departments).toEqual(['客服部']);
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

  it('a failed write changes nothing on disk or in memory, and the next write works', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([user('before')], NOW);
    const before = readJson(dir);
    const logBytes = size(path.join(dir, 'db.log'));
    failNextSync();
    await expect(store.createUsers([user('after')], NOW)).rejects.toBeInstanceOf(StoreWriteError);
    // The bytes that reached the journal before the failed flush were cut off again.
    expect(size(path.join(dir, 'db.log'))).toBe(logBytes);
    expect(readJson(dir)).toEqual(before);
    expect(await store.getUserByUsername('after')).toBeUndefined();
    await store.createUsers([user('later')], NOW);
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['before', 'later']);
    await store.close();
  });

  it('when the disk cannot even be read back, refuses writes until it can, then resumes by itself', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([user('kept')], NOW);
    const log = path.join(dir, 'db.log');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // The journal's name now points at something that cannot be appended to or read.
    renameSync(log, `${log}.aside`);
    mkdirSync(log);
    await expect(store.createUsers([user('lost')], NOW)).rejects.toBeInstanceOf(StoreWriteError);
    await expect(store.markModuleOpened('u1', 1, NOW)).rejects.toThrow(/could not reload the store/);
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/store: could not save a write .*EISDIR/);
    rmSync(log, { recursive: true });
    renameSync(`${log}.aside`, log);
    // No restart: a later write retries the reload (at most once a second) and goes through.
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      ok = await store.createUsers([user(`later${i}`)], NOW).then(() => true, () => false);
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
    expect(ok).toBe(true);
    expect(await store.getUserByUsername('lost')).toBeUndefined();
    await store.close();
    const again = await openStore(dir);
    expect((await again.listUsers()).map((u) => u.username)).toEqual(['kept', expect.stringMatching(/^later\d+$/)]);
    await again.close();
  });

  it('serialises concurrent writes: none is lost', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.markModuleOpened(`u${i}`, 1, NOW)));
    expect(readJson(dir).moduleProgress).toHaveLength(50);
    await store.close();
  });

  it('a process killed mid-write (or mid-checkpoint) keeps every acknowledged write', async () => {
    const dir = tempDir();
    const script = path.resolve('test/fixtures/store-writer.ts');
    const acknowledged = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, String(i)], { stdio: ['ignore', 'pipe', 'inherit'] });
      // The child prints each key once its write is acknowledged.
      let buffered = '';
      child.stdout.on('data', (b: Buffer) => {
        buffered += b.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const l of lines) if (l) acknowledged.add(l);
      });
      // Kill it at a different moment of its writing each time.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + ((i * 97) % 400)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const data = readJson(dir);
      const stored = new Set(data.moduleProgress.map((p) => p.userId));
      expect(acknowledged.size).toBeGreaterThan(0);
      for (const k of acknowledged) expect(stored.has(k), `acknowledged ${k.slice(0, 12)} lost after kill ${i}`).toBe(true);
    }
    expect(existsSync(path.join(dir, 'db.json'))).toBe(true);
  }, 60_000);
});

describe('journal', () => {
  it('a write appends only the change: the cost does not grow with the store', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `t${i}-${j}` })));
    }
    await store.checkpoint();
    const snapshot = size(path.join(dir, 'db.json'));
    const log = path.join(dir, 'db.log');
    const before = size(log);
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'one more' });
    expect(snapshot).toBeGreaterThan(1_000_000);
    expect(size(path.join(dir, 'db.json'))).toBe(snapshot);
    expect(size(log) - before).toBeLessThan(300);
    await store.close();
    expect(readJson(dir).audit).toHaveLength(10_001);
  });

  it('checkpoints fold the journal into the snapshot, even while writes continue', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 20_000 });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const batch = await Promise.all(Array.from({ length: 25 }, (_, j) => store.recordCheckAttempt({ userId: `u${j}`, chapter: 1 + (i % 7), results: [], total: 5, correct: 3, percent: 60, passed: false, at: NOW })));
      ids.push(...batch.map((a) => a.id));
      await store.touchSession('none', NOW);
    }
    await store.close();
    // Checkpoints ran: the journal is far smaller than everything written, and the old journal is gone.
    expect(size(path.join(dir, 'db.log'))).toBeLessThan(size(path.join(dir, 'db.json')));
    expect(existsSync(path.join(dir, 'db-old.log'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'db.json'), 'utf8').split('\n')[0]!).logSeq).toBeGreaterThan(0);
    const again = await openStore(dir);
    expect(new Set(readJson(dir).checkAttempts.map((a) => a.id))).toEqual(new Set(ids));
    expect(await again.listModuleProgress('u3')).toHaveLength(7);
    await again.close();
  });

  it('updates and deletions replay to the same state as memory', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    const [u] = await store.createUsers([user('a'), user('b')], NOW);
    await store.updateUser(u!.id, { displayName: '王大明' }, NOW);
    await store.createSession({ idHash: 'h1', userId: u!.id, createdAt: NOW, lastSeenAt: NOW });
    await store.createSession({ idHash: 'h2', userId: u!.id, createdAt: NOW, lastSeenAt: NOW });
    await store.touchSession('h2', '2026-11-28T09:00:00.000Z');
    await store.deleteSession('h1');
    const play = await store.startPlay({ userId: u!.id, scenarioId: 'ceiling-leak', version: 1, mode: 'practice', seed: 's', startedAt: NOW });
    await store.recordPlayStep(play.id, 0, { node: 'opening', choice: 'x', mood: 50, at: NOW, ms: 1 });
    await store.setOrg({ name: '示例物业', sites: ['阳光花园'], departments: ['客服部'] });
    const exam = await store.createExamAttempt({ userId: u!.id, seed: 's', paper: [], bankVersion: 'v', startedAt: NOW, deadline: NOW, answers: {} });
    await store.saveExamAnswer(exam.id, 'q1', 'a', NOW);
    await store.saveExamAnswer(exam.id, 'q2', ['b', 'c'], NOW);
    await store.saveExamAnswer(exam.id, 'q1', undefined, NOW);
    const memory = { users: await store.listUsers(), session: await store.findSession('h2'), gone: await store.findSession('h1'), org: await store.getOrg(), progress: await store.getPlay(play.id), exam: await store.getExamAttempt(exam.id) };
    await store.close();
    const again = await openStore(dir);
    expect({ users: await again.listUsers(), session: await again.findSession('h2'), gone: await again.findSession('h1'), org: await again.getOrg(), progress: await again.getPlay(play.id), exam: await again.getExamAttempt(exam.id) }).toEqual(memory);
    expect(memory.exam!.answers).toEqual({ q2: ['b', 'c'] });
    await again.close();
  });

  it('records a play step only while the play is open, at its step and before its deadline; an ending stores the attempt in the same write', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const deadline = '2026-11-28T08:15:00.000Z';
    const play = await store.startPlay({ userId: 'u1', scenarioId: 'ceiling-leak', version: 1, mode: 'assessment', seed: 's', startedAt: NOW, deadline });
    const step = (at = NOW) => ({ node: 'opening', choice: 'c1', mood: 60, at, ms: 5 });
    expect(await store.recordPlayStep(play.id, 0, step())).toMatchObject({ ok: true });
    // A replayed request (still at step 0) and a second tab change nothing.
    expect(await store.recordPlayStep(play.id, 0, step())).toEqual({ ok: false, reason: 'moved' });
    expect(await store.recordPlayStep(play.id, 1, step('2026-11-28T08:15:00.001Z'))).toEqual({ ok: false, reason: 'timed-out' });
    expect(await store.recordPlayStep('nope', 0, step())).toEqual({ ok: false, reason: 'gone' });
    const attempt = { userId: 'u1', scenarioId: 'ceiling-leak', version: 1, mode: 'assessment' as const, choiceIds: ['c1', 'c2'], ending: 'e', outcome: 'resolved' as const, totals: { calmness: 1, empathy: 1, solution: 1 }, scores: { calmness: 90, empathy: 90, solution: 90, overall: 90, passed: true }, moods: [70, 60, 50], at: NOW };
    const done = await store.recordPlayStep(play.id, 1, step(), attempt);
    expect(done).toMatchObject({ ok: true, play: { end: 'finished' }, attempt: { playId: play.id } });
    expect(await store.recordPlayStep(play.id, 2, step())).toEqual({ ok: false, reason: 'ended' });
    await store.close();
    const again = await openStore(dir);
    expect(await again.getPlay(play.id)).toMatchObject({ end: 'finished', steps: [{ choice: 'c1' }, { choice: 'c1' }] });
    expect(await again.listScenarioAttempts('u1')).toEqual([expect.objectContaining({ playId: play.id, scores: attempt.scores })]);
    await again.close();
  });

  it('finds plays by id and by person after a failed write reloads the store', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const base = { userId: 'u1', scenarioId: 'ceiling-leak', version: 1, mode: 'practice' as const, seed: 's', startedAt: NOW };
    const first = await store.startPlay(base);
    failNextSync();
    await expect(store.startPlay({ ...base, startedAt: '2026-11-28T08:01:00.000Z' })).rejects.toBeInstanceOf(StoreWriteError);
    // The failed start is gone, and the first play is open again (its give-up was not saved either).
    expect((await store.listPlays('u1')).map((p) => [p.id, p.end])).toEqual([[first.id, undefined]]);
    const second = await store.startPlay({ ...base, startedAt: '2026-11-28T08:02:00.000Z' });
    expect(await store.getPlay(second.id)).toMatchObject({ id: second.id });
    expect((await store.listPlays('u1')).map((p) => p.end)).toEqual(['abandoned', undefined]);
    expect(await store.listPlays('u2')).toEqual([]);
    await store.close();
  });

  it('migrates a version-6 store: half-played paths go (also from its journal), attempts stay', async () => {
    const dir = tempDir();
    const v6 = { schemaVersion: 6, logSeq: 0, org: { name: '', sites: [], departments: [] }, users: [{ ...user('old'), id: 'u1', active: true, createdAt: NOW, updatedAt: NOW }], sessions: [], moduleProgress: [], checkAttempts: [], scenarioAttempts: [{ id: 'a1', userId: 'u1', scenarioId: 'ceiling-leak', version: 1, mode: 'assessment', choiceIds: [], ending: 'e', outcome: 'resolved', totals: { calmness: 1, empathy: 1, solution: 1 }, scores: { calmness: 90, empathy: 90, solution: 90, overall: 90, passed: true }, moods: [], at: NOW }], scenarioProgress: [], examAttempts: [], certificates: [], waivers: [], audit: [], cohorts: [], liveSessions: [], observations: [] };
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(v6));
    appendFileSync(path.join(dir, 'db.log'), JSON.stringify({ b: 1, ops: [['put', 'scenarioProgress', { userId: 'u1', scenarioId: 'ceiling-leak', version: 1, mode: 'practice', choiceIds: ['x'], updatedAt: NOW }]] }) + '\n');
    const store = await openStore(dir);
    expect(store.migratedFrom).toBe(6);
    expect(await store.listScenarioAttempts('u1')).toHaveLength(1);
    expect((await store.listScenarioAttempts('u1'))[0]!.playId).toBeUndefined();
    await store.close();
    const data = readJson(dir) as unknown as Record<string, unknown>;
    expect(data.scenarioProgress).toBeUndefined();
    expect(data.scenarioPlays).toEqual([]);
  });

  it('drops a torn last line (a crash mid-append) and cuts it off before writing on', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([user('kept')], NOW);
    await store.close();
    const log = path.join(dir, 'db.log');
    const good = size(log);
    appendFileSync(log, '{"b":2,"ops":[["put","users",{"id":"x","usern');
    const again = await openStore(dir);
    expect(size(log)).toBe(good);
    await again.createUsers([user('next')], NOW);
    await again.close();
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['kept', 'next']);
  });

  it('refuses a journal damaged in the middle or missing a batch, and leaves it untouched', async () => {
    for (const damage of ['{"b":1,"ops":[["put","users",{"id"\n', '{"b":3,"ops":[]}\n']) {
      const dir = tempDir();
      const store = await openStore(dir);
      await store.createUsers([user('kept')], NOW);
      await store.close();
      const log = path.join(dir, 'db.log');
      // A damaged line followed by a good one; or a batch number that skips one.
      appendFileSync(log, damage + '{"b":4,"ops":[]}\n');
      const before = readFileSync(log, 'utf8');
      await expect(openStore(dir)).rejects.toBeInstanceOf(StoreCorruptError);
      expect(readFileSync(log, 'utf8')).toBe(before);
    }
  });

  it('a checkpoint that fails before its snapshot is in place loses nothing', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    await store.createUsers([user('one')], NOW);
    vi.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('input/output error'), { code: 'EIO' }));
    await expect(store.checkpoint()).rejects.toThrow(/input\/output error/);
    // The journal was switched but the new snapshot never replaced the old one.
    expect(existsSync(path.join(dir, 'db-old.log'))).toBe(true);
    await store.createUsers([user('two')], NOW);
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['one', 'two']);
    await store.checkpoint();
    await store.close();
    expect(existsSync(path.join(dir, 'db-old.log'))).toBe(false);
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['one', 'two']);
  });

  it('a checkpoint interrupted after switching journals loses nothing', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    await store.createUsers([user('one')], NOW);
    await store.createUsers([user('two')], NOW);
    await store.close();
    // As a crash right after the switch leaves it: the journal renamed, no new snapshot yet.
    renameSync(path.join(dir, 'db.log'), path.join(dir, 'db-old.log'));
    const again = await openStore(dir);
    await again.createUsers([user('three')], NOW);
    await again.close();
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['one', 'two', 'three']);
    // Opening folded the old journal into a snapshot.
    expect(existsSync(path.join(dir, 'db-old.log'))).toBe(false);
  });
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
    failNextSync();
    const results = await Promise.allSettled([store.createUsers([user('lost.one')], NOW), store.createUsers([user('lost.two')], NOW)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await store.getUserByUsername('lost.one')).toBeUndefined();
    expect(await store.getUserByUsername('lost.two')).toBeUndefined();
    expect(await store.getUserByUsername('kept')).toBeDefined();
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['kept']);
    await store.close();
  });
});

describe('backup while the store writes and checkpoints', () => {
  const COPIES = 25;
  it('every copy taken by another process is one consistent state, also across checkpoints', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.createUsers([{ ...user('admin'), role: 'admin' }], NOW);
    let stop = false;
    let checkpoints = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `n${i}`, details: { pad: 'x'.repeat(200) } });
        if (i % 10 === 0 && (await store.checkpoint())) checkpoints++;
      }
    })();
    // At the lowest priority the copier is starved whenever the machine is busy, as on a loaded CI machine:
    // each of its reads then overlaps many checkpoints, which once kept every read from settling.
    const child = spawn('nice', ['-n', '19', process.execPath, '--import', 'tsx', path.resolve('test/fixtures/backup-loop.ts'), dir, String(COPIES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    // 'close', not 'exit': only then has all of its output been read.
    await new Promise((r) => child.once('close', r));
    stop = true;
    await writer;
    await store.close();
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(COPIES);
    let previous = 0;
    for (const line of lines) {
      expect(line).not.toMatch(/^ERR/);
      const audit: Array<{ targetId: string }> = (readStoreFile(line).data as { audit: Array<{ targetId: string }> }).audit;
      // A prefix of what was written, in order, with no gaps, never shorter than an earlier copy.
      expect(audit.every((a, i) => a.targetId === `n${i}`)).toBe(true);
      expect(audit.length).toBeGreaterThanOrEqual(previous);
      previous = audit.length;
    }
    expect(previous).toBeGreaterThan(0);
    // Checkpoints ran between the backups (the fixture pauses between them), not only before or after.
    expect(checkpoints).toBeGreaterThan(0);
    // A starved copier is the point, so it may take long on a busy machine: bounded by count, not by time.
  }, 240_000);

  it("a backup's hold defers checkpoints; a hold left by a process that is gone does not", async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 });
    await store.createUsers([{ ...user('admin'), role: 'admin' }], NOW);
    await store.checkpoint();
    const snapshot = () => statSync(path.join(dir, 'db.json')).mtimeMs;
    // A live process (this one) holds: neither an explicit nor an automatic checkpoint runs.
    writeFileSync(path.join(dir, `.backup-${process.pid}.hold`), String(process.pid));
    const before = snapshot();
    for (let i = 0; i < 5; i++) await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `h${i}`, details: { pad: 'x'.repeat(2000) } });
    expect(await store.checkpoint()).toBe(false);
    expect(snapshot()).toBe(before);
    expect(existsSync(path.join(dir, 'db.log'))).toBe(true);
    // A hold whose process has exited is ignored and removed.
    rmSync(path.join(dir, `.backup-${process.pid}.hold`));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path.join(dir, `.backup-${gone}.hold`), String(gone));
    expect(await store.checkpoint()).toBe(true);
    expect(snapshot()).not.toBe(before);
    expect(existsSync(path.join(dir, `.backup-${gone}.hold`))).toBe(false);
    expect(readJson(dir).audit).toHaveLength(5);
    await store.close();
  });
});

describe('left-overs and failures in the background', () => {
  it('removes snapshot temporaries left by a crashed process at start, never one of a running process', async () => {
    const dir = tempDir();
    await (await openStore(dir)).close();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.once('exit', r));
    const sleeper = spawn('sleep', ['600']);
    try {
      await new Promise((r) => sleeper.once('spawn', r));
      const orphan = path.join(dir, `.db.json.${gone.pid}.tmp`);
      const live = path.join(dir, `.db.json.${sleeper.pid}.tmp`);
      writeFileSync(orphan, '{"half":');
      writeFileSync(live, '{"being written":');
      await (await openStore(dir)).close();
      expect(existsSync(orphan)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a checkpoint that fails in the background is logged with its cause', async () => {
    const dir = tempDir();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const store = await openStore(dir, { checkpointBytes: 1 });
    vi.spyOn(fsp, 'rename').mockRejectedValueOnce(Object.assign(new Error('input/output error'), { code: 'EIO' }));
    // The journal is now larger than the (absent) snapshot: the write starts a checkpoint, which fails at its rename.
    await store.createUsers([user('one')], NOW);
    await store.close();
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/checkpoint failed .*input\/output error/);
    expect(readJson(dir).users.map((u) => u.username)).toEqual(['one']);
  });
});
