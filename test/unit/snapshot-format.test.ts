import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, truncateSync, existsSync, openSync, closeSync, ftruncateSync, statSync } from 'node:fs';
import path from 'node:path';
import { openStore, readStoreData, StoreCorruptError } from '../../src/store';
import { emptyData } from '../../src/store/migrations';
import { readStoreFile, writeSnapshot } from '../../src/store/journal';
import { backupStore, restoreStore } from '../../src/store/backup';
import type { DbData, UserRecord } from '../../src/store/types';
import { tempDir } from './helpers';

const NOW = '2026-11-28T08:00:00.000Z';
const user = (id: string, displayName = '王小明', role: UserRecord['role'] = 'trainee'): UserRecord => ({
  id, username: id, displayName, role, department: '客服部', site: '翠湖天地', passwordHash: 'x', active: true, createdAt: NOW, updatedAt: NOW,
});
const store3 = (): DbData => ({ ...emptyData(), org: { name: '物业', sites: ['翠湖天地'], departments: ['客服部'] }, users: [user('a', '管理员', 'admin'), user('b'), user('c')] });
/** 250 people: the users take lines 2–4 of a format-2 snapshot (100, 100 and 50 records). */
const store250 = (): DbData => ({ ...store3(), users: [user('a', '管理员', 'admin'), ...Array.from({ length: 249 }, (_, i) => user(`u${i}`))] });
const snapshotText = (dir: string) => readFileSync(path.join(dir, 'db.json'), 'utf8');

describe('snapshot format 2', () => {
  it('writes a header line and lines of up to 100 records, and reads back what was written', async () => {
    const dir = tempDir();
    const data = store250();
    await writeSnapshot(dir, data, 7);
    const lines = snapshotText(dir).split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 2, schemaVersion: data.schemaVersion, logSeq: 7, org: data.org, collections: { users: 250, audit: 0 } });
    expect(lines.slice(1, 4).map((l) => JSON.parse(l))).toEqual([0, 100, 200].map((i) => ['users', data.users.slice(i, i + 100)]));
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe('');
    expect(readStoreFile(path.join(dir, 'db.json')).data).toEqual({ ...data, logSeq: 7 });
    // And through the store: the journal after logSeq 7 is replayed on it.
    const store = await openStore(dir);
    expect(await store.getUser('u248')).toEqual(data.users[249]);
    await store.close();
  });

  it('round-trips line breaks inside strings and Chinese text (a line break always ends a line of the format)', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const awkward = '张\n三\r\n「物业」\u2028\u2029 "引号" \\ 🏠';
    const [u] = await store.createUsers([{ username: 'zhang', displayName: awkward, role: 'trainee', department: '客服\n部', site: '翠湖\r天地', passwordHash: 'x' }], NOW);
    await store.appendAudit({ at: NOW, actorId: u!.id, action: 'export', targetId: u!.id, reason: awkward });
    expect(await store.checkpoint()).toBe(true);
    await store.close();
    const text = snapshotText(dir);
    expect(text.startsWith('{"format":2,')).toBe(true);
    // The header, the user's line, the audit entry's line, each ending in a line break.
    expect(text.split('\n')).toHaveLength(4);
    const again = await openStore(dir);
    expect(await again.getUser(u!.id)).toMatchObject({ displayName: awkward, department: '客服\n部', site: '翠湖\r天地' });
    expect(readStoreData(dir).audit[0]!.reason).toBe(awkward);
    await again.close();
  });

  it('still loads an old single-JSON snapshot (format 1), and the next checkpoint rewrites it in format 2', async () => {
    const dir = tempDir();
    const data = store3();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...data, logSeq: 0 }));
    const store = await openStore(dir);
    expect(await store.getUser('c')).toEqual(data.users[2]);
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'x' });
    expect(await store.checkpoint()).toBe(true);
    await store.close();
    const head = JSON.parse(snapshotText(dir).split('\n')[0]!);
    expect(head).toMatchObject({ format: 2, logSeq: 1, collections: { users: 3, audit: 1 } });
    expect(readStoreData(dir)).toMatchObject({ users: data.users, audit: [{ targetId: 'x' }] });
  });

  it('refuses an old-format snapshot too large to read as one string, saying so', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.json');
    writeFileSync(file, '{"schemaVersion":8,');
    // Sparse: 501 MB on paper, nothing on disk.
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, 501 * 2 ** 20);
    closeSync(fd);
    await expect(openStore(dir)).rejects.toThrow(/501 MB in the old single-JSON format/);
  });

  describe('a damaged snapshot is corruption, never read as a shorter store', () => {
    // The snapshot is written whole and renamed into place, so any of these is damage.
    const damaged = async (damage: (file: string, bytes: Buffer) => void, message: RegExp) => {
      const dir = tempDir();
      await writeSnapshot(dir, store250(), 0);
      const file = path.join(dir, 'db.json');
      damage(file, readFileSync(file));
      const after = readFileSync(file);
      const e = await openStore(dir).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(StoreCorruptError);
      expect((e as Error).message).toMatch(message);
      // Left untouched, and readStoreData (backups) refuses it too.
      expect(readFileSync(file).equals(after)).toBe(true);
      expect(() => readStoreData(dir)).toThrow(message);
    };

    it('a line cut off in the middle names that line', async () => {
      await damaged((file, bytes) => truncateSync(file, bytes.lastIndexOf(10, bytes.length - 2) + 20), /db\.json line 4 is damaged \(cut off\)/);
    });

    it('a garbled line in the middle names that line', async () => {
      await damaged((file, bytes) => {
        const lines = bytes.toString().split('\n');
        // A NUL byte is invalid anywhere in JSON, inside a string or out.
        lines[2] = `${lines[2]!.slice(0, 100)}\u0000${lines[2]!.slice(101)}`;
        writeFileSync(file, lines.join('\n'));
      }, /db\.json line 3 is damaged/);
    });

    it('a record line of a collection the header does not name', async () => {
      await damaged((file, bytes) => writeFileSync(file, bytes.toString().replace('["users",', '["nobody",')), /db\.json line 2 is damaged \(not records of a collection the header names\)/);
    });

    it('whole lines missing at the end (cut at a line break) are noticed by the header\'s counts', async () => {
      await damaged((file, bytes) => truncateSync(file, bytes.lastIndexOf(10, bytes.length - 2) + 1), /header names 250 records of users, it holds 200/);
    });
  });
});

describe('backups in format 2', () => {
  it('a backup is written in format 2 and restores; a backup in the old single-JSON format still restores', async () => {
    const dir = tempDir();
    const data = store3();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...data, logSeq: 0 }));
    const { file, users } = await backupStore(dir, new Date(NOW));
    expect(users).toBe(3);
    expect(readFileSync(file, 'utf8').startsWith('{"format":2,')).toBe(true);
    // An old backup (one JSON document, as the previous release wrote them).
    const old = path.join(dir, 'old-backup.json');
    writeFileSync(old, JSON.stringify({ ...data, users: data.users.slice(0, 2) }));
    for (const [backup, n] of [[old, 2], [file, 3]] as const) {
      await restoreStore(dir, backup, new Date(NOW));
      expect(snapshotText(dir).startsWith('{"format":2,')).toBe(true);
      expect(readStoreData(dir).users).toEqual(data.users.slice(0, n));
      expect(existsSync(path.join(dir, 'db.log'))).toBe(false);
    }
  });

  it('a damaged format-2 backup is refused, naming the line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...store3(), logSeq: 0 }));
    const { file } = await backupStore(dir, new Date(NOW));
    truncateSync(file, statSync(file).size - 5);
    await expect(restoreStore(dir, file, new Date(NOW))).rejects.toThrow(/line 2 is damaged \(cut off\)/);
  });

  it('a backup naming a collection "__proto__" is refused, never used to change an object\'s prototype', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...store3(), logSeq: 0 }));
    const { file } = await backupStore(dir, new Date(NOW));
    const text = readFileSync(file, 'utf8');
    const crafted = path.join(dir, 'crafted.json');
    writeFileSync(crafted, text.replace('"collections":{', '"collections":{"__proto__":1,') + '["__proto__",{"role":"admin"}]\n');
    await expect(restoreStore(dir, crafted, new Date(NOW))).rejects.toThrow(/crafted\.json line 1 is damaged \(collection "__proto__"\)/);
    expect(readStoreData(dir).users).toHaveLength(3);
  });
});
