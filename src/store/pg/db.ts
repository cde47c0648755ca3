// The PostgreSQL adapter's connection: one pool per app server, queries that
// return rows, transactions that retry on serialisation failures, and the
// mapping of driver errors onto the storage errors the app layer knows
// (ports.ts): a database that cannot be reached is StoreUnavailableError (the
// app answers 503 and carries on when it is back), never a crash.
import pg from 'pg';
import { StoreUnavailableError } from '../ports';

export { StoreUnavailableError };

// int8 (ids from identity columns, counters' ms) as numbers: every value we keep fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));


/** What a query runs on: the pool, or one transaction's client. */
export interface Q {
  rows<R = any>(text: string, params?: readonly unknown[]): Promise<R[]>;
  one<R = any>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** Rows changed (INSERT/UPDATE/DELETE). */
  run(text: string, params?: readonly unknown[]): Promise<number>;
}

/** A URL fit for log lines and error messages: the password is replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/** A fault of the connection or server, not of the statement: worth a 503 and a retry later. */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (err.code && (CONNECTION_CODES.has(err.code) || err.code.startsWith('08'))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(err.message ?? '');
}

/** PostgreSQL's unique_violation, with the constraint (or index) that refused. */
export function uniqueViolation(e: unknown): string | undefined {
  const err = e as { code?: string; constraint?: string };
  return err?.code === '23505' ? (err.constraint ?? '') : undefined;
}

/**
 * A connected single client (migrations, store:copy, backups): a database
 * that cannot be reached is a StoreUnavailableError naming the URL without its password.
 */
export async function connectClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e: any) {
    await client.end().catch(() => {});
    throw new StoreUnavailableError(`cannot connect to the database at ${redactUrl(url)} (${e?.code ?? e?.message ?? e}); check the URL (DATABASE_URL) and that PostgreSQL is running`);
  }
  return client;
}

const RETRY_CODES = new Set(['40001', '40P01']);

export class Db {
  readonly pool: pg.Pool;
  constructor(
    readonly url: string,
    opts: { max?: number } = {},
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? (Number(process.env.PG_POOL_MAX) || 10),
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A statement that hangs (a lock held by a dead client) fails instead of holding a request forever.
      query_timeout: 30_000,
      application_name: 'wuye-kefu-shixun',
    });
    // An idle client that loses its connection must not crash the process: the next query gets a fresh one.
    this.pool.on('error', () => {});
  }

  get location(): string {
    return redactUrl(this.url);
  }

  private fail(e: unknown): never {
    if (isConnectionError(e)) {
      const why = (e as { code?: string; message?: string }).code ?? (e as Error).message;
      throw new StoreUnavailableError(`the database at ${this.location} cannot be reached (${why}); the request was not carried out`);
    }
    throw e;
  }

  private on(client: pg.Pool | pg.PoolClient): Q {
    const exec = async (text: string, params?: readonly unknown[]) => {
      try {
        return await client.query(text, params as unknown[] | undefined);
      } catch (e) {
        this.fail(e);
      }
    };
    return {
      rows: async (text, params) => (await exec(text, params)).rows,
      one: async (text, params) => (await exec(text, params)).rows[0],
      run: async (text, params) => (await exec(text, params)).rowCount ?? 0,
    };
  }

  /** Queries outside a transaction (each statement commits on its own). */
  get q(): Q {
    return this.on(this.pool);
  }

  /**
   * Runs `fn` in one transaction (READ COMMITTED unless asked), committing when
   * it resolves and rolling back when it throws; a serialisation failure or
   * deadlock runs it again (up to 5 times). `fn` must only touch the database.
   */
  async tx<T>(fn: (q: Q) => Promise<T>, level: 'read committed' | 'repeatable read' | 'serializable' = 'read committed'): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        this.fail(e);
      }
      let broken = false;
      try {
        await client.query(`BEGIN ISOLATION LEVEL ${level}`);
        const out = await fn(this.on(client));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (e as { code?: string }).code;
        if (code && RETRY_CODES.has(code) && attempt < 5) continue;
        if (e instanceof StoreUnavailableError || isConnectionError(e)) broken = true;
        this.fail(e);
      } finally {
        client.release(broken);
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** A record as a jsonb parameter (pg would turn a JS array into a PostgreSQL array). */
export const json = (x: unknown): string => JSON.stringify(x);
