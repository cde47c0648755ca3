// Store growth: write latency, start-up time, file size and memory with 1k, 10k,
// 100k and 500k role-play attempt records, for
//   - "lowdb whole file": plain lowdb 7 (JSONFile adapter), one attempt appended
//     per write, the whole file rewritten each time (what the store did before
//     the journal, and what issue #8 measured);
//   - "store (journal)": this app's store (src/store): each write appends one
//     journal line and fsyncs; a checkpoint rewrites the snapshot in the
//     background now and then. The measured window is WRITES writes with one
//     checkpoint halfway and every write made while it runs, so the write
//     percentiles include a checkpoint period. The store starts a checkpoint
//     itself once the journal outgrows max(16 MB, the snapshot), i.e. after
//     hundreds of thousands of writes at 500k records, which no run can wait
//     for: the bench starts that one checkpoint (store.checkpoint(), what the
//     store calls) and the table says so, with how many checkpoints the
//     window saw (new snapshots counted on disk) and the checkpoint's cost.
// Each size and kind runs in its own process (tsx scripts/bench/growth.ts
// --child KIND N), REPEATS times (min / median / max), so memory is measured cleanly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { percentile, table, root, spread, mmm, watchCheckpoints } from './lib';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,100000,500000').split(',').map(Number);
const KINDS = (process.env.BENCH_GROWTH_KINDS ?? 'lowdb,store').split(',');
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 3));

const attempt = (i: number) => ({
  id: randomUUID(), userId: `u${i % 5000}`, scenarioId: 'ceiling-leak', version: 1, mode: 'practice' as const,
  choiceIds: ['let-vent', 'sincere-apology', 'confirm-info', 'explain-honestly', 'plan-and-ask', 'owner-and-time'],
  ending: 'resolved', outcome: 'resolved' as const, totals: { calmness: 7, empathy: 8, solution: 8 },
  scores: { calmness: 88, empathy: 100, solution: 89, overall: 92, passed: true }, moods: [85, 80, 65, 60, 50, 40, 30], at: new Date().toISOString(),
});

async function child(kind: string, n: number) {
  const { emptyData } = await import('../../src/store/migrations');
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-growth-'));
  try {
    const d = emptyData();
    for (let i = 0; i < n; i++) d.scenarioAttempts.push(attempt(i));
    const file = path.join(dir, 'db.json');
    writeFileSync(file, JSON.stringify(d));
    d.scenarioAttempts = [];
    const size = statSync(file).size;
    // lowdb at 500k: several seconds a write, three runs; four writes each keep the part within a few minutes.
    const writes = kind === 'lowdb' ? (n >= 500_000 ? 4 : n >= 100_000 ? 10 : 60) : 300;
    const lat: number[] = [];
    let startup: number;
    let extra: Record<string, number> = {};
    if (kind === 'lowdb') {
      const { JSONFile } = await import('lowdb/node');
      const { Low } = await import('lowdb');
      const t0 = performance.now();
      const db = new Low(new JSONFile<typeof d>(file), emptyData());
      await db.read();
      startup = performance.now() - t0;
      for (let i = 0; i < writes; i++) {
        const t = performance.now();
        db.data.scenarioAttempts.push(attempt(i));
        await db.write();
        lat.push(performance.now() - t);
      }
    } else {
      const { openStore } = await import('../../src/store');
      const t0 = performance.now();
      const store = await openStore(dir);
      startup = performance.now() - t0;
      const checkpoints = watchCheckpoints(dir, 5);
      const cp0 = checkpoints.count() ?? 0;
      const write = async (into: number[]) => {
        const t = performance.now();
        await store.recordScenarioAttempt({ ...attempt(into.length), id: undefined } as never);
        into.push(performance.now() - t);
      };
      for (let i = 0; i < writes / 2; i++) await write(lat);
      // The checkpoint, with writes going on (all of them in the window).
      const during: number[] = [];
      const c0 = performance.now();
      let done = false;
      const cp = store.checkpoint().then(() => (done = true));
      const cpu0 = process.cpuUsage();
      while (!done) await write(during);
      await cp;
      const cpu = process.cpuUsage(cpu0);
      extra = { checkpointMs: performance.now() - c0, checkpointCpuMs: (cpu.user + cpu.system) / 1000, duringP95: percentile(during, 95), duringMax: Math.max(...during), duringN: during.length, logAfter: existsSync(path.join(dir, 'db.log')) ? statSync(path.join(dir, 'db.log')).size : 0 };
      for (let i = 0; i < writes / 2; i++) await write(lat);
      lat.push(...during);
      extra.checkpoints = (checkpoints.count() ?? 0) - cp0;
      checkpoints.stop();
      await store.close();
    }
    const rss = process.memoryUsage().rss;
    console.log(JSON.stringify({ kind, n, writes: lat.length, startupMs: startup, writeP50: percentile(lat, 50), writeP95: percentile(lat, 95), writeP99: percentile(lat, 99), writeMax: Math.max(...lat), fileMb: size / 2 ** 20, rssMb: rss / 2 ** 20, ...extra }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runGrowthBench() {
  const results = [];
  for (const kind of KINDS) {
    for (const n of SIZES) {
      const runs: Array<Record<string, number>> = [];
      for (let rep = 0; rep < REPEATS; rep++) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', path.join(root, 'scripts/bench/growth.ts'), '--child', kind, String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
        if (r.status !== 0) throw new Error(`growth ${kind} ${n}: ${r.stderr}`);
        runs.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!));
      }
      const of = (k: string) => spread(runs.map((r) => r[k]));
      results.push({ kind, n, fileMb: runs[0].fileMb, writes: runs.map((r) => r.writes), checkpoints: runs.map((r) => r.checkpoints), runs, ...Object.fromEntries(['startupMs', 'writeP50', 'writeP95', 'writeP99', 'writeMax', 'rssMb', 'checkpointMs', 'checkpointCpuMs', 'duringN', 'duringP95', 'duringMax'].map((k) => [k, of(k)])) });
    }
  }
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
  const mb = (x: number) => `${x.toFixed(0)} MB`;
  table(
    `Store growth: one role-play attempt per write, ${REPEATS} runs per row (each in a fresh process), min / median / max over the runs (before: lowdb rewriting the whole file; after: this store, journal + background checkpoints; its window has one checkpoint halfway, started by the bench with store.checkpoint() as the store would once the journal outgrew max(16 MB, the snapshot), and every write made while it ran)`,
    ['store', 'attempt records', 'file', 'start-up', 'writes per run', 'checkpoints in window', 'write p50', 'write p95', 'write p99', 'write max', 'memory (RSS)'],
    results.map((r: any) => [r.kind === 'lowdb' ? 'lowdb whole file' : 'store (journal)', r.n.toLocaleString(), `${r.fileMb.toFixed(1)} MB`, mmm(r.startupMs, ms), r.writes.join(', '), r.kind === 'lowdb' ? 'none (every write rewrites the file)' : r.checkpoints.join(', '), mmm(r.writeP50, ms), mmm(r.writeP95, ms), mmm(r.writeP99, ms), mmm(r.writeMax, ms), mmm(r.rssMb, mb)]),
  );
  const cps = results.filter((r) => r.kind === 'store');
  if (cps.length) {
    table(
      'Store checkpoints (the snapshot rewritten in the background; writes continue meanwhile), min / median / max over the runs',
      ['attempt records', 'checkpoint', 'its CPU', 'writes during it', 'their p95', 'their max'],
      cps.map((r: any) => [r.n.toLocaleString(), mmm(r.checkpointMs, ms), mmm(r.checkpointCpuMs, ms), mmm(r.duringN, (x) => String(Math.round(x))), mmm(r.duringP95, ms), mmm(r.duringMax, ms)]),
    );
  }
  return results;
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--child');
  child(process.argv[i + 1]!, Number(process.argv[i + 2])).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv[1]?.endsWith('growth.ts')) runGrowthBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
