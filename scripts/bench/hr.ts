// Benchmark: the HR dashboard, people table and CSV export over generated
// companies of 1k, 5k and 20k people (BENCH_HR_PEOPLE; each person with module
// progress, several role-play attempts, exam attempts, and for most a
// certificate). Prints response times on loopback (REPEATS runs, min / median /
// max), the bytes each answer really sent, and the file size.
// Usage: tsx scripts/bench/hr.ts [people[,people…]]
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { emptyData } from '../../src/store/migrations';
import { hashPassword } from '../../src/auth';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_ORG } from '../../src/people/demo';
import { seededRandom } from '../../src/quiz/random';
import { startServer, login, table, send, runsSummary, mmm, BROWSER } from './lib';
import type { DbData } from '../../src/store';

const SIZES = String((process.argv[1]?.endsWith('hr.ts') && process.argv[2]) || process.env.BENCH_HR_PEOPLE || '1000,5000,20000').split(',').map(Number);
const REPEATS = Math.max(3, Number(process.env.BENCH_REPEATS ?? 3));
const REQUESTS = Number(process.env.BENCH_HR_REQUESTS ?? 20);
const CSV_REQUESTS = Number(process.env.BENCH_HR_CSV_REQUESTS ?? 10);
const SCENARIOS = ['ceiling-leak', 'fee-refusal', 'neighbour-dispute', 'lift-entrapment', 'power-outage', 'fire-report', 'complaint-beyond-authority', 'phone-repair-call'];
const SITES = ['阳光花园', '翠湖天地', '金色家园', '滨江一号', '紫荆苑', '枫林湾'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';

/** A company's worth of records, written as the store file (a fixture generator, not app code). */
export async function generateCompany(n: number, now = new Date()): Promise<DbData> {
  const r = seededRandom('bench-company');
  const pick = <T,>(xs: ArrayLike<T>): T => xs[Math.floor(r() * xs.length)]!;
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * 86_400_000).toISOString();
  const hash = await hashPassword(DEMO_PASSWORD);
  const d = emptyData();
  d.org = { ...DEMO_ORG, sites: SITES };
  d.users = DEMO_USERS.map((u) => ({ ...u, id: randomUUID(), passwordHash: hash, active: true, createdAt: iso(400), updatedAt: iso(400) }));
  const trainerId = d.users.find((u) => u.role === 'trainer')!.id;
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    const hired = Math.floor(r() * 900);
    d.users.push({ id, username: `p${i}`, displayName: pick(SURNAMES) + pick(GIVEN) + (r() < 0.5 ? pick(GIVEN) : ''), role: 'trainee', department: pick(['客服部', '工程部', '秩序部']), site: pick(SITES), hireDate: iso(hired).slice(0, 10), passwordHash: hash, active: r() > 0.03, createdAt: iso(hired), updatedAt: iso(hired) });
    const modules = Math.min(7, Math.floor(r() * 9));
    for (let c = 1; c <= modules; c++) d.moduleProgress.push({ userId: id, chapter: c, openedAt: iso(hired - c), lastOpenedAt: iso(hired - c), completedAt: iso(hired - c), bestPercent: 80 + Math.floor(r() * 21) });
    const attempts = modules === 7 ? 3 + Math.floor(r() * 6) : Math.floor(r() * 3);
    for (let k = 0; k < attempts; k++) {
      const dims = { calmness: 40 + Math.floor(r() * 61), empathy: 40 + Math.floor(r() * 61), solution: 40 + Math.floor(r() * 61) };
      const overall = Math.round((dims.calmness + dims.empathy + dims.solution) / 3);
      const passed = overall >= 70 && Math.min(dims.calmness, dims.empathy, dims.solution) >= 60;
      d.scenarioAttempts.push({ id: randomUUID(), userId: id, scenarioId: pick(SCENARIOS), version: 1, mode: 'practice', choiceIds: ['a', 'b', 'c', 'd', 'e'], ending: passed ? 'resolved' : 'failed', outcome: passed ? 'resolved' : 'failed', totals: { calmness: 5, empathy: 5, solution: 5 }, scores: { ...dims, overall, passed }, moods: [80, 70, 60, 50, 40, 30], at: iso(Math.max(0, hired - 10 - k)) });
    }
    if (modules === 7 && r() < 0.8) {
      for (let k = 0; k < 1 + Math.floor(r() * 2); k++) {
        const cat = () => 55 + Math.floor(r() * 46);
        const byCategory = { law: cat(), process: cat(), cases: cat(), professionalism: cat() };
        const percent = Math.round((byCategory.law + byCategory.process + byCategory.cases + byCategory.professionalism) / 4);
        const at = iso(Math.max(0, hired - 20 - k));
        d.examAttempts.push({
          id: randomUUID(), userId: id, seed: 's', paper: [], bankVersion: 'bench', startedAt: at, deadline: at, answers: {}, submittedAt: at,
          result: { earned: percent * 0.4, total: 40, percent, passed: percent >= 80, byCategory: Object.fromEntries(Object.entries(byCategory).map(([c, p]) => [c, { earned: p / 10, total: 10, percent: p }])) as never, weakest: 'law', reviewChapters: [], questions: [] },
        });
        if (percent >= 80) {
          const issued = hired - 21;
          d.certificates.push({ id: randomUUID(), userId: id, holderName: d.users.at(-1)!.displayName, title: '物业客服上岗认证', code: randomUUID().slice(0, 19).toUpperCase(), issuedAt: iso(issued), expiresAt: iso(issued - 730), examAttemptId: 'x', examPercent: percent, dimensions: { calmness: 80, empathy: 80, solution: 80 }, scenarios: [], contentVersions: { bank: 'bench', scenarios: {} } });
          break;
        }
      }
    }
  }
  const trainees = d.users.filter((u) => u.role === 'trainee');
  for (let c = 0; c < trainees.length; c += 25) {
    d.cohorts.push({ id: randomUUID(), name: `第${c / 25 + 1}期`, trainerId, traineeIds: trainees.slice(c, c + 25).map((u) => u.id), dueDate: iso(Math.floor(r() * 200) - 60).slice(0, 10), createdAt: iso(300) });
  }
  return d;
}

/** One figure: its runs of timed requests, and the bytes one answer really sent per Accept-Encoding. */
interface HrFigure {
  name: string;
  url: string;
  perRun: number;
  /** Exports are posted forms (they are logged; GET never writes). */
  post?: boolean;
}

async function measureCompany(n: number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-hr-'));
  const data = await generateCompany(n);
  writeFileSync(path.join(dataDir, 'db.json'), JSON.stringify(data));
  const records = data.scenarioAttempts.length + data.examAttempts.length + data.moduleProgress.length + data.certificates.length;
  const started = performance.now();
  const server = await startServer(dataDir, { DEMO_ACTIVITY: '0' }, 120_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const cookie = await login(server.base, 'hr', DEMO_PASSWORD);
    const startup = performance.now() - started;
    const figures: HrFigure[] = [
      { name: 'dashboard /hr', url: '/hr', perRun: REQUESTS },
      { name: 'dashboard, one site', url: `/hr?site=${encodeURIComponent(SITES[0]!)}`, perRun: REQUESTS },
      { name: 'people table (page 1)', url: '/hr/people?sort=status', perRun: REQUESTS },
      { name: 'CSV export (everyone)', url: '/hr/export.csv', perRun: CSV_REQUESTS, post: true },
    ];
    const get = async (url: string, acceptEncoding?: string) => {
      const post = figures.find((f) => f.url === url)?.post;
      const form: { method?: string; body?: string; extra: Record<string, string> } = post ? { method: 'POST', body: '', extra: { origin: server.base, 'content-type': 'application/x-www-form-urlencoded' } } : { extra: {} };
      const r = await send(agent, server.base + url, { method: form.method, body: form.body, headers: { cookie, ...form.extra, ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) } });
      if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
      return r;
    };
    // Bytes as received off the socket: without Accept-Encoding, and as a browser asks (the server picks br, or gzip when only that is offered).
    const sizes: Array<Record<'identity' | 'gzip' | 'browser', { bytes: number; encoding: string }>> = [];
    for (const f of figures) {
      const sent = async (enc?: string) => {
        const r = await get(f.url, enc);
        return { bytes: r.body.length, encoding: String(r.headers['content-encoding'] ?? 'identity') };
      };
      sizes.push({ identity: await sent(), gzip: await sent('gzip'), browser: await sent('gzip, deflate, br') });
    }
    // Unrecorded warm-up, then the runs, interleaved across the figures; timed as a browser asks.
    for (const f of figures) for (let i = 0; i < 3; i++) await get(f.url, BROWSER);
    const runs = figures.map(() => [] as number[][]);
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const [k, f] of figures.entries()) {
        const times: number[] = [];
        for (let i = 0; i < f.perRun; i++) times.push((await get(f.url, BROWSER)).ms);
        runs[k]!.push(times);
      }
    }
    return {
      people: n, records, storeMb: statSync(path.join(dataDir, 'db.json')).size / 2 ** 20, startupMs: startup, serverRssMb: server.rssMb(),
      figures: figures.map((f, k) => ({ name: f.name, url: f.url, sent: sizes[k]!, ...runsSummary(runs[k]!) })),
    };
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  const results = [];
  for (const n of SIZES) results.push(await measureCompany(n));
  const kb = (b: { bytes: number; encoding: string }) => `${(b.bytes / 1024).toFixed(1)}${b.encoding === 'identity' ? '' : ` (${b.encoding})`}`;
  table(
    `HR over a generated company (each person with module progress, role-play and exam attempts, most certified). Client wall time on loopback, one keep-alive connection, Accept-Encoding: ${BROWSER}; ${REPEATS} runs of ${REQUESTS} requests (CSV: ${CSV_REQUESTS}) after 3 unrecorded; p50 and p95 per run as min / median / max over the runs. KB as received off the socket: no Accept-Encoding / gzip only / as a browser asks`,
    ['people', 'request', 'p50 min / med / max', 'p95 min / med / max', 'KB sent: plain / gzip / browser'],
    results.flatMap((r) => r.figures.map((f) => [r.people.toLocaleString('en-US'), f.name, mmm(f.p50), mmm(f.p95), `${kb(f.sent.identity)} / ${kb(f.sent.gzip)} / ${kb(f.sent.browser)}`])),
  );
  table(
    'The companies measured',
    ['people', 'records', 'store file', 'start-up incl. first sign-in', 'server RSS after the runs'],
    results.map((r) => [r.people.toLocaleString('en-US'), r.records.toLocaleString('en-US'), `${r.storeMb.toFixed(1)} MB`, `${(r.startupMs / 1000).toFixed(1)} s`, `${r.serverRssMb} MB`]),
  );
  return results;
}

export const runHrBench = main;
if (process.argv[1]?.endsWith('hr.ts')) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
