import { promises as fs, readFileSync, existsSync, statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { emptyData, migrate, SCHEMA_VERSION } from './migrations';
import { StoreLockedError, lockOwner } from './lock';
import { LOG, OLD_LOG, SNAPSHOT, holdFile, loadFromDisk, readStoreFile, writeStoreFile } from './journal';
import { readStoreData } from './store';
import { storeProblems } from './schemas';
import type { DbData } from './types';

export class BackupError extends Error {}

/** A time as it appears in backup file names. */
export const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/**
 * Checks that text (a store file in format 1, one JSON document) is a usable
 * store; see validateStore.
 */
export function validateBackup(text: string): { schemaVersion: number; users: number; records: number } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BackupError(`not valid JSON (${(e as Error).message})`);
  }
  return validateStore(data);
}

/** Reads a backup file in either snapshot format (journal.ts) and checks it as validateStore does; returns its data too. */
export function validateBackupFile(file: string): { data: object; summary: ReturnType<typeof validateStore> } {
  let data: unknown;
  try {
    data = readStoreFile(file).data;
  } catch (e) {
    if (e instanceof SyntaxError) throw new BackupError(`not valid JSON (${e.message})`);
    throw new BackupError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return { data: data as object, summary: validateStore(data) };
}

/**
 * Checks that data is a usable store: a known schema version, and — after
 * migrating it — every collection present and every record matching its
 * schema (schemas.ts, tied to types.ts), with no duplicate ids, usernames or
 * certificate codes, and an active administrator. Refuses with the place of
 * each problem (`users[3].username: …`). Returns a summary.
 */
export function validateStore(data: unknown): { schemaVersion: number; users: number; records: number } {
  let migrated;
  try {
    migrated = migrate(data).data;
  } catch (e) {
    throw new BackupError((e as Error).message);
  }
  const problems = storeProblems(migrated as unknown as Record<string, unknown>);
  if (problems.length) throw new BackupError(`not a usable store: ${problems.join('; ')}`);
  if (!migrated.users.some((u) => u.role === 'admin' && u.active)) throw new BackupError('has no active administrator account: restoring it would lock everyone out');
  const records = migrated.scenarioAttempts.length + migrated.examAttempts.length + migrated.moduleProgress.length + migrated.certificates.length;
  return { schemaVersion: (data as { schemaVersion?: number }).schemaVersion ?? 1, users: migrated.users.length, records };
}

/** What changes when a checkpoint replaces the snapshot or switches journals (appends to db.log do not count). */
function fingerprint(dataDir: string): string {
  return [SNAPSHOT, OLD_LOG]
    .map((f) => {
      try {
        const s = statSync(path.join(dataDir, f));
        return `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

/** The pid in db.lock when that process is running: a server that may be writing. */
function serverPid(dataDir: string): number | undefined {
  return lockOwner(path.join(dataDir, 'db.lock'))?.pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One consistent version of the store while a server may be writing: the
 * snapshot plus the journal after it. The hold file keeps the server from
 * starting a checkpoint meanwhile (journal.ts); one already under way is
 * waited for, and a read that a checkpoint overlapped anyway (it began just
 * as the hold appeared) is read again. Appends made meanwhile are complete
 * batches or a torn last line (ignored), so any read is a state the store was in.
 */
export async function readConsistent(dataDir: string): Promise<DbData> {
  const hold = holdFile(dataDir);
  try {
    writeFileSync(hold, String(process.pid), { mode: 0o600 });
  } catch {
    // A folder we cannot write to (a read-only copy): nothing can checkpoint there either.
  }
  try {
    for (let attempt = 0; ; attempt++) {
      // db-old.log stands while a checkpoint is being written; wait (up to a minute) for a running server to finish it.
      for (let waited = 0; existsSync(path.join(dataDir, OLD_LOG)) && waited < 60_000 && serverPid(dataDir); waited += 25) await sleep(25);
      const before = fingerprint(dataDir);
      try {
        const loaded = loadFromDisk(dataDir, emptyData);
        if (fingerprint(dataDir) === before) return migrate(loaded.data).data;
      } catch (e) {
        // A checkpoint switching files mid-read shows as a vanished file or missing batches: read again.
        // The same error on files that did not change is real.
        if (fingerprint(dataDir) === before || attempt >= 20) throw e;
      }
      if (attempt >= 20) throw new BackupError('the store kept changing files while being read; try again');
    }
  } finally {
    rmSync(hold, { force: true });
  }
}

/**
 * Writes a consistent copy of the store (snapshot and journal merged into one
 * file, in the snapshot's format: journal.ts) to DATA_DIR/backups/db-<time>.json.
 * Safe while the server runs. The written copy is read back and validated as
 * a restore would; one that would be refused is still kept, and the backup
 * fails with the problems.
 */
export async function backupStore(dataDir: string, now: Date, outDir = path.join(dataDir, 'backups')): Promise<{ file: string; users: number; records: number }> {
  if (!existsSync(path.join(dataDir, SNAPSHOT)) && !existsSync(path.join(dataDir, LOG))) throw new BackupError(`no store in ${dataDir}`);
  let data: DbData;
  try {
    data = await readConsistent(dataDir);
  } catch (e) {
    throw new BackupError(`the store cannot be read (${(e as Error).message})`);
  }
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `db-${stamp(now)}.json`);
  await writeStoreFile(file, data, 0);
  let summary;
  let invalid: BackupError | undefined;
  try {
    summary = validateBackupFile(file).summary;
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    invalid = e;
  }
  // The store itself holds something a restore would refuse: keep the copy (it is all there is), but fail loudly.
  if (invalid) throw new BackupError(`the copy was written to ${file}, but a restore would refuse it: ${invalid.message}`);
  return { file, ...summary! };
}

/** The highest batch number in the journals, read leniently (a damaged journal must not block a restore). */
function lastBatch(dataDir: string): number {
  let max = 0;
  for (const f of [OLD_LOG, LOG]) {
    const file = path.join(dataDir, f);
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/^\{"b":(\d+)/gm)) max = Math.max(max, Number(m[1]));
  }
  return max;
}

/**
 * Replaces the store with a validated backup. Refuses while a server holds the
 * store; keeps the current store as backups/db-before-restore-<time>.json (or,
 * when it cannot be read, its files as they are).
 */
export async function restoreStore(dataDir: string, backupFile: string, now: Date): Promise<{ previous?: string; users: number; records: number }> {
  const { data, summary } = validateBackupFile(backupFile);
  const pid = serverPid(dataDir);
  if (pid) throw new StoreLockedError(`a server (pid ${pid}) is using ${dataDir}; stop it before restoring`);
  await fs.mkdir(dataDir, { recursive: true });
  const files = [SNAPSHOT, LOG, OLD_LOG].filter((f) => existsSync(path.join(dataDir, f)));
  let previous: string | undefined;
  if (files.length) {
    await fs.mkdir(path.join(dataDir, 'backups'), { recursive: true });
    previous = path.join(dataDir, 'backups', `db-before-restore-${stamp(now)}.json`);
    try {
      await writeStoreFile(previous, readStoreData(dataDir), 0);
    } catch {
      // Unreadable: keep the files themselves.
      for (const f of files) await fs.copyFile(path.join(dataDir, f), `${previous}.${f}`);
      previous = `${previous}.${files[0]}`;
    }
  }
  // The new snapshot covers every batch still in the old journals, so none of them is replayed onto it.
  await writeStoreFile(path.join(dataDir, SNAPSHOT), data, lastBatch(dataDir));
  for (const f of [OLD_LOG, LOG]) await fs.rm(path.join(dataDir, f), { force: true });
  return { previous, ...summary };
}

export { SCHEMA_VERSION };
