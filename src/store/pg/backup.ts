// Backup and restore of the PostgreSQL store (npm run backup / restore with
// DATABASE_URL): the same validated backup file as the embedded store's
// (src/store/backup.ts), so a backup of either restores into either.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BackupError, stamp, validateBackupFile } from '../backup';
import { writeStoreFile } from '../journal';
import { migrate } from '../migrations';
import { databaseIsEmpty, dumpDatabase, loadDatabase } from './copy';

/**
 * Writes one consistent dump of the database (dumpDatabase) to
 * <outDir>/db-<time>.json and validates it as a restore would; a copy that
 * would be refused is kept (it is all there is) but the backup fails loudly.
 */
export async function backupDatabase(url: string, now: Date, outDir: string): Promise<{ file: string; users: number; records: number }> {
  const data = await dumpDatabase(url);
  await fs.mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `db-${stamp(now)}.json`);
  await writeStoreFile(file, data, 0);
  try {
    return { file, ...validateBackupFile(file).summary };
  } catch (e) {
    if (!(e instanceof BackupError)) throw e;
    throw new BackupError(`the copy was written to ${file}, but a restore would refuse it: ${e.message}`);
  }
}

/**
 * Replaces everything in the database with a validated backup, in one
 * transaction (loadDatabase with replace): app servers may keep running, and
 * see the old store or the new one, never a mix. What the database held is
 * kept first as <keepDir>/db-before-restore-<time>.json.
 */
export async function restoreDatabase(url: string, backupFile: string, now: Date, keepDir: string): Promise<{ previous?: string; users: number; records: number }> {
  const { data, summary } = validateBackupFile(backupFile);
  let previous: string | undefined;
  if (!(await databaseIsEmpty(url))) {
    await fs.mkdir(keepDir, { recursive: true });
    previous = path.join(keepDir, `db-before-restore-${stamp(now)}.json`);
    await writeStoreFile(previous, await dumpDatabase(url), 0);
  }
  await loadDatabase(url, migrate(data).data, { replace: true });
  return { previous, ...summary };
}
