// The HR dashboard on both stores: the embedded store computes it from every
// trainee's records by the rules in src/hr (factsOf, dashboardTally); the
// PostgreSQL adapter counts it from its read model (person_facts, kept by
// triggers: migrations/2_person_facts.sql) with one aggregate
// (src/store/pg/dashboard.ts). One generated company is stored in both, and
// the two dashboards must be identical, for every filter and at several
// times, before and after records change.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client as PgClient } from 'pg';
import { generateCompany } from '../../scripts/bench/hr';
import { openStore, type Store } from '../../src/store/store';
import { Db } from '../../src/store/pg/db';
import { hrDashboardSql } from '../../src/store/pg/dashboard';
import { LOAD_ORDER, insertOf, insertRecord, updateOf, type Collection } from '../../src/store/pg/tables';
import type { HrFilters } from '../../src/hr';
import type { CertificateRecord, DbData } from '../../src/store/types';
import type { Storage } from '../../src/store/ports';
import { openPgStorage } from '../../src/store/pg';
import { freshDatabase, pgEnabled, type TestDatabase } from '../pg/database';

const DAY = 86_400_000;
const TODAY = new Date();
const NOWS = { today: TODAY, 'in 300 days': new Date(TODAY.getTime() + 300 * DAY), '30 days ago': new Date(TODAY.getTime() - 30 * DAY) };
const MODULES = 7;

/**
 * What the generator leaves out, so every rule is exercised: revoked and
 * reissued certificates, certificates due to expire soon, equal best exam
 * percents and equal best role-play scores, observations, a cohort without a
 * due date and people in two cohorts.
 */
function addVariety(d: DbData, now: Date) {
  const iso = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
  const certs = [...d.certificates];
  certs.forEach((c, i) => {
    if (i % 7 === 0) Object.assign(c, { revokedAt: iso(-5), revokedBy: 'hr', revokeReason: '测试' });
    else if (i % 7 === 1) {
      // Reissued: the old one superseded, the new one (same expiry) not counted again in the chart.
      const next: CertificateRecord = { ...c, id: randomUUID(), code: randomUUID().slice(0, 19).toUpperCase(), issuedAt: iso(-3), reissuedFrom: c.id };
      c.supersededBy = next.id;
      d.certificates.push(next);
    } else if (i % 7 === 2) c.expiresAt = iso(20 + (i % 50));
  });
  const trainees = d.users.filter((u) => u.role === 'trainee');
  const rater = d.users.find((u) => u.role === 'trainer')!;
  trainees.forEach((u, i) => {
    if (i % 5 === 0) {
      for (const [k, score] of [[0, 3], [1, 5], [2, 1]] as const) {
        d.observations.push({ id: randomUUID(), sessionId: `s${i}-${k}`, cohortId: d.cohorts[0]!.id, scenarioId: 'ceiling-leak', agentId: u.id, raterId: rater.id, calmness: score, empathy: ((score + k) % 5) + 1, solution: 4, comment: '', at: iso(-10 - k) });
      }
    }
    if (i % 11 === 0) {
      // Two attempts of one scenario with the same best overall: the earlier one counts.
      const base = { userId: u.id, scenarioId: 'fire-report', version: 1, mode: 'practice' as const, choiceIds: [], ending: 'resolved', outcome: 'resolved' as const, totals: { calmness: 5, empathy: 5, solution: 5 }, moods: [] };
      d.scenarioAttempts.push({ ...base, id: randomUUID(), scores: { calmness: 90, empathy: 60, solution: 75, overall: 75, passed: true }, at: iso(-8) });
      d.scenarioAttempts.push({ ...base, id: randomUUID(), scores: { calmness: 70, empathy: 80, solution: 75, overall: 75, passed: true }, at: iso(-9) });
    }
  });
  // Equal best exam percents: the first one counts.
  for (const e of d.examAttempts.filter((_, i) => i % 9 === 0)) {
    d.examAttempts.push({ ...structuredClone(e), id: randomUUID(), result: { ...structuredClone(e.result!), byCategory: { law: { earned: 1, total: 1, percent: 100 }, process: { earned: 0, total: 1, percent: 0 }, cases: { earned: 1, total: 1, percent: 100 }, professionalism: { earned: 1, total: 1, percent: 50 } } } });
  }
  d.cohorts.push({ id: randomUUID(), name: '复训班', trainerId: rater.id, traineeIds: trainees.filter((_, i) => i % 3 === 0).map((u) => u.id), createdAt: iso(-100) });
}

if (pgEnabled()) {
  describe('HR dashboard: PostgreSQL read model = the rules in src/hr', () => {
    let data: DbData;
    let dir: string;
    let store: Store;
    let pgDb: TestDatabase;
    let db: Db;
    let pg: Storage;

    beforeAll(async () => {
      data = await generateCompany(400, TODAY);
      addVariety(data, TODAY);
      dir = mkdtempSync(path.join(tmpdir(), 'wuye-hr-dashboard-'));
      writeFileSync(path.join(dir, 'db.json'), JSON.stringify(data));
      store = await openStore(dir, { lock: false });
      pgDb = await freshDatabase();
      db = new Db(pgDb.url, { max: 4 });
      // Record by record, as the ports write them, so the triggers keep person_facts.
      await db.tx(async (q) => {
        // A superseded certificate names its successor, stored after it: it gets its supersededBy once both are in.
        const later: CertificateRecord[] = [];
        for (const c of LOAD_ORDER) {
          for (const rec of data[c] as DbData[Collection]) {
            if (c === 'certificates' && (rec as CertificateRecord).supersededBy) {
              later.push(rec as CertificateRecord);
              await insertRecord(q, c, { ...(rec as CertificateRecord), supersededBy: undefined });
            } else await insertRecord(q, c, rec as never);
          }
        }
        for (const c of later) {
          const { text, params } = updateOf('certificates', c, 'id = $W1', [c.id]);
          await q.run(text, params);
        }
      });
      pg = await openPgStorage(pgDb.url, { poolMax: 4 });
    }, 120_000);
    afterAll(async () => {
      await store?.close();
      await pg?.close();
      await db?.close();
      await pgDb?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const filterCases = (): Array<[string, HrFilters]> => {
      const someone = data.users.find((u) => u.role === 'trainee' && u.hireDate)!;
      return [
        ['no filter', {}],
        ['site', { site: someone.site }],
        ['department', { department: someone.department }],
        ['cohort', { cohortId: data.cohorts.at(-1)!.id }],
        ['hire month', { hireMonth: someone.hireDate!.slice(0, 7) }],
      ];
    };

    /** Both dashboards, every filter at every time; `step` names the change they follow. */
    async function expectSame(step = 'as loaded') {
      for (const [nowName, now] of Object.entries(NOWS)) {
        for (const [name, filters] of filterCases()) {
          const want = await store.hrDashboard(filters, now.toISOString(), MODULES);
          const got = await pg.hrDashboard(filters, now.toISOString(), MODULES);
          expect(got, `${step}: ${name}, ${nowName}`).toEqual(want);
        }
      }
    }

    it('gives the embedded store’s dashboard for every filter and time', async () => {
      const all = await store.hrDashboard({}, TODAY.toISOString(), MODULES);
      // The company exercises the rules: every state, overdue and expiring people, observed and exam means.
      expect(all.headline.certified * all.headline.expired * all.headline.inProgress * all.headline.notStarted).toBeGreaterThan(0);
      expect(all.headline.overdue * all.headline.expiringSoon * all.competency.observedN * all.examN).toBeGreaterThan(0);
      expect(all.perMonth.some((m) => m.count > 0)).toBe(true);
      await expectSame();
    });

    it('still agrees after certificates, exams, cohorts and people change through the ports', async () => {
      // Each change made on both stores through their ports, with the same arguments.
      const both = async <T,>(change: (s: Storage) => Promise<T>): Promise<[T, T]> => [await change(store), await change(pg)];
      const at = new Date().toISOString();
      const certs = data.certificates.filter((c) => !c.revokedAt && !c.supersededBy);
      const [revoked, pgRevoked] = await both((s) => s.revokeCertificate(certs[3]!.id, 'hr', '测试', at));
      expect(revoked && pgRevoked).toBeTruthy();
      await expectSame('revoked');
      const [reissued, pgReissued] = await both((s) => s.reissueCertificate(certs[4]!.id, 'NEW-CODE-0000-0001', 'hr', '补发', at));
      expect(reissued && pgReissued).toBeTruthy();
      await expectSame('reissued');
      // Someone who had not started takes the exam and passes.
      const idle = (await store.traineeRecords({}, { limit: 1000 })).items.find((r) => !r.moduleProgress.length && !r.scenarioAttempts.length && !r.examAttempts.length)!;
      const sample = data.examAttempts.find((e) => e.result)!;
      await both((s) => s.createExamAttempt({ ...structuredClone(sample), userId: idle.user.id, startedAt: at, deadline: at, submittedAt: at }));
      await expectSame('exam taken');
      // Enrol people in the last cohort, then give it a due date already past.
      const cohort = data.cohorts.at(-1)!;
      const others = data.users.filter((u) => u.role === 'trainee' && !cohort.traineeIds.includes(u.id)).slice(0, 10).map((u) => u.id);
      const [enrolled, pgEnrolled] = await both((s) => s.enrol(cohort.id, others, 'hr', at));
      expect(pgEnrolled?.added).toBe(enrolled?.added);
      await expectSame('enrolled');
      await both((s) => s.updateCohort(cohort.id, { dueDate: '2020-01-01' }));
      await expectSame('due date changed');
      // An observed role-play for someone, scored again by the same rater (the second replaces the first).
      const rater = data.users.find((u) => u.role === 'trainer')!;
      for (const score of [2, 5]) await both((s) => s.addObservation({ sessionId: 'new-session', cohortId: cohort.id, scenarioId: 'ceiling-leak', agentId: idle.user.id, raterId: rater.id, calmness: score, empathy: 3, solution: 4, comment: '', at }));
      await expectSame('observed');
      // One person moves site, another leaves.
      const [mover, leaver] = data.users.filter((u) => u.role === 'trainee' && u.active).slice(5, 7);
      await both((s) => s.updateUser(mover!.id, { site: '新项目' }, at));
      await both((s) => s.updateUser(leaver!.id, { active: false }, at));
      await expectSame('moved and left');
      expect((await pg.hrDashboard({ site: '新项目' }, TODAY.toISOString(), MODULES)).headline.people).toBe(1);
    });

    it('keeps both of two concurrent changes to one person (the later refresh waits for the earlier commit)', async () => {
      const clients = [new PgClient({ connectionString: pgDb.url }), new PgClient({ connectionString: pgDb.url })];
      const [first, second] = clients as [PgClient, PgClient];
      try {
        for (const c of clients) await c.connect();
        const idle = (await store.traineeRecords({}, { limit: 1000 })).items.find((r) => !r.scenarioAttempts.length && !r.examAttempts.length && !r.certificates.length)!;
        const at = new Date().toISOString();
        const sample = data.examAttempts.find((e) => e.result)!;
        const exam = insertOf('examAttempts', { ...structuredClone(sample), id: randomUUID(), userId: idle.user.id, startedAt: at, deadline: at, submittedAt: at });
        const cert = insertOf('certificates', { ...structuredClone(data.certificates[0]!), id: randomUUID(), userId: idle.user.id, code: 'RACE-0000-0000-0001', issuedAt: at, expiresAt: new Date(Date.now() + 700 * DAY).toISOString(), revokedAt: undefined, revokedBy: undefined, revokeReason: undefined, supersededBy: undefined, reissuedFrom: undefined });
        await first.query('BEGIN');
        await first.query(exam.text, exam.params);
        await second.query('BEGIN');
        const pid = (await second.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
        const secondInsert = second.query(cert.text, cert.params);
        // The second change's refresh is under way and waits for the first transaction.
        while (!(await db.q.one(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]))) await new Promise((r) => setImmediate(r));
        await first.query('COMMIT');
        await secondInsert;
        await second.query('COMMIT');
        const row = await db.q.one(`SELECT has_exam, has_certificate, started FROM person_facts WHERE user_id = $1`, [idle.user.id]);
        expect(row).toEqual({ has_exam: true, has_certificate: true, started: true });
        // And it is exactly what the rules give from the base tables now.
        expect(await db.q.rows(`SELECT * FROM person_facts WHERE user_id = $1`, [idle.user.id])).toEqual(await db.q.rows(`SELECT * FROM person_facts_source WHERE user_id = $1`, [idle.user.id]));
      } finally {
        for (const c of clients) await c.end().catch(() => {});
      }
    });

    // Last: it empties the database. store:copy --replace and restore TRUNCATE every table together.
    it('forgets everyone when the tables are truncated (store:copy --replace, restore)', async () => {
      await db.q.run('TRUNCATE users, module_progress, scenario_attempts, exam_attempts, certificates, observations, cohorts, sessions, check_attempts, scenario_plays, waivers, live_sessions');
      expect((await db.q.one<{ n: number }>('SELECT count(*)::int AS n FROM person_facts'))!.n).toBe(0);
      expect((await hrDashboardSql(db, {}, TODAY.toISOString(), MODULES)).headline.people).toBe(0);
    });
  });
} else describe.skip('HR dashboard on PostgreSQL (PG_TESTS=0: no cluster in this run)', () => {});
