import { promises as fs, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { migrate, SCHEMA_VERSION } from './migrations';
import { StoreLockedError, alive } from './lock';

export class BackupError extends Error {}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Checks that text is a usable store: JSON, a known schema version, the collections present. Returns a summary. */
export function validateBackup(text: string): { schemaVersion: number; users: number; records: number } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BackupError(`not valid JSON (${(e as Error).message})`);
  }
  let migrated;
  try {
    migrated = migrate(data).data;
  } catch (e) {
    throw new BackupError((e as Error).message);
  }
  for (const key of ['users', 'sessions', 'moduleProgress', 'scenarioAttempts', 'examAttempts', 'certificates', 'audit'] as const) {
    if (!Array.isArray(migrated[key])) throw new BackupError(`"${key}" is missing or not a list`);
  }
  if (!migrated.users.some((u) => u.role === 'admin')) throw new BackupError('has no administrator account: restoring it would lock everyone out');
  const records = migrated.scenarioAttempts.length + migrated.examAttempts.length + migrated.moduleProgress.length + migrated.certificates.length;
  return { schemaVersion: (data as { schemaVersion?: number }).schemaVersion ?? 1, users: migrated.users.length, records };
}

async function writeAtomic(file: string, text: string) {
  const tmp = `${file}.${process.pid}.tmp`;
  const h = await fs.open(tmp, 'w', 0o600);
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
  await fs.rename(tmp, file);
}

/**
 * Copies the store to DATA_DIR/backups/db-<time>.json. Safe while the server
 * runs: the store file is only ever replaced whole (rename), so one read sees
 * one complete version. The copy is validated before it is kept.
 */
export async function backupStore(dataDir: string, now: Date, outDir = path.join(dataDir, 'backups')): Promise<{ file: string; users: number; records: number }> {
  const source = path.join(dataDir, 'db.json');
  if (!existsSync(source)) throw new BackupError(`no store at ${source}`);
  const text = await fs.readFile(source, 'utf8');
  const summary = validateBackup(text);
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `db-${stamp(now)}.json`);
  await writeAtomic(file, text);
  return { file, ...summary };
}

/**
 * Replaces the store with a validated backup. Refuses while a server holds the
 * store; keeps the current file as backups/db-before-restore-<time>.json.
 */
export async function restoreStore(dataDir: string, backupFile: string, now: Date): Promise<{ previous?: string; users: number; records: number }> {
  const text = await fs.readFile(backupFile, 'utf8').catch((e) => {
    throw new BackupError(`cannot read ${backupFile}: ${e.message}`);
  });
  const summary = validateBackup(text);
  const lock = path.join(dataDir, 'db.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new StoreLockedError(`a server (pid ${pid}) is using ${dataDir}; stop it before restoring`);
  }
  await fs.mkdir(dataDir, { recursive: true });
  const current = path.join(dataDir, 'db.json');
  let previous: string | undefined;
  if (existsSync(current)) {
    previous = path.join(dataDir, 'backups', `db-before-restore-${stamp(now)}.json`);
    await fs.mkdir(path.dirname(previous), { recursive: true });
    await fs.copyFile(current, previous);
  }
  await writeAtomic(current, text);
  return { previous, ...summary };
}

export { SCHEMA_VERSION };
