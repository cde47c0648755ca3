// NotifierPort on PostgreSQL: publications reach the subscribers on every app
// server. A publication is a row in `events` and a NOTIFY on channel
// wuye_events carrying its seq only, in one statement. Each process keeps one
// dedicated connection (not the pool's) that LISTENs; a notification makes it
// read the events after those it has handled and call their topics' listeners.
//
// What is delivered, and in which order:
// - seqs are taken before commit, so a lower seq can become visible after a
//   higher one was read. The reader keeps `floor` (every seq at or below it is
//   handled) and the set of seqs above it already delivered, and re-reads
//   `seq > floor`, delivering each seq once. A missing seq (a hole) holds back
//   the ones after it for up to HOLD_MS (it is almost always a publication in
//   the middle of committing), so listeners get seq order; after that the rest
//   go on without it, and the hole stays readable for KEEP_MS so a very late
//   commit is still delivered (out of order) rather than lost. Rolled-back
//   inserts leave holes for good: they are given up after KEEP_MS.
// - When the listening connection drops, it reconnects with backoff (up to
//   2 s), LISTENs again and catches up from `floor`: publications made
//   meanwhile are delivered, as long as they are younger than the events'
//   lifetime (EVENT_TTL, old ones are deleted now and then).
// - The first subscribe starts the listener; what was published from that
//   moment on is delivered even though the connection takes a moment to open
//   (measured on the database's clock, with a second's margin, so a
//   publication up to a second before the first subscribe may be delivered too:
//   listeners are told "something changed" and read the rest themselves).
import pg from 'pg';
import type { NotifierPort } from '../ports';
import type { Db } from './db';

export const CHANNEL = 'wuye_events';
/** application_name of the listening connection (operators and tests find it in pg_stat_activity). */
export const LISTENER_NAME = 'wuye-kefu-shixun-notifier';
const HOLD_MS = 1_000;
// A publication is one statement: one still committing after this long (past the pool's
// 30 s query timeout) was rolled back, or never comes.
const KEEP_MS = 30_000;
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 2_000;
const EVENT_TTL = '10 minutes';
const SWEEP_MS = 60_000;

type Listener = (payload: string) => void;
interface EventRow {
  seq: number;
  topic: string;
  payload: string;
}

export function pgNotifier(db: Db): NotifierPort & { close(): Promise<void> } {
  const topics = new Map<string, Set<Listener>>();
  let client: pg.Client | undefined;
  let started = false;
  let closed = false;
  /** Monotonic time of the first subscribe (the moment from which publications are delivered). */
  let startedAt = 0;
  /** Every seq at or below it is handled; undefined until the listener has found its starting point. */
  let floor: number | undefined;
  const delivered = new Set<number>();
  /** Seqs missing below the highest read, with when they were first missed (monotonic ms). */
  const holes = new Map<number, number>();
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let backoff = BACKOFF_FIRST_MS;
  const timers = new Set<NodeJS.Timeout>();
  let lastSweep = -Infinity;
  /** The latest (re)connection attempt, awaited by close so no client is left opening. */
  let connecting: Promise<void> | undefined;

  const clock = () => performance.now();
  function later(ms: number, fn: () => void) {
    if (closed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    // The listener never keeps the process alive on its own.
    t.unref();
    timers.add(t);
  }

  function deliver(e: EventRow) {
    for (const listener of [...(topics.get(e.topic) ?? [])]) {
      try {
        listener(e.payload);
      } catch (err) {
        console.error(`[notifier] a listener of ${e.topic} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  /** Delivers what `rows` (every event above floor, by seq) holds that is new, holding back behind fresh holes; returns when to look again for a held hole. */
  function handle(rows: EventRow[]): number | undefined {
    const now = clock();
    const present = new Set(rows.map((r) => r.seq));
    let top = floor!;
    for (const s of present) top = Math.max(top, s);
    for (const s of delivered) top = Math.max(top, s);
    for (let s = floor! + 1; s < top; s++) if (!present.has(s) && !delivered.has(s) && !holes.has(s)) holes.set(s, now);
    for (const r of rows) holes.delete(r.seq);
    // The lowest hole still worth waiting for: nothing above it is delivered yet.
    let held = Infinity;
    let wait: number | undefined;
    for (const [s, since] of holes) {
      if (now - since >= HOLD_MS) continue;
      held = Math.min(held, s);
      wait = Math.min(wait ?? Infinity, since + HOLD_MS - now);
    }
    for (const r of rows) {
      if (r.seq > held) break;
      if (delivered.has(r.seq)) continue;
      delivered.add(r.seq);
      if (!closed) deliver(r);
    }
    // Advance past what is delivered and past holes given up for good.
    for (;;) {
      const next = floor! + 1;
      if (delivered.delete(next)) floor = next;
      else if (holes.has(next) && now - holes.get(next)! >= KEEP_MS) {
        holes.delete(next);
        floor = next;
      } else break;
    }
    return wait;
  }

  /** Reads and delivers the events after floor; runs one at a time (a notification during a read asks for one more). */
  function read() {
    if (closed || floor === undefined) return;
    if (reading) {
      readAgain = true;
      return;
    }
    reading = (async () => {
      do {
        readAgain = false;
        let wait: number | undefined;
        try {
          // Those above floor not yet delivered (only while a hole keeps floor back are there any to leave out).
          wait = handle(await db.q.rows<EventRow>(`SELECT seq, topic, payload FROM events WHERE seq > $1 AND seq <> ALL($2::bigint[]) ORDER BY seq`, [floor, [...delivered]]));
        } catch {
          // The database is away: the listener's reconnection (or the next notification) reads again.
          later(BACKOFF_MAX_MS, read);
          return;
        }
        if (wait !== undefined) later(Math.max(10, wait), read);
      } while (readAgain && !closed);
    })().finally(() => (reading = undefined));
  }

  function reconnectLater() {
    if (closed) return;
    const ms = backoff;
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    later(ms, () => (connecting = listen()));
  }

  /** Opens the listening connection, LISTENs, finds the starting point (first time) and catches up. */
  async function listen() {
    if (closed) return;
    const c = new pg.Client({ connectionString: db.url, application_name: LISTENER_NAME, keepAlive: true, connectionTimeoutMillis: 5_000 });
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      if (client === c) client = undefined;
      c.end().catch(() => {});
      reconnectLater();
    };
    c.on('error', drop);
    c.on('end', drop);
    c.on('notification', (m) => {
      if (m.channel === CHANNEL) read();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      if (floor === undefined) {
        // Everything published since the first subscribe (elapsed on our clock, measured back on the database's).
        // Without older events: before the first one there is (all are recent), else 0 (the
        // sweep keeps the newest event, so only a database never published on has none).
        // Never the sequence's value: that counts seqs taken by publications still committing.
        const secs = (clock() - startedAt) / 1000 + 1;
        const row = await c.query(
          `SELECT coalesce((SELECT max(seq) FROM events WHERE at < now() - make_interval(secs => $1)), (SELECT min(seq) - 1 FROM events), 0) AS floor`,
          [secs],
        );
        floor = Number(row.rows[0].floor);
      }
    } catch {
      drop();
      return;
    }
    if (closed || dropped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    backoff = BACKOFF_FIRST_MS;
    // Catch up: whatever was published while no connection listened.
    read();
  }

  async function sweep() {
    if (clock() - lastSweep < SWEEP_MS) return;
    lastSweep = clock();
    // The newest event stays, however old: a listener starting later takes its starting point from it.
    await db.q.run(`DELETE FROM events WHERE at < now() - interval '${EVENT_TTL}' AND seq < (SELECT max(seq) FROM events)`);
  }

  return {
    async publish(topic, payload) {
      await db.q.run(`WITH e AS (INSERT INTO events (topic, payload) VALUES ($1, $2) RETURNING seq) SELECT pg_notify('${CHANNEL}', seq::text) FROM e`, [topic, payload]);
      await sweep();
    },
    subscribe(topic, listener) {
      if (!started && !closed) {
        started = true;
        startedAt = clock();
        connecting = listen();
      }
      const set = topics.get(topic) ?? new Set();
      set.add(listener);
      topics.set(topic, set);
      return () => {
        set.delete(listener);
        if (!set.size && topics.get(topic) === set) topics.delete(topic);
      };
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await connecting;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
      await reading;
    },
  };
}
