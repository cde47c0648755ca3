// RateLimiterPort on PostgreSQL: the counters table, shared by every app
// server. A hit is one INSERT … ON CONFLICT DO UPDATE, so parallel hits on
// any server all count (the row lock orders them); the arithmetic is
// bumpCounter's (src/store/counters.ts), written in SQL.
import type { Counter, RateLimiterPort } from '../ports';
import type { Db, Q } from './db';

/** Expired counters are deleted at most this often (per server), from `add`. */
const SWEEP_MS = 60_000;

// One row per hit: a counter still live at $4 gets one more hit; a missing or
// expired one starts at 1. It expires quietMs after this hit, never later than
// spanMs after its first. Rows go in key order, so two calls hitting the same
// keys lock them in the same order (no deadlock).
const BUMP = `
WITH h AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS h(key, quiet, span))
INSERT INTO counters AS c (key, count, first, last, expires)
SELECT key, 1, $4::bigint, $4::bigint, LEAST($4::bigint + quiet, $4::bigint + span) FROM h ORDER BY key
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN c.expires > $4::bigint THEN c.count + 1 ELSE 1 END,
  first = CASE WHEN c.expires > $4::bigint THEN c.first ELSE $4::bigint END,
  last = $4::bigint,
  expires = LEAST(
    $4::bigint + (SELECT quiet FROM h WHERE h.key = excluded.key),
    CASE WHEN c.expires > $4::bigint THEN c.first ELSE $4::bigint END + (SELECT span FROM h WHERE h.key = excluded.key))
RETURNING key, count, first, last, expires`;

type Hit = { key: string; quietMs: number; spanMs: number };

async function bump(q: Q, hits: readonly Hit[], now: number): Promise<Counter[]> {
  return q.rows<Counter>(BUMP, [hits.map((h) => h.key), hits.map((h) => Math.round(h.quietMs)), hits.map((h) => Math.round(h.spanMs)), Math.round(now)]);
}

export function pgLimiter(db: Db): RateLimiterPort {
  let swept = -Infinity;
  /** Deletes counters expired by `now` (a flood of made-up names must not grow the table without bound). */
  async function sweep(now: number) {
    if (Date.now() - swept < SWEEP_MS) return;
    swept = Date.now();
    await db.q.run(`DELETE FROM counters WHERE expires <= $1`, [Math.round(now)]);
  }

  return {
    async read(keys, now) {
      if (!keys.length) return [];
      return db.q.rows<Counter>(`SELECT key, count, first, last, expires FROM counters WHERE key = ANY($1::text[]) AND expires > $2`, [keys, Math.round(now)]);
    },
    async add(hits, now) {
      if (!hits.length) return [];
      let out: Counter[];
      if (new Set(hits.map((h) => h.key)).size === hits.length) {
        const rows = await bump(db.q, hits, now);
        const byKey = new Map(rows.map((r) => [r.key, r]));
        out = hits.map((h) => byKey.get(h.key)!);
      } else {
        // One statement cannot change a row twice: a key hit twice in one call is counted hit by hit, in one transaction.
        out = await db.tx(async (q) => {
          const got: Counter[] = [];
          for (const h of hits) got.push(...(await bump(q, [h], now)));
          return got;
        });
      }
      await sweep(now);
      return out;
    },
    async remove(key) {
      await db.q.run(`DELETE FROM counters WHERE key = $1`, [key]);
    },
  };
}
