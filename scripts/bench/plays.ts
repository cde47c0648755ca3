// Server-dealt role-plays on loopback (the load generator shares the machine's
// 2 cores with the server):
// 1. CONNECTIONS simulated clients, each signed in as its own fresh trainee,
//    play whole practice plays of ceiling-leak back to back (start, then one
//    step per choice along the best path, chosen by its text from the dealt
//    view) for DURATION s after an unrecorded warm-up; every step request is a
//    real new step (a refused one is counted as failed, never retried). Steps/s
//    and step latency p50/p95/p99, RUNS runs.
// 2. A whole assessment play end to end (start → ending, every step, one client,
//    no think time) for each of the ten scenarios' best paths, ROUNDS times, each
//    round by a fresh trainee (assessment plays are limited per scenario per round).
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer, login, table, percentile, median, ms } from './lib';
import { DEMO_PASSWORD } from '../../src/people/demo';
import { readContent } from '../../src/content/read';
import { loadScenarios, type CompiledScenario, type Mode } from '../../src/scenarios';
import type { PlayView } from '../../src/scenarios/play';

const CONNECTIONS = Number(process.env.BENCH_PLAY_CLIENTS ?? 50);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ROUNDS = Number(process.env.BENCH_ASSESSMENT_ROUNDS ?? 3);
/** Bounds on every loop besides the clock. */
const MAX_PLAYS_PER_CLIENT = 100_000;
const MAX_STEPS_PER_PLAY = 100;

interface Reply {
  status: number;
  body: any;
  ms: number;
}

/** One simulated browser: its own keep-alive connection and session cookie. */
class Client {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(
    readonly base: URL,
    readonly cookie: string,
  ) {}

  post(pathname: string, payload: unknown): Promise<Reply> {
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method: 'POST',
          path: pathname,
          headers: { cookie: this.cookie, Origin: this.base.origin, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const elapsed = performance.now() - t0;
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, ms: elapsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/** The scenario's best path as the texts of its choices (the dealt view shows texts under per-play tokens, never ids). */
export function bestTexts(s: CompiledScenario): string[] {
  const text = new Map(Object.values(s.def.nodes).flatMap((n) => (n.choices ?? []).map((c) => [c.id, c.text] as const)));
  return s.analysis.bestPath.choices.map((id) => text.get(id)!);
}

interface PlayRun {
  ok: boolean;
  /** Step requests answered (each a new step). */
  steps: number;
  /** Start to the last answer. */
  ms: number;
  startMs: number;
  outcome?: string;
  attemptId?: string;
  failure?: string;
}

/**
 * Plays one whole play along `texts`: start, then one step per choice until the
 * ending. `onStep` sees each step request's latency and status. Stops early
 * (unfinished, not failed) when `until` has passed.
 */
async function playOnce(c: Client, scenarioId: string, mode: Mode, texts: string[], onStep?: (ms: number, status: number) => void, until = Infinity): Promise<PlayRun> {
  const t0 = performance.now();
  const started = await c.post(`/api/scenarios/${scenarioId}/plays`, { mode });
  if (started.status !== 201) return { ok: false, steps: 0, ms: performance.now() - t0, startMs: started.ms, failure: `start ${started.status}` };
  let view: PlayView = started.body.view;
  let attemptId: string | undefined;
  let steps = 0;
  for (let i = 0; i < Math.min(texts.length, MAX_STEPS_PER_PLAY) && !view.ending; i++) {
    if (performance.now() >= until) return { ok: true, steps, ms: performance.now() - t0, startMs: started.ms };
    const choice = view.prompt?.choices.find((x) => x.text === texts[i]);
    if (!choice) return { ok: false, steps, ms: performance.now() - t0, startMs: started.ms, failure: `step ${i}: the best path's choice is not offered` };
    const r = await c.post(`/api/plays/${view.playId}/steps`, { token: choice.token, at: view.step });
    onStep?.(r.ms, r.status);
    if (r.status !== 200) return { ok: false, steps, ms: performance.now() - t0, startMs: started.ms, failure: `step ${i}: ${r.status} ${r.body?.error ?? ''}` };
    steps++;
    view = r.body.view;
    attemptId = r.body.attemptId ?? attemptId;
  }
  return { ok: !!view.ending, steps, ms: performance.now() - t0, startMs: started.ms, outcome: view.ending?.outcome, attemptId, failure: view.ending ? undefined : 'no ending after the best path' };
}

/** All clients play back to back for `seconds`; returns what was recorded. */
async function load(clients: Client[], s: CompiledScenario, texts: string[], seconds: number) {
  const stepMs: number[] = [];
  const startMs: number[] = [];
  const failures = new Map<string, number>();
  let plays = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  await Promise.all(
    clients.map(async (c) => {
      for (let n = 0; n < MAX_PLAYS_PER_CLIENT && performance.now() < until; n++) {
        const r = await playOnce(c, s.def.id, 'practice', texts, (latency, status) => status === 200 && stepMs.push(latency), until);
        if (r.startMs) startMs.push(r.startMs);
        if (r.failure) failures.set(r.failure.replace(/^step \d+: /, ''), (failures.get(r.failure.replace(/^step \d+: /, '')) ?? 0) + 1);
        if (r.outcome) plays++;
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, stepMs, startMs, plays, failures };
}

interface StepRun {
  seconds: number;
  plays: number;
  steps: number;
  starts: number;
  stepsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  startP50: number;
  startP95: number;
  failed: number;
  failures: Record<string, number>;
  serverCpuMsPerRequest: number;
  /** The simulated clients' own CPU (this process), which the server does not get. */
  clientCpuMsPerRequest: number;
  /** Plays in the store after the run. */
  storedPlays: number;
}

/** What the admin gives each bench trainee, and what the trainee replaces it with at the first sign-in. */
const GIVEN_PASSWORD = 'Bench-given-7Q2';
const OWN_PASSWORD = 'Bench-own-3K9x';

/** A trainee made through the admin form and signed in past the first-sign-in password change; returns the session cookie. */
async function createTrainee(base: string, admin: string, username: string): Promise<string> {
  const post = (cookie: string, url: string, fields: Record<string, string>) =>
    fetch(`${base}${url}`, { method: 'POST', redirect: 'manual', headers: { cookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });
  const r = await post(admin, '/admin/users/new', { username, displayName: '压测学员', role: 'trainee', department: '客服部', site: '阳光花园', password: GIVEN_PASSWORD });
  if (r.status !== 303) throw new Error(`creating ${username}: ${r.status}`);
  const cookie = await login(base, username, GIVEN_PASSWORD);
  const changed = await post(cookie, '/account/password', { current: GIVEN_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD });
  if (changed.status !== 303) throw new Error(`first password change of ${username}: ${changed.status}`);
  return cookie;
}

export async function runPlaysBench() {
  const library = loadScenarios(readContent(process.cwd()).scenarios);
  const leak = library.get('ceiling-leak')!;
  const leakTexts = bestTexts(leak);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-plays-'));
  const server = await startServer(dataDir, { DEMO_ACTIVITY: '0' });
  const base = new URL(server.base);
  const out: Record<string, unknown> = {};
  try {
    const admin = await login(server.base, 'admin', DEMO_PASSWORD);
    const stamp = Date.now().toString(36);
    const names = Array.from({ length: CONNECTIONS }, (_, i) => `bench.${stamp}.p${i}`);
    const clients: Client[] = [];
    for (const n of names) clients.push(new Client(base, await createTrainee(server.base, admin, n)));

    // 1. Steps under load.
    // Plays in the store (every start is one): a start scans them all, so its cost grows with the store.
    let stored = (await load(clients, leak, leakTexts, WARMUP)).startMs.length; // warm-up, not recorded
    const runs: StepRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      const cpu0 = server.cpuMs();
      const own0 = process.cpuUsage();
      const r = await load(clients, leak, leakTexts, DURATION);
      const cpu = server.cpuMs() - cpu0;
      const own = process.cpuUsage(own0);
      const failed = [...r.failures.values()].reduce((a, b) => a + b, 0);
      stored += r.startMs.length;
      runs.push({
        seconds: r.seconds,
        plays: r.plays,
        steps: r.stepMs.length,
        starts: r.startMs.length,
        stepsPerSec: r.stepMs.length / r.seconds,
        p50: percentile(r.stepMs, 50),
        p95: percentile(r.stepMs, 95),
        p99: percentile(r.stepMs, 99),
        max: Math.max(...r.stepMs),
        startP50: percentile(r.startMs, 50),
        startP95: percentile(r.startMs, 95),
        failed,
        failures: Object.fromEntries(r.failures),
        serverCpuMsPerRequest: cpu / (r.stepMs.length + r.startMs.length),
        clientCpuMsPerRequest: (own.user + own.system) / 1000 / (r.stepMs.length + r.startMs.length),
        storedPlays: stored,
      });
    }
    for (const c of clients) c.close();
    const mmm = (k: keyof StepRun, f: (x: number) => string) => {
      const xs = runs.map((r) => r[k] as number);
      return `${f(Math.min(...xs))} / ${f(median(xs))} / ${f(Math.max(...xs))}`;
    };
    const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
    table(
      `Role-play steps on loopback: ${CONNECTIONS} clients (own trainee, own keep-alive connection) playing whole practice plays of ceiling-leak (${leakTexts.length} steps, best path) back to back, ${DURATION} s per run after a ${WARMUP} s warm-up (client on the same 2 cores)`,
      ['run', 'plays finished', 'steps', 'steps/s', 'step p50', 'step p95', 'step p99', 'step max', 'start p50', 'start p95', 'failed', 'CPU / request: server, clients', 'plays stored'],
      [
        ...runs.map((r, i) => [i + 1, n0(r.plays), n0(r.steps), n0(r.stepsPerSec), ms(r.p50), ms(r.p95), ms(r.p99), ms(r.max), ms(r.startP50), ms(r.startP95), r.failed, `${r.serverCpuMsPerRequest.toFixed(2)} ms, ${r.clientCpuMsPerRequest.toFixed(2)} ms`, n0(r.storedPlays)]),
        ['min / med / max', mmm('plays', n0), mmm('steps', n0), mmm('stepsPerSec', n0), mmm('p50', ms), mmm('p95', ms), mmm('p99', ms), mmm('max', ms), mmm('startP50', ms), mmm('startP95', ms), mmm('failed', String), `${mmm('serverCpuMsPerRequest', (x) => x.toFixed(2))} ms; ${mmm('clientCpuMsPerRequest', (x) => x.toFixed(2))} ms`, ''],
      ],
    );
    const failures = runs.flatMap((r) => Object.entries(r.failures));
    if (failures.length) console.log(`failed: ${failures.map(([k, v]) => `${v} × ${k}`).join('; ')}`);
    out.steps = { clients: CONNECTIONS, seconds: DURATION, warmup: WARMUP, stepsPerPlay: leakTexts.length, runs };

    // 2. Whole assessment plays, one client, no think time.
    const rows: Array<Record<string, unknown>> = [];
    const byScenario = new Map<string, PlayRun[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const name = `bench.${stamp}.a${round}`;
      const c = new Client(base, await createTrainee(server.base, admin, name));
      for (const s of library.list) {
        const r = await playOnce(c, s.def.id, 'assessment', bestTexts(s));
        if (!r.ok) console.log(`assessment ${s.def.id} (round ${round + 1}) failed: ${r.failure}`);
        byScenario.set(s.def.id, [...(byScenario.get(s.def.id) ?? []), r]);
      }
      c.close();
    }
    for (const [id, rs] of byScenario) {
      const s = library.get(id)!;
      const walls = rs.filter((r) => r.ok).map((r) => r.ms);
      rows.push({
        scenario: id,
        steps: s.analysis.bestPath.choices.length,
        requests: s.analysis.bestPath.choices.length + 1,
        expected: s.def.endings[s.analysis.bestPath.ending]!.outcome,
        outcomes: [...new Set(rs.map((r) => r.outcome ?? r.failure))].join(', '),
        ok: walls.length,
        min: Math.min(...walls),
        median: median(walls),
        max: Math.max(...walls),
        perRequest: median(walls) / (s.analysis.bestPath.choices.length + 1),
      });
    }
    const all = [...byScenario.values()].flat().filter((r) => r.ok);
    table(
      `Whole assessment plays end to end (start → ending, every step of the best path, one client, no think time), ${ROUNDS} rounds, each by a fresh trainee; wall time min / median / max`,
      ['scenario', 'steps', 'outcome (expected)', 'finished', 'min', 'median', 'max', 'per request (median)'],
      [
        ...rows.map((r: any) => [r.scenario, r.steps, `${r.outcomes} (${r.expected})`, `${r.ok} / ${ROUNDS}`, ms(r.min), ms(r.median), ms(r.max), ms(r.perRequest)]),
        ['all ten', `${Math.min(...rows.map((r: any) => r.steps))}–${Math.max(...rows.map((r: any) => r.steps))}`, '', `${all.length} / ${ROUNDS * byScenario.size}`, ms(Math.min(...all.map((r) => r.ms))), ms(median(all.map((r) => r.ms))), ms(Math.max(...all.map((r) => r.ms))), ''],
      ],
    );
    out.assessments = rows;
    console.log(`store: ${server.rssMb()} MB RSS after the runs`);
    return out;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('plays.ts')) runPlaysBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
