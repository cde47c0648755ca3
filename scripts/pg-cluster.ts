// A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary
// folder (as the `postgres` user when run as root: the server refuses root), a
// free loopback port, a socket in the same folder; `stop` shuts it down and
// removes the folder. Nothing here assumes a database is already running.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface Cluster {
  port: number;
  /** Connection URL of a database in the cluster (default `postgres`). */
  url(db?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server but keeps its data (a database lost while the app runs). */
  halt(): void;
  /** Starts it again on the same port with the same data. */
  resume(): void;
  stop(): void;
}

/** The folder holding initdb and pg_ctl: PG_BIN, else pg_config's, else the newest /usr/lib/postgresql/N/bin. */
export function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (cfg.status === 0 && existsSync(path.join(cfg.stdout.trim(), 'initdb'))) return cfg.stdout.trim();
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (no initdb found): apt-get install postgresql, or set PG_BIN to the folder holding initdb and pg_ctl');
  return path.join(root, versions[0]!, 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** Runs a PostgreSQL tool, as the postgres user when we are root. */
function pgTool(bin: string, args: string[]) {
  const quoted = [bin, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  if (asRoot) execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: ['ignore', 'pipe', 'pipe'] });
  else execFileSync('/bin/sh', ['-c', quoted], { stdio: ['ignore', 'pipe', 'pipe'] });
}

let made = 0;

/**
 * Starts a cluster. Settings suit throwaway test data: no fsync (the tests kill
 * app servers, never the database), room for many test pools.
 */
export async function startCluster(): Promise<Cluster> {
  const bin = pgBin();
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-pg-'));
  if (asRoot) {
    const { uid, gid } = idOf('postgres');
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  try {
    pgTool(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (e: any) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${e.stderr?.toString() || e.message}`);
  }
  let port = 0;
  const start = () => pgTool(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB`, 'start']);
  for (let tries = 0; ; tries++) {
    port = await freePort();
    try {
      start();
      break;
    } catch (e: any) {
      if (tries >= 3) {
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`pg_ctl start failed: ${e.stderr?.toString() || e.message}`);
      }
    }
  }
  const url = (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      pgTool(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return {
    port,
    url,
    stop,
    halt: () => pgTool(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']),
    resume: start,
    async createDatabase(name = `t${process.pid}_${++made}_${Date.now().toString(36)}`) {
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
  };
}

function idOf(user: string): { uid: number; gid: number } {
  const line = execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':');
  return { uid: Number(line[2]), gid: Number(line[3]) };
}

// `tsx scripts/pg-cluster.ts`: start one and print its URL until Ctrl-C (for trying the app on PostgreSQL by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const c = await startCluster();
  const db = await c.createDatabase('wuye');
  console.log(`PostgreSQL is running: DATABASE_URL=${db}  (Ctrl-C stops it and deletes its data)`);
  const end = () => { c.stop(); process.exit(0); };
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
  setInterval(() => {}, 1 << 30);
}
