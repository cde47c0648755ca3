// The whole PostgreSQL store as one DbData and back, at table level: what
// store:copy and backup/restore on PostgreSQL move (scripts/store-copy.ts,
// scripts/backup.ts, scripts/restore.ts). Records are the `doc`s as stored;
// the other columns are written from them through TABLES (tables.ts), so a
// loaded database is exactly what the ports would have written.
import pg from 'pg';
import { SCHEMA_VERSION, emptyData } from '../migrations';
import type { DbData, ThrottleRecord } from '../types';
import { connectClient, isConnectionError, json, redactUrl } from './db';
import { migrateDatabase } from './migrate';
import { LOAD_ORDER, TABLES, type Collection } from './tables';

/** Records per INSERT: a few thousand, fewer when they are large (exam papers), so no statement's parameter passes ~8 MB. */
export const LOAD_BATCH = 2_000;
const LOAD_BATCH_BYTES = 8 * 2 ** 20;

/** The tables whose triggers keep the HR read model (migrations/2_person_facts.sql). */
const READ_MODEL_TABLES = ['users', 'module_progress', 'scenario_attempts', 'exam_attempts', 'certificates', 'observations', 'cohorts'];

/** Every table that holds store data (events are the notifier's passing messages, not data). */
const DATA_TABLES = ['org', ...LOAD_ORDER.map((c) => TABLES[c].table), 'counters'];


const iso = (ms: number) => new Date(ms).toISOString();

/** Runs fn on a connected, migrated client, closing it afterwards; connection faults name the URL. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectClient(url);
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
 * migrated first, as every app server does at start. `afterTable` runs after
 * each table is read (tests commit a write there to show it is not seen).
 */
export async function dumpDatabase(url: string, opts: { afterTable?: (collection: Collection) => Promise<void> } = {}): Promise<DbData> {
  return withClient(url, async (c) => {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const data = emptyData();
      data.schemaVersion = SCHEMA_VERSION;
      const org = await c.query('SELECT doc FROM org');
      if (org.rows[0]) data.org = org.rows[0].doc;
      for (const col of LOAD_ORDER) {
        const { rows } = await c.query(`SELECT doc FROM ${TABLES[col].table} ORDER BY seq`);
        (data as unknown as Record<string, unknown>)[col] = rows.map((r) => r.doc);
        await opts.afterTable?.(col);
      }
      // Counters have no insertion order worth keeping (they are looked up by key): oldest first.
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
 * A table's rows as INSERTs of a few thousand each: the rows (columns from
 * TABLES plus doc) travel as one jsonb array per statement and are turned into
 * the table's row type by jsonb_populate_record; WITH ORDINALITY + ORDER BY
 * keeps the array's order, so `seq` follows it.
 */
async function insertAll(c: pg.Client, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  if (!rows.length) return;
  const names = Object.keys(rows[0]!);
  const text = `INSERT INTO ${table} (${names.join(', ')})
     SELECT ${names.map((n) => `r.${n}`).join(', ')}
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, n), jsonb_populate_record(NULL::${table}, e.v) AS r
     ORDER BY e.n`;
  let batch: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length) await c.query(text, [`[${batch.join(',')}]`]);
    batch = [];
    bytes = 0;
  };
  for (const row of rows) {
    const s = json(row);
    if (batch.length >= LOAD_BATCH || (batch.length && bytes + s.length > LOAD_BATCH_BYTES)) await flush();
    batch.push(s);
    bytes += s.length;
  }
  await flush();
}

/**
 * A certificate names the one that superseded it, usually stored after it,
 * possibly in a later batch than its own: the key is checked at the end of
 * each statement, so every certificate goes in without it first, and the
 * links (as TABLES wrote them) are set once all are there.
 */
async function insertCertificates(c: pg.Client, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  await insertAll(c, 'certificates', rows.map((r) => ({ ...r, superseded_by: null })));
  const links = rows.filter((r) => r.superseded_by != null).map((r) => ({ id: r.id, superseded_by: r.superseded_by }));
  for (let i = 0; i < links.length; i += LOAD_BATCH) {
    await c.query(
      `UPDATE certificates c SET superseded_by = l.superseded_by FROM jsonb_to_recordset($1::jsonb) AS l(id text, superseded_by text) WHERE c.id = l.id`,
      [json(links.slice(i, i + LOAD_BATCH))],
    );
  }
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
      // The HR read model (person_facts, migration 2) is kept by triggers, one refresh per
      // statement: right for the app's writes, far too slow for a whole store (100k people:
      // minutes). They are off for the load and the model is computed once at its end, all
      // in this transaction (ALTER TABLE is transactional: a failed load leaves them on).
      await c.query(READ_MODEL_TABLES.map((t) => `ALTER TABLE ${t} DISABLE TRIGGER USER`).join('; '));
      await c.query('INSERT INTO org (doc) VALUES ($1::jsonb)', [json(data.org)]);
      for (const col of LOAD_ORDER) {
        const def = TABLES[col] as { table: string; cols: (r: unknown) => Record<string, unknown> };
        const rows = (data[col] as unknown[]).map((r) => ({ ...def.cols(r), doc: r }));
        if (col !== 'certificates') await insertAll(c, def.table, rows);
        else await insertCertificates(c, rows);
      }
      await insertAll(c, 'counters', data.throttles.map((t) => ({ key: t.key, count: t.count, first: Date.parse(t.firstAt), last: Date.parse(t.lastAt), expires: Date.parse(t.expiresAt) })));
      await c.query(READ_MODEL_TABLES.map((t) => `ALTER TABLE ${t} ENABLE TRIGGER USER`).join('; '));
      await c.query('SELECT refresh_all_person_facts()');
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
  const why =
    err.code === '23503' ? 'a record refers to one that is not in the store'
    : err.code === '23505' ? 'two records break a uniqueness rule of the schema'
    : err.code === '22P05' || err.code === '22021' ? 'a text holds a NUL character, which PostgreSQL cannot store'
    : undefined;
  if (!why) return e;
  return new Error(`the store cannot be loaded into ${redactUrl(url)}: ${why} (${err.table}: ${err.detail ?? err.constraint}); nothing was written`);
}

/**
 * Whether the database at `url` holds no store data. Reads only: a database
 * never set up (no schema yet) is empty and stays as it is.
 */
export async function databaseIsEmpty(url: string): Promise<boolean> {
  const c = await connectClient(url);
  try {
    const set = await c.query(`SELECT to_regclass('public.users') AS t`);
    return !set.rows[0].t || (await nonEmptyTables(c)).length === 0;
  } finally {
    await c.end().catch(() => {});
  }
}
