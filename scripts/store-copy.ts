// npm run store:copy -- --from <dir|postgres://…> --to <dir|postgres://…>
// Copies a whole store between the embedded store (a data folder) and
// PostgreSQL, either way (or folder to folder, database to database). The
// source is read consistently (safe while its server runs), migrated and
// validated as a restore would; the target must be empty; what was written is
// read back and counted against the source.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BackupError, readConsistent, validateStore } from '../src/store/backup';
import { LOG, OLD_LOG, SNAPSHOT, writeStoreFile } from '../src/store/journal';
import { StoreLockedError, acquireLock, lockOwner } from '../src/store/lock';
import { migrate } from '../src/store/migrations';
import { readStoreData } from '../src/store/store';
import { dumpDatabase, loadDatabase, databaseIsEmpty } from '../src/store/pg/copy';
import { redactUrl } from '../src/store/pg/db';
import type { DbData } from '../src/store/types';

const USAGE = 'Usage: npm run store:copy -- --from <data folder | postgres://…> --to <data folder | postgres://…>';

const isUrl = (s: string) => /^postgres(ql)?:\/\//i.test(s);
const where = (s: string) => (isUrl(s) ? redactUrl(s) : path.resolve(s));
const STORE_FILES = [SNAPSHOT, LOG, OLD_LOG];
const hasStoreFiles = (dir: string) => STORE_FILES.some((f) => existsSync(path.join(dir, f)));

/** The collections counted source against target (every list in DbData). */
const LISTS = ['users', 'sessions', 'moduleProgress', 'checkAttempts', 'scenarioPlays', 'scenarioAttempts', 'examAttempts', 'certificates', 'waivers', 'audit', 'cohorts', 'liveSessions', 'observations', 'throttles'] as const satisfies ReadonlyArray<keyof DbData>;

export interface CopyOutput {
  log: (line: string) => void;
  error: (line: string) => void;
}

function parseArgs(argv: string[]): { from: string; to: string } | undefined {
  let from: string | undefined;
  let to: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    if ((a === '--from' || a === '--to') && v && !v.startsWith('--')) {
      if (a === '--from') from = v;
      else to = v;
      i++;
    } else return undefined;
  }
  return from && to ? { from, to } : undefined;
}

/** Reads the source: a folder's snapshot and journal as one consistent state, or one consistent dump of the database. */
async function readSource(from: string): Promise<DbData> {
  if (isUrl(from)) return dumpDatabase(from);
  const dir = path.resolve(from);
  if (!hasStoreFiles(dir)) throw new BackupError(`no store in ${dir}`);
  return readConsistent(dir);
}

/** Refuses a folder target that holds a store with any account (or one that cannot be read: it is not ours to overwrite). */
function refuseFullFolder(dir: string): void {
  if (!hasStoreFiles(dir)) return;
  let users: number;
  try {
    users = readStoreData(dir).users.length;
  } catch (e) {
    throw new BackupError(`${dir} holds a store that cannot be read (${(e as Error).message}); copy into an empty folder`);
  }
  if (users > 0) throw new BackupError(`${dir} already holds a store with ${users} accounts; copy into an empty folder`);
}

async function refuseFullTarget(to: string): Promise<void> {
  if (isUrl(to)) {
    if (!(await databaseIsEmpty(to))) throw new BackupError(`the database at ${redactUrl(to)} is not empty; copy into an empty database`);
    return;
  }
  const dir = path.resolve(to);
  // Checked up front so a busy folder is refused before the source is read; writeFolder then holds the lock itself.
  const server = lockOwner(path.join(dir, 'db.lock'));
  if (server) throw new StoreLockedError(`a server (pid ${server.pid}) is using ${dir}; stop it before copying into it`);
  refuseFullFolder(dir);
}

/**
 * Writes the store as the folder's snapshot, holding the folder's lock
 * meanwhile (a server running there is refused, and none can start
 * mid-copy). An account-less store there (a folder set up but never used) is
 * replaced: its journals go first, so none is replayed onto the new snapshot.
 */
async function writeFolder(dir: string, data: DbData): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const release = acquireLock(path.join(dir, 'db.lock'));
  try {
    refuseFullFolder(dir);
    for (const f of [OLD_LOG, LOG]) rmSync(path.join(dir, f), { force: true });
    await writeStoreFile(path.join(dir, SNAPSHOT), data, 0);
  } finally {
    release();
  }
}

async function readTarget(to: string): Promise<DbData> {
  return isUrl(to) ? dumpDatabase(to) : readStoreData(path.resolve(to));
}

/** The per-collection counts, source against target, as a table; true when every count agrees. */
function compare(source: DbData, target: DbData, log: (line: string) => void): boolean {
  const width = Math.max(...LISTS.map((c) => c.length));
  log(`${'collection'.padEnd(width)}  ${'source'.padStart(8)}  ${'target'.padStart(8)}`);
  let same = true;
  for (const c of LISTS) {
    const a = source[c].length;
    const b = target[c].length;
    if (a !== b) same = false;
    log(`${c.padEnd(width)}  ${String(a).padStart(8)}  ${String(b).padStart(8)}${a === b ? '' : '  ← differs'}`);
  }
  if (!sameOrg(source, target)) {
    same = false;
    log('org: differs');
  }
  return same;
}

/** Org records compared by value (jsonb does not keep key order). */
function sameOrg(a: DbData, b: DbData): boolean {
  const norm = (o: DbData['org']) => JSON.stringify({ name: o.name, sites: o.sites, departments: o.departments });
  return norm(a.org) === norm(b.org);
}

/** The command: returns the exit code (0 copied and counted equal, 1 refused or counts differ, 2 bad arguments). */
export async function storeCopy(argv: string[], out: CopyOutput = { log: console.log, error: console.error }): Promise<number> {
  const args = parseArgs(argv);
  if (!args) {
    out.error(USAGE);
    return 2;
  }
  const { from, to } = args;
  if (where(from) === where(to)) {
    out.error(`store:copy: --from and --to are the same store (${where(from)})\n${USAGE}`);
    return 2;
  }
  try {
    await refuseFullTarget(to);
    const source = migrate(await readSource(from)).data;
    const summary = validateStore(source);
    out.log(`Read ${where(from)}: ${summary.users} accounts, ${summary.records} learning records; valid.`);
    if (isUrl(to)) await loadDatabase(to, source);
    else await writeFolder(path.resolve(to), source);
    const target = await readTarget(to);
    const same = compare(source, target, out.log);
    if (!same) {
      out.error(`store:copy: ${where(to)} does not hold what was read from ${where(from)} (see the counts above)`);
      return 1;
    }
    out.log(`Copied ${where(from)} → ${where(to)}.`);
    return 0;
  } catch (e) {
    out.error(`store:copy refused: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  storeCopy(process.argv.slice(2)).then((code) => process.exit(code));
}
