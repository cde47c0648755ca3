// Server throughput on loopback with autocannon (the load generator shares the
// machine's 2 cores): a module page, a role-play start (a new play record each
// time, giving up the previous open one), an exam autosave; at 50 and 200
// connections, RUNS runs each (min / median / max). For the writes, a run
// lasts until the journal has reached the size at which the store
// checkpoints (from its growth in the warm-up; at least BENCH_SECONDS, at
// most BENCH_WRITE_MAX_SECONDS), so its percentiles include a checkpoint
// period; the checkpoints (a new db.json, seen from outside the server) that
// fell in each run are counted and printed.
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, login, table, spread, mmm, watchCheckpoints } from './lib';
import { DEMO_PASSWORD } from '../../src/people/demo';
import { readContent } from '../../src/content/read';
import { loadExam } from '../../src/quiz';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const WRITE_MAX = Number(process.env.BENCH_WRITE_MAX_SECONDS ?? 40);

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))));
}

export async function runThroughputBench() {
  const files = readContent(process.cwd());
  const bank = loadExam(files.questions, files.blueprint).bank;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-tp-'));
  const server = await startServer(dataDir, { DEMO_ACTIVITY: '0' });
  const base = server.base;
  try {
    const trainee = await login(base, 'trainee', DEMO_PASSWORD);
    const trainer = await login(base, 'trainer', DEMO_PASSWORD);
    // An exam attempt for the autosave: sun.hao (at the trainer's own site, whom the trainer may enrol) joins a cohort and gets the prerequisites waived.
    const examinee = await login(base, 'sun.hao', DEMO_PASSWORD);
    const page = await (await fetch(`${base}/trainer/cohorts`, { headers: { cookie: trainer } })).text();
    const examineeId = /value="([\w-]+)"[^>]*>\s*<span>孙浩/.exec(page)?.[1];
    if (!examineeId) throw new Error('sun.hao is not offered on /trainer/cohorts');
    const post = (url: string, cookie: string, body: Record<string, string>) =>
      fetch(base + url, { method: 'POST', redirect: 'manual', headers: { cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    await post('/trainer/cohorts', trainer, { name: 'bench', trainee: examineeId });
    await post('/trainer/waivers', trainer, { userId: examineeId, reason: 'bench' });
    const examId = (await post('/exam', examinee, {})).headers.get('location')!.split('/').pop()!;
    const html = await (await fetch(`${base}/exam/${examId}`, { headers: { cookie: examinee } })).text();
    const tf = [...html.matchAll(/data-question="([^"]+)"/g)].map((m) => m[1]!).find((id) => bank.get(id)?.type === 'truefalse')!;

    const targets = [
      { name: 'module page GET', write: false, url: `${base}/modules/3`, method: 'GET' as const, headers: { cookie: trainee } },
      // As a browser asks for it: compressed per request (brotli), which costs server CPU the row above does not pay.
      { name: 'module page GET, br', write: false, url: `${base}/modules/3`, method: 'GET' as const, headers: { cookie: trainee, 'accept-encoding': 'gzip, deflate, br' } },
      // Each start is a real write: a new play record (and the previous open play given up in the same write).
      { name: 'role-play start POST', write: true, url: `${base}/api/scenarios/ceiling-leak/plays`, method: 'POST' as const, headers: { cookie: trainee, Origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'practice' }) },
      { name: 'exam autosave PUT', write: true, url: `${base}/api/exam/${examId}/answers`, method: 'PUT' as const, headers: { cookie: examinee, Origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ questionId: tf, response: true }) },
    ];
    const rows: Array<Array<string | number>> = [];
    const out: Record<string, unknown> = {};
    const checkpoints = watchCheckpoints(dataDir);
    for (const t of targets) {
      // Warm-up (not recorded): a long-running server has its code optimised by the JIT; the first seconds after a start run slower.
      const j0 = checkpoints.journal();
      const cpw = checkpoints.count();
      await run({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections: 50, duration: WARMUP });
      const j1 = checkpoints.journal();
      // Journal bytes a second at this request (unknown when a checkpoint cut the journal meanwhile).
      const rate = t.write && j0 && j1 && checkpoints.count() === cpw ? (j1.bytes - j0.bytes) / WARMUP : undefined;
      for (const connections of [50, 200]) {
        const runs: Array<Record<'seconds' | 'reqPerSec' | 'p50' | 'p90' | 'p97_5' | 'p99' | 'max' | 'failed' | 'ok', number> & { checkpoints?: number }> = [];
        for (let i = 0; i < RUNS; i++) {
          const j = checkpoints.journal();
          // Long enough for the journal to reach the checkpoint size (plus 2 s for the checkpoint itself), when that fits in WRITE_MAX.
          const needed = rate && j ? Math.ceil((j.threshold - j.bytes) / rate) + 2 : Infinity;
          const seconds = needed <= WRITE_MAX ? Math.max(DURATION, needed) : DURATION;
          const cp0 = checkpoints.count();
          const r = await run({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections, duration: seconds });
          const cp = checkpoints.count();
          runs.push({ seconds, reqPerSec: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max, failed: r.non2xx + r.errors + r.timeouts, ok: r.requests.total - r.non2xx - r.errors - r.timeouts, checkpoints: cp === undefined || cp0 === undefined ? undefined : cp - cp0 });
        }
        const of = (k: keyof (typeof runs)[number]) => spread(runs.map((r) => r[k]))!;
        const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
        const every = rate ? ` (journal ${(rate / 1024).toFixed(0)} KB/s at 50 conns: one per ~${Math.round((16 * 2 ** 20) / rate)} s${(16 * 2 ** 20) / rate > WRITE_MAX ? `, longer than a run may take (${WRITE_MAX} s): see the growth table` : ''})` : '';
        const cps = t.write ? runs.map((r) => r.checkpoints ?? '—').join(', ') + every : '';
        rows.push([t.name, connections, runs.map((r) => r.seconds).join(', '), mmm(of('reqPerSec'), n0), mmm(of('p50'), (x) => `${x}`), mmm(of('p90'), (x) => `${x}`), mmm(of('p97_5'), (x) => `${x}`), mmm(of('p99'), (x) => `${x}`), mmm(of('max'), (x) => `${x}`), runs.reduce((n, r) => n + r.failed, 0), n0(runs.reduce((n, r) => n + r.ok, 0)), cps]);
        out[`${t.name} @${connections}`] = { journalBytesPerSec: rate, runs };
      }
    }
    checkpoints.stop();
    table(
      `Throughput on loopback, ${RUNS} runs per row after a ${WARMUP} s warm-up per request (autocannon on the same 2 cores); min / median / max over the runs, latencies in ms; p95 lies between the p90 and p97.5 columns. Reads run ${DURATION} s; a write run lasts until the journal reaches the checkpoint size (16 MB or the snapshot's size, whichever is more) when that takes at most ${WRITE_MAX} s, else ${DURATION} s; checkpoints: the snapshot rewrites seen during each run`,
      ['request', 'conns', 'run s', 'req/s', 'p50', 'p90', 'p97.5', 'p99', 'max', 'failed', 'ok (all runs)', 'checkpoints per run'],
      rows,
    );
    console.log(`store: ${server.rssMb()} MB RSS after the runs`);
    return out;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('throughput.ts')) runThroughputBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
