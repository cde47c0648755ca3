// Store growth: write latency, start-up time, file size and memory with 1k, 10k,
// 100k and 500k role-play attempt records, for
//   - "lowdb whole file": plain lowdb 7 (JSONFile adapter), one attempt appended
//     per write, the whole file rewritten each time (what the store did before
//     the journal, and what issue #8 measured);
//   - "store (journal)": this app's store (src/store): each write appends one
//     journal line and fsyncs; a checkpoint rewrites the snapshot in the
//     background now and then. Also measured: one checkpoint's duration and
//     the writes made while it runs.
// Each size and kind runs in its own process (tsx scripts/bench/growth.ts
// --child KIND N) so memory is measured cleanly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { percentile, table, root } from './lib';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,100000,500000').split(',').map(Number);
const KINDS = (process.env.BENCH_GROWTH_KINDS ?? 'lowdb,store').split(',');

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
    const writes = kind === 'lowdb' ? (n >= 500_000 ? 8 : n >= 100_000 ? 15 : 60) : 300;
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
      for (let i = 0; i < writes; i++) {
        const t = performance.now();
        await store.recordScenarioAttempt({ ...attempt(i), id: undefined } as never);
        lat.push(performance.now() - t);
      }
      // A checkpoint (normally started by the store once the journal outgrows the snapshot), with writes going on.
      const during: number[] = [];
      const c0 = performance.now();
      let done = false;
      const cp = store.checkpoint().then(() => (done = true));
      const cpu0 = process.cpuUsage();
      while (!done) {
        const t = performance.now();
        await store.recordScenarioAttempt({ ...attempt(0), id: undefined } as never);
        during.push(performance.now() - t);
      }
      await cp;
      const cpu = process.cpuUsage(cpu0);
      extra = { checkpointMs: performance.now() - c0, checkpointCpuMs: (cpu.user + cpu.system) / 1000, duringP95: percentile(during, 95), duringMax: Math.max(...during), duringN: during.length, logAfter: existsSync(path.join(dir, 'db.log')) ? statSync(path.join(dir, 'db.log')).size : 0 };
      await store.close();
    }
    const rss = process.memoryUsage().rss;
    console.log(JSON.stringify({ kind, n, writes, startupMs: startup, writeP50: percentile(lat, 50), writeP95: percentile(lat, 95), writeMax: Math.max(...lat), fileMb: size / 2 ** 20, rssMb: rss / 2 ** 20, ...extra }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runGrowthBench() {
  const results = [];
  for (const kind of KINDS) {
    for (const n of SIZES) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', path.join(root, 'scripts/bench/growth.ts'), '--child', kind, String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status !== 0) throw new Error(`growth ${kind} ${n}: ${r.stderr}`);
      results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!));
    }
  }
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
  table(
    'Store growth: one role-play attempt per write (before: lowdb rewriting the whole file; after: this store, journal + background checkpoints)',
    ['store', 'attempt records', 'file', 'start-up', 'writes', 'write p50', 'write p95', 'write max', 'memory (RSS)'],
    results.map((r) => [r.kind === 'lowdb' ? 'lowdb whole file' : 'store (journal)', r.n.toLocaleString(), `${r.fileMb.toFixed(1)} MB`, ms(r.startupMs), r.writes, ms(r.writeP50), ms(r.writeP95), ms(r.writeMax), `${r.rssMb.toFixed(0)} MB`]),
  );
  const cps = results.filter((r) => r.kind === 'store');
  if (cps.length) {
    table(
      'Store checkpoints (the snapshot rewritten in the background; writes continue meanwhile)',
      ['attempt records', 'checkpoint', 'its CPU', 'writes during it', 'their p95', 'their max'],
      cps.map((r) => [r.n.toLocaleString(), ms(r.checkpointMs), ms(r.checkpointCpuMs), r.duringN, ms(r.duringP95), ms(r.duringMax)]),
    );
  }
  return results;
}

if (process.argv.includes('--child')) {
  const i = process.argv.indexOf('--child');
  child(process.argv[i + 1]!, Number(process.argv[i + 2])).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv[1]?.endsWith('growth.ts')) runGrowthBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
