// Store growth: write latency, start-up time, file size and memory with 1k, 10k,
// 100k and 500k role-play attempt records. Each size runs in its own process
// (tsx scripts/bench/growth.ts --child N) so memory is measured cleanly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { percentile, table, root } from './lib';

const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '1000,10000,100000,500000').split(',').map(Number);

async function child(n: number) {
  const { emptyData } = await import('../../src/store/migrations');
  const { openStore } = await import('../../src/store');
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-growth-'));
  try {
    const d = emptyData();
    const attempt = (i: number) => ({
      id: randomUUID(), userId: `u${i % 5000}`, scenarioId: 'ceiling-leak', version: 1, mode: 'practice' as const,
      choiceIds: ['let-vent', 'sincere-apology', 'confirm-info', 'explain-honestly', 'plan-and-ask', 'owner-and-time'],
      ending: 'resolved', outcome: 'resolved' as const, totals: { calmness: 7, empathy: 8, solution: 8 },
      scores: { calmness: 88, empathy: 100, solution: 89, overall: 92, passed: true }, moods: [85, 80, 65, 60, 50, 40, 30], at: new Date().toISOString(),
    });
    for (let i = 0; i < n; i++) d.scenarioAttempts.push(attempt(i));
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(d));
    d.scenarioAttempts = [];
    const size = statSync(path.join(dir, 'db.json')).size;
    const t0 = performance.now();
    const store = await openStore(dir);
    const startup = performance.now() - t0;
    const writes = n >= 100_000 ? 15 : 60;
    const lat: number[] = [];
    for (let i = 0; i < writes; i++) {
      const a = attempt(i);
      const t = performance.now();
      await store.recordScenarioAttempt({ ...a, id: undefined } as never);
      lat.push(performance.now() - t);
    }
    const rss = process.memoryUsage().rss;
    await store.close();
    console.log(JSON.stringify({ n, startupMs: startup, writeP50: percentile(lat, 50), writeP95: percentile(lat, 95), fileMb: size / 2 ** 20, rssMb: rss / 2 ** 20 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runGrowthBench() {
  const results = [];
  for (const n of SIZES) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', path.join(root, 'scripts/bench/growth.ts'), '--child', String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`growth ${n}: ${r.stderr}`);
    results.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!));
  }
  table('Store growth: one role-play attempt appended per write (lowdb, whole-file rewrite)', ['attempt records', 'file', 'start-up', 'write p50', 'write p95', 'memory (RSS)'], results.map((r) => [r.n.toLocaleString(), `${r.fileMb.toFixed(1)} MB`, `${r.startupMs.toFixed(0)} ms`, `${r.writeP50.toFixed(1)} ms`, `${r.writeP95.toFixed(1)} ms`, `${r.rssMb.toFixed(0)} MB`]));
  return results;
}

if (process.argv.includes('--child')) child(Number(process.argv[process.argv.indexOf('--child') + 1])).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
else if (process.argv[1]?.endsWith('growth.ts')) runGrowthBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
