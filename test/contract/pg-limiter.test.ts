// What the PostgreSQL rate limiter keeps in its table (src/store/pg/limiter.ts),
// beyond the port's contract (storage-contract.ts, RateLimiterPort): expired
// counters do not pile up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPgStorage, type PgStorage } from '../../src/store/pg';
import { freshDatabase, pgEnabled, type TestDatabase } from '../pg/database';

describe.skipIf(!pgEnabled())('RateLimiterPort housekeeping (PostgreSQL)', () => {
  let db: TestDatabase;
  let s: PgStorage;
  beforeEach(async () => {
    db = await freshDatabase();
    s = await openPgStorage(db.url, { poolMax: 2 });
  });
  afterEach(async () => {
    await s.close();
    await db.drop();
  });

  it('deletes expired counters as it counts, keeping live ones', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query(`INSERT INTO counters (key, count, first, last, expires) VALUES ('gone-1', 3, 0, 100, 1000), ('gone-2', 1, 0, 0, 5000), ('live', 1, 0, 0, 9000)`);
      await s.limiter.add([{ key: 'new', quietMs: 1000, spanMs: 1000 }], 5000);
      const keys = (await c.query(`SELECT key FROM counters ORDER BY key`)).rows.map((r) => r.key);
      expect(keys).toEqual(['live', 'new']);
    } finally {
      await c.end();
    }
  });
});
