// The embedded store and PostgreSQL side by side (`npm run bench -- postgres`;
// not in the default set: it needs PostgreSQL installed and takes many
// minutes at its full sizes). One throwaway cluster (scripts/pg-cluster.ts)
// for the whole run; for each store measured the same generated DbData is
// written as a snapshot folder (the embedded store) and loaded into a fresh
// database (loadDatabase), in a child process with a large heap. The built
// server is started over one or the other, one at a time, and measured over
// HTTP only, on the same machine in the same run:
//   1. write latency (role-play step POSTs as scale.ts takes them, and exam
//      answer saves, each a real change) at 1k / 100k / 500k stored attempts
//      (BENCH_PG_ATTEMPTS) over scale.ts's company of 5,000 trainees;
//   2. the HR dashboard (GET /hr) and the CSV export (POST /hr/export.csv, bytes
//      as sent) at 5k / 20k / 100k people (BENCH_PG_PEOPLE, hr.ts's company),
//      and on PostgreSQL where a request's time goes (pg_stat_statements: SQL
//      time and statements per request; one traineeRecordPages walk in this
//      process);
//   3. throughput of a module page and of role-play steps, CLIENTS concurrent
//      clients (each a different trainee, own keep-alive connection): the
//      embedded store's one server, one app server on PostgreSQL, and two app
//      servers on the same database with the clients split between them;
//   4. a live vote of PHONES trainees: on PostgreSQL the phones sign in, join,
//      vote and listen through server B while the projector's event stream is
//      on server A (the vote reaches A through the database); the embedded
//      store on one server as the reference.
// Figures only, never pass/fail. Child mode (internal):
//   tsx scripts/bench/postgres.ts --pg-seed attempts|people N DIR URL
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { startCluster, type Cluster } from '../pg-cluster';
import { SNAPSHOT, writeStoreFile } from '../../src/store/journal';
import { Db } from '../../src/store/pg/db';
import { reportsPort } from '../../src/store/pg/reports';
import { loadDatabase } from '../../src/store/pg/copy';
import { DEMO_PASSWORD } from '../../src/people/demo';
import { readContent } from '../../src/content/read';
import { loadExam } from '../../src/quiz';
import type { DbData } from '../../src/store';
import { generateCompany } from './hr';
import { scaleAttempts, stepper } from './scale';
import { open, until, type Stream } from './live';
import { BROWSER, login, median, mmm, percentile, root, runsSummary, send, spread, startServer, table, type Server } from './lib';

const list = (v: string | undefined, d: string) => (v ?? d).split(',').map(Number).filter((n) => n > 0);
const ATTEMPTS = list(process.env.BENCH_PG_ATTEMPTS, '1000,100000,500000');
const PEOPLE = list(process.env.BENCH_PG_PEOPLE, '5000,20000,100000');
/** The company the attempts are spread over (as scale.ts). */
const SCALE_PEOPLE = Number(process.env.BENCH_SCALE_PEOPLE ?? 5000);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 3));
const WRITES = Number(process.env.BENCH_PG_WRITES ?? 50);
const WARMUP = Number(process.env.BENCH_PG_WARMUP ?? 10);
const HR_REQUESTS = Number(process.env.BENCH_PG_HR_REQUESTS ?? 10);
const CSV_REQUESTS = Number(process.env.BENCH_PG_CSV_REQUESTS ?? 5);
/** A run of HR requests stops after this long, so a store that makes them seconds each does not hold the bench for long (the table gives n). */
const RUN_SECONDS = Number(process.env.BENCH_PG_RUN_SECONDS ?? 40);
const CLIENTS = Number(process.env.BENCH_PG_CLIENTS ?? 32);
const TP_SECONDS = Number(process.env.BENCH_PG_TP_SECONDS ?? 5);
const PHONES = Number(process.env.BENCH_PG_PHONES ?? 200);
const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 4);
/** The whole live vote fails (and says so in its table) after this long: a stream that never opens would hold the bench. */
const LIVE_MS = Number(process.env.BENCH_PG_LIVE_SECONDS ?? 90) * 1000;
/** Spread-out arrival of votes, as live.ts. */
const SPREAD_MS = 5000;
const POOL = Number(process.env.PG_POOL_MAX) || 10;
/** Statements slower than this are logged with their plan by the profiling walk. */
const AUTO_EXPLAIN_MS = Number(process.env.BENCH_PG_EXPLAIN_MS ?? 20);

type Backend = 'embedded' | 'postgres';
/** Both unless BENCH_PG_BACKENDS names one (a quick look at one side; the tables then show — for the other). */
const BACKENDS = (process.env.BENCH_PG_BACKENDS ?? 'embedded,postgres').split(',') as Backend[];

/** What the child process reports about the store it wrote and loaded. */
interface Seeded {
  records: number;
  fileMb: number;
  writeMs: number;
  loadMs: number;
  examineeId: string;
  /** Active generated trainees, for the throughput clients. */
  clients: string[];
  /** The live cohort (attempts stores only) and its trainees. */
  cohortId?: string;
  phones?: Array<{ id: string; username: string }>;
}

interface Prepared extends Seeded {
  dir: string;
  url: string;
  dbMb: number;
  drop: () => Promise<void>;
}

// ---------------------------------------------------------------- seeding (child process)

/** scale.ts's store of `n` attempts, plus a cohort of PHONES active trainees for the live vote. */
async function attemptsStore(n: number, now: Date): Promise<DbData> {
  const d = await generateCompany(SCALE_PEOPLE, now);
  const attempt = scaleAttempts(d, n, now);
  d.scenarioAttempts = Array.from({ length: n }, (_, i) => attempt(i));
  const trainer = d.users.find((u) => u.username === 'trainer')!;
  const phones = d.users.filter((u) => u.role === 'trainee' && u.active && u.username.startsWith('p')).slice(0, PHONES);
  d.cohorts.push({ id: randomUUID(), name: '压测班', trainerId: trainer.id, traineeIds: phones.map((u) => u.id), createdAt: now.toISOString() });
  return d;
}

async function seed(kind: string, n: number, dir: string, url: string) {
  const now = new Date();
  const d = kind === 'attempts' ? await attemptsStore(n, now) : await generateCompany(n, now);
  const t0 = performance.now();
  await writeStoreFile(path.join(dir, SNAPSHOT), d, 0);
  const t1 = performance.now();
  await loadDatabase(url, d);
  const t2 = performance.now();
  const active = d.users.filter((u) => u.role === 'trainee' && u.active && u.username.startsWith('p'));
  const live = kind === 'attempts' ? d.cohorts.at(-1)! : undefined;
  const byId = new Map(d.users.map((u) => [u.id, u]));
  const out: Seeded = {
    records: Object.values(d).reduce((s, v) => s + (Array.isArray(v) ? v.length : 0), 0),
    fileMb: statSync(path.join(dir, SNAPSHOT)).size / 2 ** 20,
    writeMs: t1 - t0,
    loadMs: t2 - t1,
    examineeId: d.users.find((u) => u.username === 'sun.hao')!.id,
    // Not the live cohort's: the throughput clients' plays stay apart from the phones.
    clients: active.slice(PHONES, PHONES + CLIENTS).map((u) => u.username),
    cohortId: live?.id,
    phones: live?.traineeIds.map((id) => ({ id, username: byId.get(id)!.username })),
  };
  console.log(JSON.stringify(out));
}

/** A folder and a fresh database holding the same store, written by a child process (500k attempts want a large heap). */
async function prepare(cluster: Cluster, kind: 'attempts' | 'people', n: number): Promise<Prepared> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-pg-'));
  const url = await cluster.createDatabase();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=12288', path.join(root, 'scripts/bench/postgres.ts'), '--pg-seed', kind, String(n), dir, url], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`seeding ${n} ${kind}: ${child.stderr}`);
  const seeded = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Seeded;
  const name = new URL(url).pathname.slice(1);
  const admin = async <T,>(sql: string, db = cluster.url()) => {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  };
  await admin('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', url);
  // Fresh statistics for the planner, as autovacuum would give a database loaded long ago.
  await admin('VACUUM ANALYZE', url);
  const [{ bytes }] = await admin<{ bytes: string }>(`SELECT pg_database_size('${name}') AS bytes`);
  return {
    ...seeded,
    dir,
    url,
    dbMb: Number(bytes) / 2 ** 20,
    drop: async () => {
      rmSync(dir, { recursive: true, force: true });
      await admin(`DROP DATABASE "${name}" WITH (FORCE)`);
    },
  };
}

/** Empty folders given to servers on PostgreSQL (their DATA_DIR holds nothing), removed at the end. */
const scratch: string[] = [];

/** The built server over the store: its folder, or the database (DATABASE_URL) with an empty folder beside it. */
async function serve(p: Prepared, backend: Backend): Promise<Server & { readyMs: number }> {
  const t0 = performance.now();
  let server: Server;
  if (backend === 'embedded') server = await startServer(p.dir, { DEMO_ACTIVITY: '0' }, 300_000);
  else {
    const dir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-pg-app-'));
    scratch.push(dir);
    server = await startServer(dir, { DEMO_ACTIVITY: '0', DATABASE_URL: p.url }, 60_000);
  }
  return { ...server, readyMs: performance.now() - t0 };
}

// ---------------------------------------------------------------- 1. write latency

const post = (agent: http.Agent, base: string, url: string, cookie: string, body: Record<string, string>) =>
  send(agent, base + url, { method: 'POST', headers: { cookie, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });

/**
 * An exam in progress for sun.hao (enrolled and waived by the trainer, as
 * throughput.ts does), and one answer save per call: the paper's true/false
 * questions in turn, the answer flipped on each pass, so every save changes
 * what is stored.
 */
async function answerSaver(agent: http.Agent, base: string, examineeId: string) {
  const files = readContent(root);
  const bank = loadExam(files.questions, files.blueprint).bank;
  const trainer = await login(base, 'trainer', DEMO_PASSWORD);
  await post(agent, base, '/trainer/cohorts', trainer, { name: 'bench', trainee: examineeId });
  await post(agent, base, '/trainer/waivers', trainer, { userId: examineeId, reason: 'bench' });
  const examinee = await login(base, 'sun.hao', DEMO_PASSWORD);
  const started = await post(agent, base, '/exam', examinee, {});
  const examId = String(started.headers.location ?? '').split('/').pop();
  if (started.status !== 303 && started.status !== 302) throw new Error(`starting the exam: ${started.status}`);
  const html = (await send(agent, `${base}/exam/${examId}`, { headers: { cookie: examinee } })).body.toString('utf8');
  const tfs = [...html.matchAll(/data-question="([^"]+)"/g)].map((m) => m[1]!).filter((id) => bank.get(id)?.type === 'truefalse');
  if (!tfs.length) throw new Error('the exam paper has no true/false question');
  let i = 0;
  return async () => {
    const body = JSON.stringify({ questionId: tfs[i % tfs.length], response: Math.floor(i / tfs.length) % 2 === 0 });
    i++;
    const r = await send(agent, `${base}/api/exam/${examId}/answers`, { method: 'PUT', headers: { cookie: examinee, origin: base, 'content-type': 'application/json' }, body });
    if (r.status !== 200) throw new Error(`answer save: ${r.status} ${r.body}`);
    return { ms: r.ms, bytes: r.body.length };
  };
}

async function measureWrites(server: Server, p: Prepared) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const trainee = await login(server.base, 'trainee', DEMO_PASSWORD);
    const figures = [
      { name: 'role-play step POST', run: stepper(agent, server.base, trainee) },
      { name: 'exam answer save PUT', run: await answerSaver(agent, server.base, p.examineeId) },
    ];
    for (const f of figures) for (let i = 0; i < WARMUP; i++) await f.run();
    const times = figures.map(() => [] as number[][]);
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const [k, f] of figures.entries()) {
        const run: number[] = [];
        for (let i = 0; i < WRITES; i++) run.push((await f.run()).ms);
        times[k]!.push(run);
      }
    }
    return figures.map((f, k) => ({ name: f.name, ...runsSummary(times[k]!) }));
  } finally {
    agent.destroy();
  }
}

// ---------------------------------------------------------------- 2. HR

/** Sums of pg_stat_statements for this database since the last reset, and its costliest statements. */
async function statements(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const where = 'dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE \'%pg_stat_statements%\'';
    const { rows } = await c.query(`SELECT query, calls::int, total_exec_time AS ms, rows::bigint AS rows FROM pg_stat_statements WHERE ${where} ORDER BY total_exec_time DESC`);
    return rows.map((r) => ({ query: String(r.query).replace(/\s+/g, ' '), calls: Number(r.calls), ms: Number(r.ms), rows: Number(r.rows) }));
  } finally {
    await c.end();
  }
}

async function resetStatements(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('SELECT pg_stat_statements_reset()');
  await c.end();
}

async function measureHr(server: Server, backend: Backend, p: Prepared) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const cookie = await login(server.base, 'hr', DEMO_PASSWORD);
    const request = (csv: boolean, acceptEncoding = BROWSER) => async () => {
      const headers: Record<string, string> = { cookie, 'accept-encoding': acceptEncoding };
      const r = csv
        ? await send(agent, `${server.base}/hr/export.csv`, { method: 'POST', body: '', headers: { ...headers, origin: server.base, 'content-type': 'application/x-www-form-urlencoded' } })
        : await send(agent, `${server.base}/hr`, { headers });
      if (r.status !== 200) throw new Error(`${csv ? 'CSV' : '/hr'}: ${r.status}`);
      return r;
    };
    const figures = [
      { name: 'dashboard GET /hr', csv: false, perRun: HR_REQUESTS },
      { name: 'CSV export POST', csv: true, perRun: CSV_REQUESTS },
    ];
    // Bytes as they came off the socket, without Accept-Encoding and as a browser asks (also the warm-up).
    const sent: Array<{ plain: number; browser: number }> = [];
    for (const f of figures) sent.push({ plain: (await request(f.csv, 'identity')()).body.length, browser: (await request(f.csv)()).body.length });
    for (const f of figures) await request(f.csv)();
    const runs = figures.map(() => [] as number[][]);
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const [k, f] of figures.entries()) {
        const run: number[] = [];
        const stop = performance.now() + RUN_SECONDS * 1000;
        for (let i = 0; i < f.perRun && performance.now() < stop; i++) run.push((await request(f.csv)()).ms);
        runs[k]!.push(run);
      }
    }
    // Where the time goes on PostgreSQL: a few more requests of each with the statement statistics reset before them.
    const profile = [];
    if (backend === 'postgres') {
      for (const f of figures) {
        await resetStatements(p.url);
        const n = f.csv ? 2 : 3;
        const wall: number[] = [];
        for (let i = 0; i < n; i++) wall.push((await request(f.csv)()).ms);
        const st = await statements(p.url);
        profile.push({ name: f.name, requests: n, wallMs: median(wall), sqlMs: st.reduce((s, x) => s + x.ms, 0) / n, statements: st.reduce((s, x) => s + x.calls, 0) / n, rows: st.reduce((s, x) => s + x.rows, 0) / n, top: st.slice(0, 3) });
      }
    }
    return { figures: figures.map((f, k) => ({ name: f.name, sent: sent[k]!, all: runs[k]!.flat(), ...runsSummary(runs[k]!) })), profile };
  } finally {
    agent.destroy();
  }
}

/** One walk of traineeRecordPages over every trainee, in this process, 3 times: the read model's share of a dashboard. */
async function walkRecords(url: string) {
  // The read model alone (the port the app's HR pages walk), over a pool of its own.
  const db = new Db(url, { max: 2 });
  const storage = reportsPort(db);
  try {
    const times: number[] = [];
    let people = 0;
    for (let i = 0; i < 3; i++) {
      people = 0;
      const t0 = performance.now();
      for await (const page of storage.traineeRecordPages({ role: 'trainee', includeInactive: true })) people += page.length;
      times.push(performance.now() - t0);
    }
    return { people, ms: spread(times)! };
  } finally {
    await db.close();
  }
}

/**
 * The walk again, once, with auto_explain logging EXPLAIN ANALYZE of every
 * statement over AUTO_EXPLAIN_MS (set on the database for new connections:
 * only this walk's pool, the app servers are stopped by then). The plans are
 * read back from the cluster's log (its folder is data_directory's parent,
 * scripts/pg-cluster.ts) and written to bench/postgres-plans.txt; returns the
 * statements logged and the slowest plan.
 */
async function explainWalk(url: string) {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const dataDir = (await admin.query('SHOW data_directory')).rows[0].data_directory as string;
    const log = path.join(path.dirname(dataDir), 'log');
    const from = statSync(log).size;
    for (const [k, v] of [['session_preload_libraries', 'auto_explain'], ['auto_explain.log_min_duration', String(AUTO_EXPLAIN_MS)], ['auto_explain.log_analyze', 'on']]) {
      await admin.query(`ALTER DATABASE "${name}" SET ${k} = '${v}'`);
    }
    try {
      const db = new Db(url, { max: 2 });
      try {
        for await (const page of reportsPort(db).traineeRecordPages({ role: 'trainee', includeInactive: true })) void page;
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`ALTER DATABASE "${name}" RESET ALL`);
    }
    const text = readFileSync(log, 'utf8').slice(from);
    const plans = text.split(/\n(?=\S.*LOG: {2}duration: )/).filter((e) => /LOG: {2}duration: [\d.]+ ms {2}plan:/.test(e));
    const ms = (e: string) => Number(/duration: ([\d.]+) ms/.exec(e)![1]);
    plans.sort((a, b) => ms(b) - ms(a));
    return { logged: plans.length, totalMs: plans.reduce((t, e) => t + ms(e), 0), slowest: plans[0], all: plans };
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------- 3. throughput

/** `clients` loops, each awaiting its request before the next, for `seconds`: requests a second and each request's time. */
async function loop(clients: Array<() => Promise<{ ms: number }>>, seconds: number) {
  const times: number[] = [];
  let failed = 0;
  const t0 = performance.now();
  const stop = t0 + seconds * 1000;
  await Promise.all(
    clients.map(async (f) => {
      while (performance.now() < stop) {
        try {
          times.push((await within(f(), 'answer to a throughput request')).ms);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { perSec: times.length / ((performance.now() - t0) / 1000), p50: percentile(times, 50), p95: percentile(times, 95), failed };
}

/** Module pages and role-play steps from CLIENTS trainees spread over `servers`: 1 s of warm-up, then REPEATS runs. */
async function measureThroughput(servers: Server[], p: Prepared) {
  const agents = p.clients.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const at = (i: number) => servers[i % servers.length]!.base;
    // 20 sign-ins at a time, as live.ts: sign-ins in flight count against the address's limit of 30 (src/auth/throttle.ts).
    const cookies: string[] = [];
    for (let i = 0; i < p.clients.length; i += 20) cookies.push(...(await Promise.all(p.clients.slice(i, i + 20).map((u, k) => login(at(i + k), u, DEMO_PASSWORD)))));
    let page = 0;
    const modules = cookies.map((cookie, i) => async () => {
      // A different person on each connection and a different module each time: no answer is a repeat of the one before.
      const r = await send(agents[i]!, `${at(i)}/modules/${1 + (page++ % 7)}`, { headers: { cookie, 'accept-encoding': BROWSER } });
      if (r.status !== 200) throw new Error(`module page: ${r.status}`);
      return r;
    });
    const steps = cookies.map((cookie, i) => stepper(agents[i]!, at(i), cookie));
    const out: Record<string, Array<Awaited<ReturnType<typeof loop>>>> = {};
    for (const [name, clients] of [['module page GET', modules], ['role-play step POST', steps]] as const) {
      await loop(clients, 1);
      out[name] = [];
      for (let rep = 0; rep < REPEATS; rep++) out[name].push(await loop(clients, TP_SECONDS));
    }
    return out;
  } finally {
    for (const a of agents) a.destroy();
  }
}

// ---------------------------------------------------------------- 4. live vote

/** `p`, or a failure naming what was awaited after `ms` (a lost update would otherwise hold the bench for ever). */
function within<T>(p: Promise<T>, what: string, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p.finally(() => clearTimeout(timer)), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms / 1000} s`)), ms)))]);
}

/** A live vote of the cohort's trainees: phones through `phoneServer`, the projector and the trainer on `projectorServer`. */
async function measureLive(projectorServer: Server, phoneServer: Server, p: Prepared) {
  const a = projectorServer.base;
  const b = phoneServer.base;
  const users = p.phones!;
  const tCookie = await login(a, 'trainer', DEMO_PASSWORD);
  const created = await fetch(`${a}/trainer/cohorts/${p.cohortId}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: tCookie, Origin: a, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ action: 'live', scenario: 'ceiling-leak', mode: 'vote' }),
  });
  const sessionId = created.headers.get('location')?.split('/').pop();
  if (!sessionId) throw new Error(`starting the live session: ${created.status}`);
  const controlPage = await (await fetch(`${a}/trainer/live/${sessionId}`, { headers: { cookie: tCookie } })).text();
  const code = /data-testid="join-code"[^>]*>([A-Z0-9]+)</.exec(controlPage)![1]!;
  stage('live: phones signing in');
  const cookies: string[] = [];
  for (let i = 0; i < users.length; i += 20) cookies.push(...(await Promise.all(users.slice(i, i + 20).map((u) => login(b, u.username, DEMO_PASSWORD)))));
  await Promise.all(cookies.map((c) => fetch(`${b}/api/live/join`, { method: 'POST', headers: { cookie: c, Origin: b, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })));
  stage('live: streams opening');
  const projector = await open(`${a}/api/live/${sessionId}/events`, tCookie);
  const phones: Stream[] = await Promise.all(cookies.map((c) => open(`${b}/api/live/${sessionId}/events`, c)));
  try {
    stage('live: voting');
    await within(until(projector, (v) => v.participants.length === users.length), `projector showing all ${users.length} participants`);
    const control = (action: string) => fetch(`${a}/api/live/${sessionId}/control`, { method: 'POST', headers: { cookie: tCookie, Origin: a, 'Content-Type': 'application/json' }, body: JSON.stringify({ action }) });
    await control('start');
    await within(Promise.all(phones.map((ph) => until(ph, (v) => v.status === 'running'))), 'start on every phone');
    const burst: number[] = [];
    const response: number[] = [];
    const spreadOut: number[] = [];
    const advance: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const spaced = round % 2 === 1;
      const choices: string[] = projector.last.choices.map((c: any) => c.id);
      if (!choices.length) break;
      await Promise.all(
        users.map(async (u, i) => {
          if (spaced) await new Promise((r) => setTimeout(r, (i / users.length) * SPREAD_MS));
          const seen = until(projector, (v) => v.voters?.includes(u.id));
          const t0 = performance.now();
          const res = await fetch(`${b}/api/live/${sessionId}/vote`, {
            method: 'POST',
            headers: { cookie: cookies[i]!, Origin: b, 'Content-Type': 'application/json' },
            body: JSON.stringify({ choiceId: i % 5 === 0 ? choices[choices.length - 1] : choices[0] }),
          });
          if (!res.ok) throw new Error(`vote ${res.status} ${await res.text()}`);
          if (!spaced) response.push(performance.now() - t0);
          (spaced ? spreadOut : burst).push((await within(seen, `vote of ${u.username} on the projector (round ${round})`)) - t0);
        }),
      );
      await control('reveal');
      const step = projector.last.step;
      const arrivals = phones.map((ph) => until(ph, (v) => v.step > step || !!v.ending));
      const t0 = performance.now();
      if (!(await control('advance')).ok) throw new Error('advance failed');
      for (const t of await within(Promise.all(arrivals), `advance on every phone (round ${round})`)) advance.push(t - t0);
      // The next round reads its choices off the projector: on two servers it may hear of the advance after the phones.
      await within(until(projector, (v) => v.step > step || !!v.ending), `advance on the projector (round ${round})`);
      if (projector.last.ending) break;
    }
    return { burst, response, spread: spreadOut, advance };
  } finally {
    for (const s of [projector, ...phones]) s.close();
  }
}

/** The live figures, or what went wrong (printed in the table: a stuck vote is a finding, not a reason to lose the other parts). */
async function liveOrFailure(projectorServer: Server, phoneServer: Server, p: Prepared) {
  try {
    return await within(measureLive(projectorServer, phoneServer, p), 'end of the live vote', LIVE_MS);
  } catch (e) {
    console.error(`live vote failed: ${(e as Error).message}`);
    return { failed: (e as Error).message };
  }
}

// ---------------------------------------------------------------- the run

/** Where the run is (stderr, so the tables stay clean). */
const stage = (what: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${what}`);
const sec = (x: number) => `${(x / 1000).toFixed(1)} s`;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (xs: number[] | undefined) => (xs?.length ? `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)} / ${Math.max(...xs).toFixed(1)} ms (n ${xs.length})` : '—');

async function attemptsPart(cluster: Cluster) {
  const results = [];
  for (const [k, n] of ATTEMPTS.entries()) {
    console.log(`… ${n.toLocaleString('en-US')} attempts: generating, writing the snapshot, loading PostgreSQL`);
    const p = await prepare(cluster, 'attempts', n);
    try {
      const r: any = { attempts: n, records: p.records, fileMb: p.fileMb, dbMb: p.dbMb, writeMs: p.writeMs, loadMs: p.loadMs };
      for (const backend of BACKENDS) {
        stage(`${backend}: ${n} attempts, writes`);
        const server = await serve(p, backend);
        try {
          r[backend] = { readyMs: server.readyMs, writes: await measureWrites(server, p) };
          // Throughput and the live vote on the smallest store (what they cost does not depend on the attempts stored).
          if (k === 0) {
            stage(`${backend}: throughput`);
            r[backend].throughput = { one: await measureThroughput([server], p) };
            stage(`${backend}: live / two servers`);
            if (backend === 'embedded') r[backend].live = await liveOrFailure(server, server, p);
            else {
              const second = await serve(p, backend);
              try {
                r[backend].throughput.two = await measureThroughput([server, second], p);
                stage(`${backend}: live on two servers`);
                r[backend].live = await liveOrFailure(server, second, p);
              } finally {
                await second.stop();
              }
            }
          }
          r[backend].rssMb = server.rssMb();
        } finally {
          await server.stop();
        }
      }
      results.push(r);
    } finally {
      await p.drop();
    }
  }
  return results;
}

async function peoplePart(cluster: Cluster) {
  const results = [];
  for (const n of PEOPLE) {
    console.log(`… ${n.toLocaleString('en-US')} people: generating, writing the snapshot, loading PostgreSQL`);
    const p = await prepare(cluster, 'people', n);
    try {
      const r: any = { people: n, records: p.records, fileMb: p.fileMb, dbMb: p.dbMb, writeMs: p.writeMs, loadMs: p.loadMs };
      for (const backend of BACKENDS) {
        stage(`${backend}: ${n} people, HR`);
        const server = await serve(p, backend);
        try {
          r[backend] = { readyMs: server.readyMs, ...(await measureHr(server, backend, p)), rssMb: server.rssMb() };
        } finally {
          await server.stop();
        }
      }
      stage('walking the read model');
      r.walk = await walkRecords(p.url);
      r.explain = await explainWalk(p.url);
      results.push(r);
    } finally {
      await p.drop();
    }
  }
  return results;
}

function print(attempts: any[], people: any[]) {
  const both = (f: (b: Backend) => string) => BACKENDS.map(f);
  table(
    `1. Write latency as the store grows (${SCALE_PEOPLE.toLocaleString('en-US')} trainees + the demo organisation). Client wall time on loopback, one keep-alive connection; ${REPEATS} runs × ${WRITES} writes after ${WARMUP} unrecorded, each a real change; p50 and p95 per run as min / median / max over the runs. PostgreSQL: one app server, pool of ${POOL}`,
    ['stored attempts', 'request', 'embedded p50', 'embedded p95', 'PostgreSQL p50', 'PostgreSQL p95'],
    attempts.flatMap((r) => r.embedded.writes.map((w: any, k: number) => [n0(r.attempts), w.name, mmm(w.p50), mmm(w.p95), mmm(r.postgres?.writes[k].p50), mmm(r.postgres?.writes[k].p95)])),
  );
  table(
    'The attempt stores: the same DbData as a snapshot folder and as a PostgreSQL database',
    ['stored attempts', 'records', 'snapshot', 'written in', 'database', 'loaded in', 'embedded: ready (incl. load) / RSS', 'PostgreSQL: ready / RSS'],
    attempts.map((r) => [n0(r.attempts), n0(r.records), `${r.fileMb.toFixed(1)} MB`, sec(r.writeMs), `${r.dbMb.toFixed(1)} MB`, sec(r.loadMs), `${sec(r.embedded.readyMs)} / ${r.embedded.rssMb} MB`, r.postgres ? `${sec(r.postgres.readyMs)} / ${r.postgres.rssMb} MB` : '—']),
  );
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
  table(
    `2. HR over a generated company (hr.ts). Client wall time on loopback, one keep-alive connection, Accept-Encoding: ${BROWSER}; ${REPEATS} runs of ${HR_REQUESTS} dashboards and ${CSV_REQUESTS} exports (a run stops after ${RUN_SECONDS} s) after 1 unrecorded; p50 / p95 / max over every request (n), then each run's p50 as min / median / max; bytes as sent (no Accept-Encoding / as a browser asks)`,
    ['people', 'request', 'embedded p50 / p95 / max', 'embedded runs\' p50', 'PostgreSQL p50 / p95 / max', 'PostgreSQL runs\' p50', 'bytes sent: embedded', 'bytes sent: PostgreSQL'],
    people.flatMap((r) => r.embedded.figures.map((f: any, k: number) => {
      const g = r.postgres?.figures[k];
      return [n0(r.people), f.name, pct(f.all), mmm(f.p50), pct(g?.all), mmm(g?.p50), `${kb(f.sent.plain)} / ${kb(f.sent.browser)}`, g ? `${kb(g.sent.plain)} / ${kb(g.sent.browser)}` : '—'];
    })),
  );
  table(
    'The companies: the same DbData as a snapshot folder and as a PostgreSQL database',
    ['people', 'records', 'snapshot', 'written in', 'database', 'loaded in', 'embedded: ready (incl. load) / RSS', 'PostgreSQL: ready / RSS'],
    people.map((r) => [n0(r.people), n0(r.records), `${r.fileMb.toFixed(1)} MB`, sec(r.writeMs), `${r.dbMb.toFixed(1)} MB`, sec(r.loadMs), `${sec(r.embedded.readyMs)} / ${r.embedded.rssMb} MB`, r.postgres ? `${sec(r.postgres.readyMs)} / ${r.postgres.rssMb} MB` : '—']),
  );
  table(
    '2a. Where an HR request\'s time goes on PostgreSQL (pg_stat_statements over a few more requests: SQL execution time and statements per request, beside the request\'s wall time; the walk: traineeRecordPages over every trainee in the bench process, 3 times, min / median / max)',
    ['people', 'request', 'wall (median)', 'SQL per request', 'statements / rows per request', 'costliest statement (calls per request, total ms per request)', 'traineeRecordPages walk'],
    people.flatMap((r) => (r.postgres?.profile ?? [{ name: '— (no server on PostgreSQL in this run)', wallMs: NaN, sqlMs: NaN, statements: NaN, rows: NaN, top: [] }]).map((x: any) => [
      n0(r.people), x.name, `${x.wallMs.toFixed(0)} ms`, `${x.sqlMs.toFixed(0)} ms`, `${n0(x.statements)} / ${n0(x.rows)}`,
      x.top[0] ? `${x.top[0].query.slice(0, 90)}… (${(x.top[0].calls / x.requests).toFixed(0)}, ${(x.top[0].ms / x.requests).toFixed(0)} ms)` : '—',
      `${mmm(r.walk.ms, (v) => `${v.toFixed(0)} ms`)} (${n0(r.walk.people)} people)`,
    ])),
  );
  const plans: string[] = [];
  for (const r of people.filter((x) => x.explain)) {
    console.log(`\nEXPLAIN ANALYZE (auto_explain) during one traineeRecordPages walk at ${n0(r.people)} people: ${r.explain.logged} statements over ${AUTO_EXPLAIN_MS} ms, ${r.explain.totalMs.toFixed(0)} ms in all; the slowest (all in bench/postgres-plans.txt):`);
    // Long lines (a query's 1,000 ids) cut: the whole plan is in the file.
    console.log(r.explain.slowest ? r.explain.slowest.split('\n').slice(0, 40).map((l: string) => (l.length > 240 ? `${l.slice(0, 240)}…` : l)).join('\n') : '(none)');
    plans.push(`# ${n0(r.people)} people: one traineeRecordPages walk\n${r.explain.all.join('\n')}`);
  }
  if (plans.length) {
    mkdirSync(path.join(root, 'bench'), { recursive: true });
    writeFileSync(path.join(root, 'bench/postgres-plans.txt'), plans.join('\n\n'));
  }
  const first = attempts[0];
  if (first?.embedded.throughput) {
    const tp = (runs: any[] | undefined) => {
      if (!runs) return '—';
      const failed = runs.reduce((s, x) => s + x.failed, 0);
      return `${mmm(spread(runs.map((x) => x.perSec)), n0)} (p95 ${median(runs.map((x) => x.p95)).toFixed(0)} ms${failed ? `, ${failed} failed` : ''})`;
    };
    table(
      `3. Throughput, ${CLIENTS} concurrent clients (each a different trainee on its own keep-alive connection, a request as soon as the last answered; on two servers half the clients on each), ${REPEATS} runs of ${TP_SECONDS} s after 1 s unrecorded; requests/s min / median / max over the runs (median of the runs' p95). Module pages 1–7 in turn; steps along ceiling-leak's best path, a new play (not counted) when one ends. Store of ${n0(first.attempts)} attempts; the load generator shares the 2 cores`,
      ['request', 'embedded, one server', 'PostgreSQL, one server', 'PostgreSQL, two servers'],
      Object.keys(first.embedded.throughput.one).map((name) => [name, tp(first.embedded.throughput.one[name]), tp(first.postgres?.throughput.one[name]), tp(first.postgres?.throughput.two?.[name])]),
    );
    table(
      `4. Live vote, ${PHONES} phones over SSE (${ROUNDS} rounds at most; even rounds all at once, odd rounds spread over ${SPREAD_MS / 1000} s): embedded on one server; PostgreSQL with phones on server B and the projector on server A. p50 / p95 / max (n samples)`,
      ['measure', 'embedded, one server', 'PostgreSQL, B → A'],
      [
        ...(first.embedded.live.failed || first.postgres?.live.failed ? [['failed', first.embedded.live.failed ?? '', first.postgres?.live.failed ?? '']] : []),
        ['vote → projector (all at once)', pct(first.embedded.live.burst), pct(first.postgres?.live.burst)],
        [`vote → projector (${SPREAD_MS / 1000} s spread)`, pct(first.embedded.live.spread), pct(first.postgres?.live.spread)],
        ['vote response (all at once; on PostgreSQL from B)', pct(first.embedded.live.response), pct(first.postgres?.live.response)],
        ['advance → each phone', pct(first.embedded.live.advance), pct(first.postgres?.live.advance)],
      ],
    );
  }
}

export async function runPostgresBench() {
  const t0 = performance.now();
  // Other work on the machine shows in the figures: say how busy it was.
  const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
  const loadBefore = load();
  console.log(`load average (1, 5, 15 min) before: ${loadBefore}`);
  const cluster = await startCluster();
  try {
    await enableStatements(cluster);
    const attempts = await attemptsPart(cluster);
    const people = await peoplePart(cluster);
    print(attempts, people);
    console.log(`\npostgres part: ${sec(performance.now() - t0)}; load average (1, 5, 15 min) before: ${loadBefore}, after: ${load()}`);
    return { attempts, people: people.map((r) => ({ ...r, explain: r.explain && { ...r.explain, all: undefined }, embedded: { ...r.embedded, figures: r.embedded.figures.map(({ all, ...f }: any) => f) }, postgres: r.postgres && { ...r.postgres, figures: r.postgres.figures.map(({ all, ...f }: any) => f) } })) };
  } finally {
    cluster.stop();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  }
}

/** pg_stat_statements must be preloaded: set it and restart the cluster (its data and port stay). */
async function enableStatements(cluster: Cluster) {
  const c = new pg.Client({ connectionString: cluster.url() });
  await c.connect();
  await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await c.end();
  cluster.halt();
  cluster.resume();
}

if (process.argv.includes('--pg-seed')) {
  const i = process.argv.indexOf('--pg-seed');
  const [kind, n, dir, url] = process.argv.slice(i + 1);
  seed(kind!, Number(n), dir!, url!).then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
} else if (process.argv[1]?.endsWith('postgres.ts')) runPostgresBench().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
