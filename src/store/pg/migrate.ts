// Schema migrations for the PostgreSQL store, run by node-pg-migrate from the
// SQL files in migrations/ at every start (under its advisory lock, so app
// servers starting together migrate once). A database migrated by a newer
// release (a migration this build does not have) is refused, never "downgraded".
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { StoreVersionError } from '../migrations';

export const MIGRATIONS_TABLE = 'pgmigrations';

/** The migrations folder: MIGRATIONS_DIR, else migrations/ in the working directory (the project root for npm start and the tests). */
export const migrationsDir = () => path.resolve(process.env.MIGRATIONS_DIR ?? 'migrations');

/** The names of this build's migrations, in order (file names without .sql). */
export function knownMigrations(dir = migrationsDir()): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -4))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
}

/**
 * Brings the database's schema up to this build's. Returns the names run now
 * (empty when it was current). Throws StoreVersionError for a database that has
 * migrations this build does not know.
 */
export async function migrateDatabase(client: pg.Client, location: string): Promise<string[]> {
  const known = knownMigrations();
  const table = await client.query(`SELECT to_regclass($1) AS t`, [`public.${MIGRATIONS_TABLE}`]);
  if (table.rows[0].t) {
    const ran: string[] = (await client.query(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY run_on, id`)).rows.map((r) => r.name);
    const unknown = ran.filter((n) => !known.includes(n));
    if (unknown.length) {
      throw new StoreVersionError(`the database at ${location} was set up by a newer version of the application (it has migration ${unknown.join(', ')}, which this build does not know); upgrade the application instead of opening it with this one`);
    }
  }
  const run = await runner({
    dbClient: client as any,
    dir: migrationsDir(),
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait' as any,
    log: () => {},
  } as any);
  return run.map((m) => m.name);
}
