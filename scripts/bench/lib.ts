// Shared helpers for the benchmarks: a server on loopback over a prepared DATA_DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';

export const root = path.resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  base: string;
  proc: ChildProcess;
  rssMb: () => number;
  /** CPU time (user + system) the server process has used, in ms. */
  cpuMs: () => number;
  stop: () => Promise<void>;
}

/**
 * Starts the built server (scripts/serve.mjs over dist/) on a free loopback port over `dataDir`;
 * waits up to `readyMs` for /login to answer (a large store takes a while to load).
 */
export async function startServer(dataDir: string, env: Record<string, string> = {}, readyMs = 10_000): Promise<Server> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, path.join(root, 'scripts/serve.mjs')], {
    cwd: root,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (const until = performance.now() + readyMs; performance.now() < until; ) {
    if (proc.exitCode !== null) throw new Error(`the server over ${dataDir} exited with ${proc.exitCode} before answering`);
    try {
      const r = await fetch(`${base}/login`);
      if (r.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    base,
    proc,
    rssMb: () => {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : NaN;
    },
    cpuMs: () => {
      const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    },
    stop: () =>
      new Promise((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Signs in and returns the session cookie. */
export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  const cookie = res.headers.get('set-cookie')?.match(/sid=[^;]+/)?.[0];
  if (!cookie) throw new Error(`login failed for ${username}: ${res.status}`);
  return cookie;
}

export const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** The median (the mean of the middle two for an even count); NaN for none. */
export const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : '—');

/** Prints rows as an aligned plain-text table. */
export function table(title: string, head: string[], rows: Array<Array<string | number>>) {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(width[i]! - [...c].length)).join('  ');
  console.log(`\n${title}\n${line(head)}\n${width.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of cells.slice(1)) console.log(line(r));
}

/** min / median / max of one figure over repeated runs (NaN and undefined left out). */
export const spread = (xs: Array<number | undefined>) => {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length ? { min: Math.min(...v), median: median(v), max: Math.max(...v), runs: v } : undefined;
};
export type Spread = NonNullable<ReturnType<typeof spread>>;

/** "min / median / max" of a spread, each formatted by `f`. */
export const mmm = (x: Spread | undefined, f: (n: number) => string = ms) => (x ? `${f(x.min)} / ${f(x.median)} / ${f(x.max)}` : '—');

/** Accept-Encoding as Chromium sends it over plain http. */
export const BROWSER = 'gzip, deflate, br';

export interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as it came off the socket (still brotli or gzip when the server compressed it). */
  body: Buffer;
  /** Wall time from sending the request to the last byte of the answer. */
  ms: number;
}

/**
 * One real HTTP request over `agent` (node:http, so nothing is decoded or
 * cached on the client side): the body's bytes are the bytes really sent.
 * fetch would add `Accept-Encoding` and hand back the decoded body.
 */
export function send(agent: http.Agent, url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Sent> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** p50 and p95 of each run, and over runs their min / median / max. */
export function runsSummary(runs: number[][]) {
  return { runs: runs.length, counts: runs.map((r) => r.length), p50: spread(runs.map((r) => percentile(r, 50)))!, p95: spread(runs.map((r) => percentile(r, 95)))!, max: spread(runs.map((r) => Math.max(...r)))! };
}

/**
 * Counts the store's checkpoints in `dataDir` from outside the server: a
 * checkpoint writes a new snapshot (db.json, written aside and renamed into
 * place), so each new inode of db.json is one (a first db.json in a store
 * that had only a journal, too). Polled every `everyMs`; two checkpoints
 * between two polls would count as one, but one takes far longer than that.
 * Reports undefined when the folder holds neither db.json nor db.log (a
 * store of another shape, whose checkpoints this cannot see).
 */
export function watchCheckpoints(dataDir: string, everyMs = 20) {
  const ino = () => {
    try {
      return statSync(path.join(dataDir, 'db.json')).ino;
    } catch {
      return 0;
    }
  };
  const known = () => ino() !== 0 || existsSync(path.join(dataDir, 'db.log'));
  let last = ino();
  let count = 0;
  const look = () => {
    const now = ino();
    if (now !== 0 && now !== last) count++;
    if (now !== 0) last = now;
  };
  const timer = setInterval(look, everyMs);
  timer.unref();
  return {
    /**
     * The journal's bytes (db.log) and the size it checkpoints at (16 MB or the
     * snapshot's size, whichever is more: checkpointBytes in src/store/store.ts),
     * or undefined for a store of another shape.
     */
    journal: () => {
      if (!known()) return undefined;
      const size = (f: string) => (existsSync(path.join(dataDir, f)) ? statSync(path.join(dataDir, f)).size : 0);
      return { bytes: size('db.log'), threshold: Math.max(16 * 2 ** 20, size('db.json')) };
    },
    /** Checkpoints seen so far (after a last look). */
    count: () => (look(), known() ? count : undefined),
    stop: () => clearInterval(timer),
  };
}
