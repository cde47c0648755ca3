// Benchmark: the HR dashboard on PostgreSQL (ReportsPort.hrDashboard: one
// aggregate over the person_facts read model, migrations/2_person_facts.sql)
// over a generated company (scripts/bench/hr.ts), in a throwaway cluster.
// Prints the load time (store:copy's loadDatabase with the read model's
// triggers off, as a bulk load should run: with them on, a 100k load took
// over seven minutes before it was stopped), the full recompute of the read model after it, one person's refresh, and the dashboard's
// p50/p95 over REQUESTS calls, with no filter and with one site; then one walk
// of the old way (every trainee's records through traineeRecordPages) for comparison.
// Usage: tsx scripts/bench/hr-pg.ts [people]
import pg from 'pg';
import { startCluster } from '../pg-cluster';
import { migrateDatabase } from '../../src/store/pg/migrate';
import { loadDatabase } from '../../src/store/pg/copy';
import { Db } from '../../src/store/pg/db';
import { hrDashboardSql } from '../../src/store/pg/dashboard';
import { reportsPort } from '../../src/store/pg/reports';
import { dashboardTally, factsOf, type HrFilters } from '../../src/hr';
import { generateCompany } from './hr';

const PEOPLE = Number(process.argv[2] ?? process.env.BENCH_HR_PEOPLE ?? 100_000);
const REQUESTS = Number(process.env.BENCH_HR_REQUESTS ?? 20);

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}

async function main() {
  const cluster = await startCluster();
  try {
    const url = await cluster.createDatabase('bench_hr');
    const now = new Date();
    const data = await generateCompany(PEOPLE, now);
    const records = (['moduleProgress', 'scenarioAttempts', 'examAttempts', 'certificates', 'cohorts'] as const).reduce((n, c) => n + data[c].length, 0);
    console.log(`${PEOPLE.toLocaleString('en-US')} people, ${records.toLocaleString('en-US')} records`);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await migrateDatabase(c, 'bench');
    const triggers = (on: boolean) => c.query(['users', 'module_progress', 'scenario_attempts', 'exam_attempts', 'certificates', 'observations', 'cohorts'].map((t) => `ALTER TABLE ${t} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER USER`).join('; '));
    // BENCH_TRIGGERS_ON=1 loads with them on, to see what that costs.
    const on = process.env.BENCH_TRIGGERS_ON === '1';
    if (!on) await triggers(false);
    const [loadMs] = await timed(() => loadDatabase(url, data));
    await triggers(true);
    await c.end();
    console.log(`load (store:copy, read-model triggers ${on ? 'on' : 'off'}): ${(loadMs / 1000).toFixed(1)} s`);
    const db = new Db(url, { max: 4 });
    try {
      await db.q.run('VACUUM ANALYZE');
      const [allMs] = await timed(() => db.q.run('SELECT refresh_all_person_facts()'));
      console.log(`refresh_all_person_facts(): ${(allMs / 1000).toFixed(1)} s`);
      await db.q.run('VACUUM ANALYZE person_facts');
      const someone = data.users.find((u) => u.role === 'trainee' && u.username === 'p12345') ?? data.users.at(-1)!;
      const one: number[] = [];
      for (let i = 0; i < REQUESTS; i++) one.push((await timed(() => db.q.run('SELECT refresh_person_facts($1)', [someone.id])))[0]);
      console.log(`refresh_person_facts(one person): p50 ${quantile(one, 0.5).toFixed(2)} ms, p95 ${quantile(one, 0.95).toFixed(2)} ms`);
      const cases: Array<[string, HrFilters]> = [['no filter', {}], ['one site', { site: data.users.at(-1)!.site }], ['one cohort', { cohortId: data.cohorts[0]!.id }]];
      for (const [name, filters] of cases) {
        for (let i = 0; i < 3; i++) await hrDashboardSql(db, filters, now.toISOString(), 7);
        const ms: number[] = [];
        for (let i = 0; i < REQUESTS; i++) ms.push((await timed(() => hrDashboardSql(db, filters, now.toISOString(), 7)))[0]);
        console.log(`hrDashboardSql, ${name}: p50 ${quantile(ms, 0.5).toFixed(0)} ms, p95 ${quantile(ms, 0.95).toFixed(0)} ms (${REQUESTS} calls after 3 unrecorded)`);
      }
      // The old way, once: every trainee's records to this process, factsOf and the tally.
      const [walkMs] = await timed(async () => {
        const tally = dashboardTally({}, now);
        for await (const page of reportsPort(db).traineeRecordPages({ includeInactive: true })) for (const r of page) tally.add(factsOf(r, 7, now));
        return tally.result();
      });
      console.log(`old way (traineeRecordPages + factsOf + tally), once: ${(walkMs / 1000).toFixed(1)} s`);
    } finally {
      await db.close();
    }
  } finally {
    cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
