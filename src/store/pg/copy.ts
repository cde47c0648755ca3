// The whole PostgreSQL store as one DbData and back, at table level: what
// store:copy and backup/restore on PostgreSQL move (scripts/store-copy.ts,
// scripts/backup.ts, scripts/restore.ts). Records are the `doc`s as stored;
// the other columns are written from them through TABLES (tables.ts), so a
// loaded database is exactly what the ports would have written.
import pg from 'pg';
import { SCHEMA_VERSION, emptyData } from '../migrations';
import type { DbData, ThrottleRecord } from '../types';
import { isConnectionError, json, redactUrl } from './db';
import { migrateDatabase } from './migrate';
import { LOAD_ORDER, TABLES, type Collection } from './tables';

/** Records per INSERT: a few thousand keeps each statement's parameter well under a few MB for typical records. */
export const LOAD_BATCH = 2_000;

/** Every table that holds store data (events are the notifier's passing messages, not data). */
const DATA_TABLES = ['org', ...LOAD_ORDER.map((c) => TABLES[c].table), 'counters'];

/**
 * How a table's records are ordered in a dump: insertion order (`seq`), as the
 * embedded store keeps them. Sessions and counters have no seq column (they are
 * looked up by key only), so they come in the order they began.
 */
const ORDER: Partial<Record<Collection, string>> = { sessions: 'created_at, id_hash' };

const iso = (ms: number) => new Date(ms).toISOString();

/** Connects a client for one dump or load; an unreachable database is an error naming the URL without its password. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e: any) {
    await client.end().catch(() => {});
    throw new Error(`cannot connect to the database at ${redactUrl(url)} (${e?.code ?? e?.message ?? e}); check the URL and that PostgreSQL is running`);
  }
  return client;
}

/** Runs fn on a connected, migrated client, closing it afterwards; connection faults name the URL. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    await migrateDatabase(client, redactUrl(url));
    return await fn(client);
  } catch (e) {
    if (isConnectionError(e)) throw new Error(`the database at ${redactUrl(url)} went away (${(e as Error).message}); nothing was changed`);
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The whole database as one DbData, read in one REPEATABLE READ transaction:
 * a single consistent state even while app servers write. The schema is
 * migrated first, as every app server does at start.
 */
export async function dumpDatabase(url: string): Promise<DbData> {
  return withClient(url, async (c) => {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const data = emptyData();
      data.schemaVersion = SCHEMA_VERSION;
      const org = await c.query('SELECT doc FROM org');
      if (org.rows[0]) data.org = org.rows[0].doc;
      for (const col of LOAD_ORDER) {
        const { rows } = await c.query(`SELECT doc FROM ${TABLES[col].table} ORDER BY ${ORDER[col] ?? 'seq'}`);
        (data as unknown as Record<string, unknown>)[col] = rows.map((r) => r.doc);
      }
      const counters = await c.query('SELECT key, count, first, last, expires FROM counters ORDER BY first, key');
      data.throttles = counters.rows.map((r): ThrottleRecord => ({ key: r.key, count: r.count, firstAt: iso(Number(r.first)), lastAt: iso(Number(r.last)), expiresAt: iso(Number(r.expires)) }));
      await c.query('COMMIT');
      return data;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
  });
}

/** The data tables that hold any rows. */
async function nonEmptyTables(c: pg.Client): Promise<string[]> {
  const counts = await c.query(DATA_TABLES.map((t) => `SELECT '${t}' AS t, EXISTS (SELECT 1 FROM ${t}) AS any`).join(' UNION ALL '));
  return counts.rows.filter((r) => r.any).map((r) => r.t);
}

/**
 * One batch of records as one INSERT: the rows (columns from TABLES plus doc)
 * travel as one jsonb array and are turned into the table's row type by
 * jsonb_populate_record; WITH ORDINALITY + ORDER BY keeps the array's order,
 * so `seq` follows it.
 */
async function insertBatch<C extends Collection>(c: pg.Client, col: C, recs: ReadonlyArray<DbData[C][number]>): Promise<void> {
  const def = TABLES[col] as { table: string; cols: (r: DbData[C][number]) => Record<string, unknown> };
  const rows = recs.map((r) => ({ ...def.cols(r), doc: r }));
  const names = [...Object.keys(rows[0]!)];
  await c.query(
    `INSERT INTO ${def.table} (${names.join(', ')})
     SELECT ${names.map((n) => `r.${n}`).join(', ')}
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n), jsonb_populate_record(NULL::${def.table}, e.v) AS r
     ORDER BY e.n`,
    [json(rows)],
  );
}

export interface LoadOptions {
  /** Empty every table first (a restore); without it a database holding anything is refused. */
  replace?: boolean;
}

/**
 * Writes `data` (a whole, validated store at SCHEMA_VERSION) into the database
 * at `url`, in ONE transaction: either all of it is there afterwards, or
 * nothing changed. The schema is migrated first. Refuses a database that holds
 * anything unless `replace`, which empties every table in the same transaction.
 */
export async function loadDatabase(url: string, data: DbData, opts: LoadOptions = {}): Promise<void> {
  await withClient(url, async (c) => {
    await c.query('BEGIN');
    try {
      if (opts.replace) await c.query(`TRUNCATE ${DATA_TABLES.join(', ')}`);
      else {
        // Locks every table against writers until commit, so "empty" still holds when the rows go in.
        await c.query(`LOCK TABLE ${DATA_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
        const full = await nonEmptyTables(c);
        if (full.length) throw new Error(`the database at ${redactUrl(url)} is not empty (${full.join(', ')} hold records); copy into an empty database, or restore a backup to replace it`);
      }
      await c.query('INSERT INTO org (doc) VALUES ($1::jsonb)', [json(data.org)]);
      for (const col of LOAD_ORDER) {
        const list = data[col] as ReadonlyArray<DbData[typeof col][number]>;
        for (let i = 0; i < list.length; i += LOAD_BATCH) await insertBatch(c, col, list.slice(i, i + LOAD_BATCH));
      }
      for (let i = 0; i < data.throttles.length; i += LOAD_BATCH) {
        const batch = data.throttles.slice(i, i + LOAD_BATCH).map((t) => ({ key: t.key, count: t.count, first: Date.parse(t.firstAt), last: Date.parse(t.lastAt), expires: Date.parse(t.expiresAt) }));
        await c.query(`INSERT INTO counters (key, count, first, last, expires) SELECT key, count, first, last, expires FROM jsonb_populate_recordset(NULL::counters, $1::jsonb)`, [json(batch)]);
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw refusal(e, url);
    }
  });
}

/**
 * The schema's rules the embedded store does not enforce (a record naming a
 * person not in the store; two open papers for one person) refuse the whole
 * load: say so in words, with PostgreSQL's own detail of the record.
 */
function refusal(e: unknown, url: string): unknown {
  const err = e as { code?: string; detail?: string; table?: string; constraint?: string };
  const why = err.code === '23503' ? 'a record refers to one that is not in the store' : err.code === '23505' ? 'two records break a uniqueness rule of the schema' : undefined;
  if (!why) return e;
  return new Error(`the store cannot be loaded into ${redactUrl(url)}: ${why} (${err.table}: ${err.detail ?? err.constraint}); nothing was written`);
}

/**
 * Whether the database at `url` holds no store data. Reads only: a database
 * never set up (no schema yet) is empty and stays as it is.
 */
export async function databaseIsEmpty(url: string): Promise<boolean> {
  const c = await connect(url);
  try {
    const set = await c.query(`SELECT to_regclass('public.users') AS t`);
    return !set.rows[0].t || (await nonEmptyTables(c)).length === 0;
  } finally {
    await c.end().catch(() => {});
  }
}
