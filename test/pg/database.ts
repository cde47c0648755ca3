// Fresh PostgreSQL databases for tests, copied from the migrated template the
// global set-up made (global-setup.ts); dropped again by `drop`.
import pg from 'pg';
import { inject } from 'vitest';

const TEMPLATE = 'wuye_template';
let made = 0;

/** True when this run has a PostgreSQL cluster (PG_TESTS is not 0). */
export const pgEnabled = () => !!inject('pgAdminUrl');

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = inject('pgAdminUrl');
  if (!url) throw new Error('no PostgreSQL cluster in this run (PG_TESTS=0?)');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface TestDatabase {
  url: string;
  /** Drops the database (closing anything still connected to it). */
  drop(): Promise<void>;
}

/** A new database: migrated (a copy of the template) unless `empty`. */
export async function freshDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${process.pid}_${++made}_${Math.random().toString(36).slice(2, 8)}`;
  // CREATE DATABASE … TEMPLATE waits for no one, but fails if someone is connected to the template: retry briefly.
  for (let tries = 0; ; tries++) {
    try {
      await admin((c) => c.query(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
      break;
    } catch (e) {
      if (tries > 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
  const url = new URL(inject('pgAdminUrl'));
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
