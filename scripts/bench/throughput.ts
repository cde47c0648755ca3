// Server throughput on loopback with autocannon (the load generator shares the
// machine's 2 cores): a module page, a role-play start (a new play record each
// time, giving up the previous open one), an exam autosave; at 50 and 200 connections.
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, login, table } from './lib';
import { DEMO_PASSWORD } from '../../src/people/demo';
import { readContent } from '../../src/content/read';
import { loadExam } from '../../src/quiz';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);

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
    const zhao = await login(base, 'zhao.min', DEMO_PASSWORD);
    // An exam attempt for the autosave: zhao.min joins a cohort and gets the prerequisites waived.
    const page = await (await fetch(`${base}/trainer/cohorts`, { headers: { cookie: trainer } })).text();
    const zhaoId = /value="([\w-]+)"[^>]*>\s*<span>赵敏/.exec(page)![1]!;
    const post = (url: string, cookie: string, body: Record<string, string>) =>
      fetch(base + url, { method: 'POST', redirect: 'manual', headers: { cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    await post('/trainer/cohorts', trainer, { name: 'bench', trainee: zhaoId });
    await post('/trainer/waivers', trainer, { userId: zhaoId, reason: 'bench' });
    const examId = (await post('/exam', zhao, {})).headers.get('location')!.split('/').pop()!;
    const html = await (await fetch(`${base}/exam/${examId}`, { headers: { cookie: zhao } })).text();
    const tf = [...html.matchAll(/data-question="([^"]+)"/g)].map((m) => m[1]!).find((id) => bank.get(id)?.type === 'truefalse')!;

    const targets = [
      { name: 'module page GET', url: `${base}/modules/3`, method: 'GET' as const, headers: { cookie: trainee } },
      // As a browser asks for it: compressed per request (brotli), which costs server CPU the row above does not pay.
      { name: 'module page GET, br', url: `${base}/modules/3`, method: 'GET' as const, headers: { cookie: trainee, 'accept-encoding': 'gzip, deflate, br' } },
      // Each start is a real write: a new play record (and the previous open play given up in the same write).
      { name: 'role-play start POST', url: `${base}/api/scenarios/ceiling-leak/plays`, method: 'POST' as const, headers: { cookie: trainee, Origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'practice' }) },
      { name: 'exam autosave PUT', url: `${base}/api/exam/${examId}/answers`, method: 'PUT' as const, headers: { cookie: zhao, Origin: base, 'content-type': 'application/json' }, body: JSON.stringify({ questionId: tf, response: true }) },
    ];
    const rows: Array<Array<string | number>> = [];
    const out: Record<string, unknown> = {};
    for (const t of targets) {
      // Warm-up (not recorded): a long-running server has its code optimised by the JIT; the first seconds after a start run slower.
      await run({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections: 50, duration: WARMUP });
      for (const connections of [50, 200]) {
        const r = await run({ url: t.url, method: t.method, headers: t.headers, body: t.body, connections, duration: DURATION });
        const ok = r.requests.total - r.non2xx - r.errors - r.timeouts;
        rows.push([t.name, connections, Math.round(r.requests.average), `${r.latency.p50} ms`, `${r.latency.p90} ms`, `${r.latency.p97_5} ms`, `${r.latency.p99} ms`, r.non2xx + r.errors + r.timeouts, ok]);
        out[`${t.name} @${connections}`] = { reqPerSec: r.requests.average, p50: r.latency.p50, p90: r.latency.p90, p97_5: r.latency.p97_5, p99: r.latency.p99, failed: r.non2xx + r.errors + r.timeouts };
      }
    }
    table(`Throughput on loopback, ${DURATION} s per run after a ${WARMUP} s warm-up per request (autocannon on the same 2 cores); p95 lies between the p90 and p97.5 columns`, ['request', 'conns', 'req/s', 'p50', 'p90', 'p97.5', 'p99', 'failed', 'ok'], rows);
    console.log(`store: ${server.rssMb()} MB RSS after the runs`);
    return out;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('throughput.ts')) runThroughputBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
