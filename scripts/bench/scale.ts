// Per-request time as the store grows: 1k, 100k and 500k stored role-play
// attempts (BENCH_SCALE_SIZES) spread over a company of 5,000 trainees plus
// the demo organisation. The signed-in trainee always has the same 20
// attempts, so what the pages show stays the same and only the store grows:
// the figures should be flat. For each size the data folder is written
// before the server starts (a snapshot in the store's file format, written by
// a child process: tsx scripts/bench/scale.ts --seed DIR N), then the built
// server is started over it and measured over HTTP only:
//   GET /learn and GET /modules/3 as the trainee, GET /hr as hr, and one
//   role-play step (POST /api/plays/<id>/steps) as the trainee, each step a
//   new one along ceiling-leak's best path; a new play is started (not timed)
//   when one ends.
// Time is the client's wall time on loopback (request sent → last byte),
// over one keep-alive connection, the request as a browser sends it
// (Accept-Encoding: gzip, deflate, br); the server emits no Server-Timing header.
// REPEATS runs of REQUESTS requests per figure after WARMUP unrecorded ones,
// the runs interleaved across the four requests; printed as p50 and p95 per
// run, min / median / max over the runs.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { seededRandom } from '../../src/quiz/random';
import { DEMO_PASSWORD } from '../../src/people/demo';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';
import type { PlayView } from '../../src/scenarios/play';
import { generateCompany } from './hr';
import type { DbData, ScenarioAttemptRecord } from '../../src/store';
import { bestTexts } from './plays';
import { BROWSER, login, mmm, root, runsSummary, send, startServer, table, watchCheckpoints } from './lib';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1000,100000,500000').split(',').map(Number);
const PEOPLE = Number(process.env.BENCH_SCALE_PEOPLE ?? 5000);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 3));
const REQUESTS = Math.max(50, Number(process.env.BENCH_SCALE_REQUESTS ?? 50));
const WARMUP = Number(process.env.BENCH_SCALE_WARMUP ?? 10);
/**
 * A run stops early once it has taken this long (0: never), so that a request
 * the current store makes slow at 500k (the HR dashboard, seconds each) does
 * not hold the whole bench for a quarter of an hour; the table gives each
 * figure's requests per run, so a cut-short run is plain to see.
 */
const RUN_SECONDS = Number(process.env.BENCH_SCALE_RUN_SECONDS ?? 60);
/** The signed-in trainee's own attempts, the same at every size. */
const OWN = 20;
const SCENARIOS = ['ceiling-leak', 'fee-refusal', 'neighbour-dispute', 'lift-entrapment', 'power-outage', 'fire-report', 'complaint-beyond-authority', 'phone-repair-call'];

/**
 * The i-th of the `n` attempts of the scale store over the company `d`: the
 * first OWN are the signed-in trainee's, the rest spread over the generated
 * trainees (shared with postgres.ts, which loads the same store into PostgreSQL).
 */
export function scaleAttempts(d: DbData, n: number, now: Date) {
  const r = seededRandom(`bench-scale-${n}`);
  const me = d.users.find((u) => u.username === 'trainee')!.id;
  const trainees = d.users.filter((u) => u.role === 'trainee' && u.username.startsWith('p')).map((u) => u.id);
  return (i: number): ScenarioAttemptRecord => {
    const dims = { calmness: 40 + Math.floor(r() * 61), empathy: 40 + Math.floor(r() * 61), solution: 40 + Math.floor(r() * 61) };
    const overall = Math.round((dims.calmness + dims.empathy + dims.solution) / 3);
    const passed = overall >= 70 && Math.min(dims.calmness, dims.empathy, dims.solution) >= 60;
    return {
      id: randomUUID(), userId: i < OWN ? me : trainees[i % trainees.length]!, scenarioId: SCENARIOS[i % SCENARIOS.length]!, version: 1, mode: r() < 0.8 ? 'practice' : 'assessment',
      choiceIds: ['a', 'b', 'c', 'd', 'e'], ending: passed ? 'resolved' : 'failed', outcome: passed ? 'resolved' : 'failed', totals: { calmness: 5, empathy: 5, solution: 5 },
      scores: { ...dims, overall, passed }, moods: [80, 70, 60, 50, 40, 30], at: new Date(now.getTime() - Math.floor(r() * 400 * 86_400_000)).toISOString(),
    };
  };
}

/**
 * Writes the store of `n` attempts into `dir` as db.json: the company of
 * hr.ts (its own attempts replaced), then the attempts streamed out in
 * batches so 500k of them never sit in memory as one string.
 */
async function seed(dir: string, n: number) {
  const now = new Date();
  const d = await generateCompany(PEOPLE, now);
  const attempt = scaleAttempts(d, n, now);
  const file = path.join(dir, 'db.json');
  const [head, tail] = JSON.stringify({ ...d, scenarioAttempts: ['\u0000'] }).split('"\\u0000"');
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, head!);
    for (let i = 0; i < n; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, n - i) }, (_, k) => JSON.stringify(attempt(i + k)));
      writeSync(fd, (i ? ',' : '') + batch.join(','));
    }
    writeSync(fd, tail!);
  } finally {
    closeSync(fd);
  }
  console.log(JSON.stringify({ fileMb: statSync(file).size / 2 ** 20 }));
}

interface Figure {
  name: string;
  run: () => Promise<{ ms: number; bytes: number }>;
}

async function measureSize(n: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-scale-'));
  try {
    const t0 = performance.now();
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', path.join(root, 'scripts/bench/scale.ts'), '--seed', dir, String(n)], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (seeded.status !== 0) throw new Error(`seeding ${n} attempts: ${seeded.stderr}`);
    const { fileMb } = JSON.parse(seeded.stdout.trim().split('\n').at(-1)!);
    const seedMs = performance.now() - t0;
    const s0 = performance.now();
    const server = await startServer(dir, { DEMO_ACTIVITY: '0' }, 300_000);
    const readyMs = performance.now() - s0;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const checkpoints = watchCheckpoints(dir);
    try {
      const trainee = await login(server.base, 'trainee', DEMO_PASSWORD);
      const hr = await login(server.base, 'hr', DEMO_PASSWORD);
      const get = (url: string, cookie: string) => async () => {
        const r = await send(agent, server.base + url, { headers: { cookie, 'accept-encoding': BROWSER } });
        if (r.status !== 200) throw new Error(`GET ${url}: ${r.status}`);
        return { ms: r.ms, bytes: r.body.length };
      };
      const figures: Figure[] = [
        { name: 'GET /learn (trainee)', run: get('/learn', trainee) },
        { name: 'GET /modules/3 (trainee)', run: get('/modules/3', trainee) },
        { name: 'GET /hr (hr)', run: get('/hr', hr) },
        { name: 'POST role-play step (trainee)', run: stepper(agent, server.base, trainee) },
      ];
      for (const f of figures) for (let i = 0; i < WARMUP; i++) await f.run();
      const times = figures.map(() => [] as number[][]);
      const bytes = figures.map(() => 0);
      const cp0 = checkpoints.count();
      for (let rep = 0; rep < REPEATS; rep++) {
        for (const [k, f] of figures.entries()) {
          const run: number[] = [];
          const until = RUN_SECONDS > 0 ? performance.now() + RUN_SECONDS * 1000 : Infinity;
          for (let i = 0; i < REQUESTS && performance.now() < until; i++) {
            const r = await f.run();
            run.push(r.ms);
            bytes[k] = r.bytes;
          }
          times[k]!.push(run);
        }
      }
      const cps = cp0 === undefined ? undefined : checkpoints.count()! - cp0;
      return { attempts: n, fileMb, seedMs, readyMs, rssMb: server.rssMb(), checkpoints: cps, figures: figures.map((f, k) => ({ name: f.name, bytesSent: bytes[k], ...runsSummary(times[k]!) })) };
    } finally {
      checkpoints.stop();
      agent.destroy();
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One role-play step per call, each a new one: along ceiling-leak's best path, a new play (not timed) when one ends. */
export function stepper(agent: http.Agent, base: string, cookie: string) {
  const leak = loadScenarios(readContent(root).scenarios).get('ceiling-leak')!;
  const texts = bestTexts(leak);
  const post = (url: string, payload: unknown) =>
    send(agent, base + url, { method: 'POST', headers: { cookie, Origin: base, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  let view: PlayView | undefined;
  let at = 0;
  return async () => {
    if (!view || view.ending || at >= texts.length) {
      const started = await post('/api/scenarios/ceiling-leak/plays', { mode: 'practice' });
      if (started.status !== 201) throw new Error(`starting a play: ${started.status} ${started.body}`);
      view = JSON.parse(started.body.toString('utf8')).view as PlayView;
      at = 0;
    }
    const choice = view.prompt?.choices.find((c) => c.text === texts[at]);
    if (!choice) throw new Error(`step ${at}: the best path's choice is not offered`);
    const r = await post(`/api/plays/${view.playId}/steps`, { token: choice.token, at: view.step });
    if (r.status !== 200) throw new Error(`step ${at}: ${r.status} ${r.body}`);
    view = JSON.parse(r.body.toString('utf8')).view as PlayView;
    at++;
    return { ms: r.ms, bytes: r.body.length };
  };
}

export async function runScaleBench() {
  const results = [];
  for (const n of SIZES) results.push(await measureSize(n));
  const s = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);
  table(
    `Per-request time as the store grows (${PEOPLE.toLocaleString('en-US')} trainees + the demo organisation; the trainee's own 20 attempts at every size). Client wall time on loopback, one keep-alive connection, Accept-Encoding: ${BROWSER}; ${REPEATS} runs × ${REQUESTS} requests after ${WARMUP} unrecorded (a run stops after ${RUN_SECONDS || '∞'} s); p50 and p95 per run as min / median / max over the runs`,
    ['stored attempts', 'request', 'requests per run', 'p50 min / med / max', 'p95 min / med / max', 'max (median run)', 'bytes sent'],
    results.flatMap((r) => r.figures.map((f) => [r.attempts.toLocaleString('en-US'), f.name, f.counts.join(', '), mmm(f.p50), mmm(f.p95), `${f.max.median.toFixed(1)} ms`, f.bytesSent.toLocaleString('en-US')])),
  );
  table(
    'The stores measured (start-up time and peak memory proper: npm run bench -- startup)',
    ['stored attempts', 'store file', 'seeding', 'server ready (incl. load)', 'server RSS after the runs', 'checkpoints during the runs'],
    results.map((r) => [r.attempts.toLocaleString('en-US'), `${r.fileMb.toFixed(1)} MB`, s(r.seedMs), s(r.readyMs), `${r.rssMb} MB`, r.checkpoints ?? '— (no db.json)']),
  );
  return results;
}

if (process.argv.includes('--seed')) {
  const i = process.argv.indexOf('--seed');
  seed(process.argv[i + 1]!, Number(process.argv[i + 2])).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv[1]?.endsWith('scale.ts')) runScaleBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
