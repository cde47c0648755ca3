// The PostgreSQL notifier across connections and app servers (LISTEN/NOTIFY,
// src/store/pg/notifier.ts): what the in-process contract (storage-contract.ts,
// NotifierPort) cannot show. Each test opens several storages on one fresh
// database, as several app servers would. Nothing waits a fixed time: the
// tests poll for what they expect, with a generous limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { openPgStorage, type PgStorage } from '../../src/store/pg';
import { LISTENER_NAME } from '../../src/store/pg/notifier';
import { freshDatabase, pgEnabled, type TestDatabase } from '../pg/database';

/** Resolves once `cond` holds; fails after `limitMs` saying what was awaited. */
async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function recorder() {
  const got: string[] = [];
  return { got, listener: (p: string) => void got.push(p) };
}

describe.skipIf(!pgEnabled())('NotifierPort across connections (PostgreSQL)', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  const opened: PgStorage[] = [];
  /** Roles a test made (they belong to the cluster, not the database). */
  const roles: string[] = [];
  const open = async (url = db.url) => {
    const s = await openPgStorage(url, { poolMax: 4 });
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    db = await freshDatabase();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const role of roles.splice(0)) {
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
    }
    await admin.end();
    await db.drop();
  });

  it('delivers a publication made on one server to the subscribers on another', async () => {
    const [a, b] = [await open(), await open()];
    const onB = recorder();
    const other = recorder();
    b.notifier.subscribe('live:1', onB.listener);
    b.notifier.subscribe('live:2', other.listener);
    await a.notifier.publish('live:1', 'from-a');
    await until('B to hear from A', () => onB.got.length >= 1);
    // A publication on B reaches B's own subscribers through the database too.
    await b.notifier.publish('live:1', 'from-b');
    await until('B to hear from itself', () => onB.got.length >= 2);
    expect(onB.got).toEqual(['from-a', 'from-b']);
    expect(other.got).toEqual([]);
  });

  it('delivers what was published while the listening connection was down, once it is back', async () => {
    // B connects as its own role, so it can be kept from reconnecting while A publishes.
    const role = `notifier_b_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    roles.push(role);
    const a = await open();
    const bUrl = new URL(db.url);
    bUrl.username = role;
    const b = await open(bUrl.toString());
    const onB = recorder();
    b.notifier.subscribe('live:1', onB.listener);
    await a.notifier.publish('live:1', 'before');
    await until('B to listen', () => onB.got.length === 1);

    const listenerPids = async () => (await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND usename = $2 AND datname = current_database()`, [LISTENER_NAME, role])).rows.map((r) => r.pid as number);
    const [pid] = await listenerPids();
    expect(pid).toBeDefined();
    await admin.query(`ALTER ROLE ${role} NOLOGIN`);
    await admin.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await until("B's listener to be gone", async () => (await listenerPids()).length === 0);

    await a.notifier.publish('live:1', 'while-down');
    // Nothing of B listens now (it cannot log in again): the publication waits in the database.
    expect(await listenerPids()).toEqual([]);
    expect(onB.got).toEqual(['before']);

    await admin.query(`ALTER ROLE ${role} LOGIN`);
    await until('B to catch up after reconnecting', () => onB.got.length >= 2);
    await a.notifier.publish('live:1', 'after');
    await until('B to hear what comes next', () => onB.got.length >= 3);
    expect(onB.got).toEqual(['before', 'while-down', 'after']);
    expect(await listenerPids()).toHaveLength(1);
  });

  it('delivers a burst published from several connections exactly once each, in seq order', async () => {
    const [a, c, b] = [await open(), await open(), await open()];
    const onB = recorder();
    b.notifier.subscribe('live:burst', onB.listener);
    // Make sure B listens before the burst, so all of it is due to B.
    await a.notifier.publish('live:burst', 'warm-up');
    await until('B to listen', () => onB.got.length === 1);
    const N = 100;
    await Promise.all([...Array.from({ length: N }, (_, i) => a.notifier.publish('live:burst', `a-${i}`)), ...Array.from({ length: N }, (_, i) => c.notifier.publish('live:burst', `c-${i}`))]);
    await until('B to hear the whole burst', () => onB.got.length >= 2 * N + 1);
    // A last one after the burst: once it is in, any duplicate of the burst would be too.
    await a.notifier.publish('live:burst', 'last');
    await until('B to hear the last one', () => onB.got.includes('last'));
    const bySeq = (await admin.query(`SELECT payload FROM events WHERE topic = 'live:burst' ORDER BY seq`)).rows.map((r) => r.payload as string);
    expect(bySeq).toHaveLength(2 * N + 2);
    expect(onB.got).toEqual(bySeq);
  });

  it('delivers a publication that commits after later ones were delivered, exactly once, losing none', async () => {
    const [a, b] = [await open(), await open()];
    const onB = recorder();
    b.notifier.subscribe('live:late', onB.listener);
    await a.notifier.publish('live:late', 'first');
    await until('B to listen', () => onB.got.length === 1);
    // A publication that has taken its seq but not committed yet (as a slow publisher would).
    await admin.query('BEGIN');
    const { rows } = await admin.query(`INSERT INTO events (topic, payload) VALUES ('live:late', 'late') RETURNING seq`);
    await admin.query(`SELECT pg_notify('wuye_events', $1)`, [String(rows[0].seq)]);
    await a.notifier.publish('live:late', 'x1');
    await a.notifier.publish('live:late', 'x2');
    // Held back behind the missing seq for a moment, then delivered without it.
    await until('the later ones to be delivered', () => onB.got.includes('x2'));
    await admin.query('COMMIT');
    await until('the late one to be delivered', () => onB.got.includes('late'));
    await a.notifier.publish('live:late', 'last');
    await until('the last one', () => onB.got.includes('last'));
    expect(onB.got).toEqual(['first', 'x1', 'x2', 'late', 'last']);
  });

  it('delivers a publication still committing while the first subscriber starts listening', async () => {
    const b = await open();
    const onB = recorder();
    // The publication on a connection of its own: `admin` watches pg_stat_activity, which a transaction would freeze.
    const pub = new pg.Client({ connectionString: db.url });
    await pub.connect();
    await pub.query('BEGIN');
    const { rows } = await pub.query(`INSERT INTO events (topic, payload) VALUES ('live:start', 'in-flight') RETURNING seq`);
    await pub.query(`SELECT pg_notify('wuye_events', $1)`, [String(rows[0].seq)]);
    b.notifier.subscribe('live:start', onB.listener);
    // B's listener has found its starting point (its last statement) while the publication was uncommitted.
    const ready = async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND state = 'idle' AND query ILIKE 'SELECT coalesce%'`, [LISTENER_NAME])).rows.length === 1;
    await until("B's listener to start", ready);
    await pub.query('COMMIT');
    await pub.end();
    await until('the publication to be delivered', () => onB.got.length >= 1);
    expect(onB.got).toEqual(['in-flight']);
  });

  it('deletes events older than ten minutes as it publishes, keeping the recent ones', async () => {
    const a = await open();
    await admin.query(`INSERT INTO events (topic, payload, at) VALUES ('old', '1', now() - interval '20 minutes'), ('old', '2', now() - interval '11 minutes'), ('recent', '3', now() - interval '5 minutes')`);
    await a.notifier.publish('live:1', 'new');
    const left = (await admin.query(`SELECT payload FROM events ORDER BY seq`)).rows.map((r) => r.payload);
    expect(left).toEqual(['3', 'new']);
  });
});
