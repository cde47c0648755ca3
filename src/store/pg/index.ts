// The PostgreSQL adapter of the storage ports (ports.ts), for companies that
// outgrow one machine: several app servers share one database. Selected by
// DATABASE_URL (src/store/open.ts). Every port passes the same contract suite
// as the embedded store (test/contract). Schema: migrations/*.sql.
import type { Storage } from '../ports';
import { Db, StoreUnavailableError, connectClient, isConnectionError, redactUrl } from './db';
import { migrateDatabase } from './migrate';
import { accountsPort, orgPort, sessionsPort } from './accounts';
import { learningPort } from './learning';
import { playsPort } from './plays';
import { examsPort } from './exams';
import { certificatesPort } from './certificates';
import { cohortsPort } from './cohorts';
import { livePort } from './live';
import { auditPort } from './audit';
import { reportsPort } from './reports';
import { pgLimiter } from './limiter';
import { pgNotifier } from './notifier';

export { StoreUnavailableError, redactUrl };

export interface PgStorage extends Storage {
  readonly db: Db;
  /** Resolves when the database answers; throws StoreUnavailableError when it does not (the health check). */
  ping(): Promise<void>;
}

export interface PgOpenOptions {
  /** Most connections this server keeps (default PG_POOL_MAX or 10). */
  poolMax?: number;
}

/**
 * Connects, migrates the schema and returns the storage. A database that
 * cannot be reached is a StoreUnavailableError naming the URL without its
 * password; one set up by a newer release is a StoreVersionError.
 */
export async function openPgStorage(url: string, opts: PgOpenOptions = {}): Promise<PgStorage> {
  const location = redactUrl(url);
  const client = await connectClient(url);
  try {
    await migrateDatabase(client, location);
  } catch (e) {
    if (isConnectionError(e)) throw new StoreUnavailableError(`the database at ${location} went away while its schema was being prepared (${(e as Error).message})`);
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
  const db = new Db(url, { max: opts.poolMax });
  const notifier = pgNotifier(db);
  const storage: PgStorage = {
    ...orgPort(db),
    ...accountsPort(db),
    ...sessionsPort(db),
    ...learningPort(db),
    ...playsPort(db),
    ...examsPort(db),
    ...certificatesPort(db),
    ...cohortsPort(db),
    ...livePort(db),
    ...auditPort(db),
    ...reportsPort(db),
    limiter: pgLimiter(db),
    notifier,
    db,
    location,
    // A first start on an empty database runs every migration: that is set-up, not migrating older data.
    migratedFrom: undefined,
    async ping() {
      await db.q.one('SELECT 1');
    },
    async close() {
      await notifier.close();
      await db.close();
    },
  };
  return storage satisfies Storage;
}
