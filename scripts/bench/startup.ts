// Store start-up: how long openStore takes over a snapshot of N role-play
// attempts (100k, 500k), its peak RSS, and the live data it leaves on the heap.
//
// The store is built once per size in a temp folder (written by this build's
// writeSnapshot, so in this build's snapshot format; BENCH_STARTUP_LEGACY=1
// writes the old single-JSON format instead, to time loading an old store;
// BENCH_STARTUP_JOURNAL=K leaves K one-attempt batches in db.log to replay).
// Each start-up then runs RUNS times, each in a fresh child process
// (tsx scripts/bench/startup.ts --open DIR) so memory is measured cleanly:
//   start-up   openStore() wall time (and its CPU time: on a busy machine wall time also counts waiting)
//   peak RSS   process.resourceUsage().maxRSS at the end (the whole process)
//   live data  heapUsed after a full GC with the store open, minus heapUsed
//              after a full GC with an empty store open (same process, before)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { median, table, root } from './lib';

const SIZES = (process.env.BENCH_STARTUP_SIZES ?? '100000,500000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const LEGACY = process.env.BENCH_STARTUP_LEGACY === '1';
/** Batches of one new attempt each left in db.log after the snapshot (a journal a checkpoint has not folded in yet). */
const JOURNAL = Number(process.env.BENCH_STARTUP_JOURNAL ?? 0);
const SELF = path.join(root, 'scripts/bench/startup.ts');

const attempt = (i: number) => ({
  id: randomUUID(), userId: `u${i % 5000}`, scenarioId: 'ceiling-leak', version: 1, mode: 'practice' as const,
  choiceIds: ['let-vent', 'sincere-apology', 'confirm-info', 'explain-honestly', 'plan-and-ask', 'owner-and-time'],
  ending: 'resolved', outcome: 'resolved' as const, totals: { calmness: 7, empathy: 8, solution: 8 },
  scores: { calmness: 88, empathy: 100, solution: 89, overall: 92, passed: true }, moods: [85, 80, 65, 60, 50, 40, 30], at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
});

/** Child: writes a store of `n` attempts into `dir`. */
async function build(dir: string, n: number) {
  const { emptyData } = await import('../../src/store/migrations');
  const { writeSnapshot } = await import('../../src/store/journal');
  const d = emptyData();
  for (let i = 0; i < n; i++) d.scenarioAttempts.push(attempt(i) as never);
  if (LEGACY) writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ ...d, logSeq: 0 }));
  else await writeSnapshot(dir, d, 0);
  if (JOURNAL) {
    const lines = Array.from({ length: JOURNAL }, (_, i) => JSON.stringify({ b: i + 1, ops: [['put', 'scenarioAttempts', attempt(n + i)]] }));
    writeFileSync(path.join(dir, 'db.log'), `${lines.join('\n')}\n`);
  }
}

/** Child: opens the store in `dir` and prints its figures as one JSON line. */
async function open(dir: string) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const { openStore } = await import('../../src/store');
  const emptyDir = mkdtempSync(path.join(tmpdir(), 'wuye-startup-empty-'));
  let baseline: number;
  try {
    const empty = await openStore(emptyDir);
    gc();
    baseline = process.memoryUsage().heapUsed;
    await empty.close();
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
  }
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const store = await openStore(dir);
  const startupMs = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  gc();
  const live = process.memoryUsage().heapUsed - baseline;
  const peak = process.resourceUsage().maxRSS * 1024;
  await store.close();
  console.log(JSON.stringify({ startupMs, cpuMs: (cpu.user + cpu.system) / 1000, peakMb: peak / 2 ** 20, liveMb: live / 2 ** 20, rssBeforeMb: rssBefore / 2 ** 20 }));
}

type Figure = 'startupMs' | 'cpuMs' | 'peakMb' | 'liveMb' | 'rssBeforeMb';

/** The V8 flags scripts/start.mjs gives the server; each size is also opened without them, as the reference. */
const SERVER_FLAGS = ['--max-semi-space-size=64'];

const child = (args: string[], flags: string[] = []) => {
  const r = spawnSync(process.execPath, [...flags, '--expose-gc', '--import', 'tsx', SELF, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`startup ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1)!;
};

export async function runStartupBench() {
  const rows = [];
  for (const n of SIZES) {
    const dir = mkdtempSync(path.join(tmpdir(), 'wuye-startup-'));
    try {
      child(['--build', dir, String(n)]);
      const fileMb = statSync(path.join(dir, 'db.json')).size / 2 ** 20;
      for (const flags of [SERVER_FLAGS, []]) {
        // The reference right after, on the same files.
        const runs = Array.from({ length: RUNS }, () => JSON.parse(child(['--open', dir], flags)) as Record<Figure, number>);
        const pick = (k: Figure) => {
          const xs = runs.map((r) => r[k]);
          return { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) };
        };
        rows.push({ n, flags: flags.join(' ') || 'none (reference)', fileMb, startupMs: pick('startupMs'), cpuMs: pick('cpuMs'), peakMb: pick('peakMb'), liveMb: pick('liveMb'), rssBeforeMb: pick('rssBeforeMb') });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const three = (x: { min: number; median: number; max: number }, f: (v: number) => string) => `${f(x.min)} / ${f(x.median)} / ${f(x.max)}`;
  const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
  const mb = (v: number) => `${v.toFixed(0)} MB`;
  table(
    `Store start-up over a snapshot of N role-play attempts (${LEGACY ? 'old single-JSON snapshot' : "this build's snapshot format"}${JOURNAL ? `, plus ${JOURNAL.toLocaleString()} journal batches` : ''}; min / median / max of ${RUNS} fresh processes)`,
    ['attempt records', 'V8 flags', 'snapshot', 'start-up', 'its CPU time', 'peak RSS', 'live data', 'peak RSS / live data', 'RSS before opening'],
    rows.map((r) => [r.n.toLocaleString(), r.flags, `${r.fileMb.toFixed(1)} MB`, three(r.startupMs, s), three(r.cpuMs, s), three(r.peakMb, mb), three(r.liveMb, mb), (r.peakMb.median / r.liveMb.median).toFixed(2), mb(r.rssBeforeMb.median)]),
  );
  return rows;
}

if (process.argv.includes('--build')) {
  const i = process.argv.indexOf('--build');
  build(process.argv[i + 1]!, Number(process.argv[i + 2])).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv.includes('--open')) {
  open(process.argv[process.argv.indexOf('--open') + 1]!).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv[1]?.endsWith('startup.ts')) runStartupBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
