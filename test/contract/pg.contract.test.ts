// The storage contract (storage-contract.ts) run against the PostgreSQL
// adapter: a fresh database per test (a copy of the migrated template),
// reopened over the same database where the contract asks.
import { describe } from 'vitest';
import { openPgStorage } from '../../src/store/pg';
import type { Storage } from '../../src/store/ports';
import { freshDatabase, pgEnabled } from '../pg/database';
import { describeStorageContract } from './storage-contract';

if (pgEnabled()) {
  describeStorageContract('PostgreSQL', async () => {
    const db = await freshDatabase();
    let current: Storage = await openPgStorage(db.url, { poolMax: 4 });
    return {
      storage: current,
      reopen: async () => {
        await current.close();
        current = await openPgStorage(db.url, { poolMax: 4 });
        return current;
      },
      close: async () => {
        await current.close();
        await db.drop();
      },
    };
  });
} else describe.skip('PostgreSQL (PG_TESTS=0: no cluster in this run)', () => {});
