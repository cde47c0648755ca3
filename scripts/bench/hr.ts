// Benchmark: the HR dashboard and CSV export over a generated company of N people
// (each with module progress, several role-play attempts, exam attempts, and for
// most a certificate). Prints server response times on loopback and the file size.
// Usage: tsx scripts/bench/hr.ts [people=5000]
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { emptyData } from '../../src/store/migrations';
import { hashPassword } from '../../src/auth';
import { DEMO_PASSWORD, DEMO_USERS, DEMO_ORG } from '../../src/people/demo';
import { seededRandom } from '../../src/quiz/random';
import { startServer, login, percentile, ms, table } from './lib';
import type { DbData } from '../../src/store';

const N = Number((process.argv[1]?.endsWith("hr.ts") && process.argv[2]) || 5000);
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

async function timeRequests(url: string, cookie: string, n: number, post = false) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    // Exports are posted forms (they are logged; GET never writes).
    const res = await fetch(url, post ? { method: 'POST', headers: { cookie, Origin: new URL(url).origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' } : { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    times.push(performance.now() - t0);
    bytes = body.byteLength;
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), bytes };
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-hr-'));
  const data = await generateCompany(N);
  writeFileSync(path.join(dataDir, 'db.json'), JSON.stringify(data));
  const records = data.scenarioAttempts.length + data.examAttempts.length + data.moduleProgress.length + data.certificates.length;
  const started = performance.now();
  const server = await startServer(dataDir, { DEMO_ACTIVITY: '0' });
  try {
    const cookie = await login(server.base, 'hr', DEMO_PASSWORD);
    const startup = performance.now() - started;
    const dash = await timeRequests(`${server.base}/hr`, cookie, 20);
    const filtered = await timeRequests(`${server.base}/hr?site=${encodeURIComponent(SITES[0]!)}`, cookie, 20);
    const people = await timeRequests(`${server.base}/hr/people?sort=status`, cookie, 20);
    const csv = await timeRequests(`${server.base}/hr/export.csv`, cookie, 5, true);
    table(`HR over a generated company: ${N} people, ${records.toLocaleString()} records, store file ${(statSync(path.join(dataDir, 'db.json')).size / 2 ** 20).toFixed(1)} MB`, ['request', 'p50', 'p95', 'response size'], [
      ['dashboard /hr', ms(dash.p50), ms(dash.p95), `${(dash.bytes / 1024).toFixed(0)} KB`],
      ['dashboard, one site', ms(filtered.p50), ms(filtered.p95), `${(filtered.bytes / 1024).toFixed(0)} KB`],
      ['people table (page 1)', ms(people.p50), ms(people.p95), `${(people.bytes / 1024).toFixed(0)} KB`],
      ['CSV export (everyone)', ms(csv.p50), ms(csv.p95), `${(csv.bytes / 1024).toFixed(0)} KB`],
    ]);
    console.log(`server start-up incl. first sign-in: ${startup.toFixed(0)} ms; memory (RSS): ${server.rssMb()} MB`);
    return { people: N, records, dashboard: dash, dashboardFiltered: filtered, peopleTable: people, csvExport: csv, startupMs: startup, serverRssMb: server.rssMb() };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
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
