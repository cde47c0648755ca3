// ReportsPort on PostgreSQL: HR reads every trainee, so nothing here reads a
// whole table. People are chosen, ordered and paged in SQL (by user name,
// COLLATE "C"); a page's records are then read with one query per table for
// the page's people, and grouped here.
import { MAX_PAGE, type Page, type PageRequest, type PersonRecords, type ReportsPort, type UserFilter } from '../ports';
import type { CertificateRecord, CohortRecord, UserRecord, WaiverRecord } from '../types';
import type { Db, Q } from './db';
import { pageBounds } from './audit';
import { hrDashboardSql } from './dashboard';

type TraineeFilter = UserFilter & { ids?: readonly string[] };
type Doc<T> = { doc: T };

const pageOf = <T>(items: T[], total: number, from: number, limit: number): Page<T> => ({ items, total, next: from + limit < total ? from + limit : undefined });

/** The WHERE clause choosing a report's people (store.ts traineesOf), its parameters from $1. */
function whereOf(f: TraineeFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.role ?? 'trainee'];
  const conds = ['role = $1'];
  const add = (cond: (n: string) => string, v: unknown) => {
    params.push(v);
    conds.push(cond(`$${params.length}`));
  };
  if (!f.includeInactive) conds.push('active');
  if (f.site) add((n) => `site = ${n}`, f.site);
  if (f.department) add((n) => `department = ${n}`, f.department);
  if (f.ids) add((n) => `id = ANY(${n}::text[])`, [...f.ids]);
  return { sql: conds.join(' AND '), params };
}

/** Rows of `table` for these people, in insertion order, by person. */
async function byPerson<T>(q: Q, table: string, column: string, ids: string[]): Promise<Map<string, T[]>> {
  const rows = await q.rows<{ k: string; doc: T }>(`SELECT ${column} AS k, doc FROM ${table} WHERE ${column} = ANY($1::text[]) ORDER BY seq`, [ids]);
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const held = out.get(r.k);
    if (held) held.push(r.doc);
    else out.set(r.k, [r.doc]);
  }
  return out;
}

// The cohorts any of a page's people are in, one GIN probe (trainee_ids @> {id}) per person.
// Not `trainee_ids && $1`: with a page of 1000 ids the planner misjudges the overlap and
// compares every cohort's array with all 1000 ids (seconds at 4,000 cohorts; milliseconds this way).
const COHORTS_OF_PAGE = `SELECT DISTINCT ON (c.seq) c.doc FROM unnest($1::text[]) AS t(uid)
  CROSS JOIN LATERAL (SELECT seq, doc FROM cohorts WHERE trainee_ids @> ARRAY[t.uid]) c ORDER BY c.seq`;

/** The records of a page of people: one query per table (and one for their cohorts). */
async function recordsOf(q: Q, users: UserRecord[]): Promise<PersonRecords[]> {
  if (!users.length) return [];
  const ids = users.map((u) => u.id);
  const [progress, attempts, exams, certificates, observations, cohortRows] = await Promise.all([
    byPerson<PersonRecords['moduleProgress'][number]>(q, 'module_progress', 'user_id', ids),
    byPerson<PersonRecords['scenarioAttempts'][number]>(q, 'scenario_attempts', 'user_id', ids),
    byPerson<PersonRecords['examAttempts'][number]>(q, 'exam_attempts', 'user_id', ids),
    byPerson<PersonRecords['certificates'][number]>(q, 'certificates', 'user_id', ids),
    byPerson<PersonRecords['observations'][number]>(q, 'observations', 'agent_id', ids),
    q.rows<Doc<CohortRecord>>(COHORTS_OF_PAGE, [ids]),
  ]);
  const cohorts = new Map<string, CohortRecord[]>();
  const wanted = new Set(ids);
  for (const { doc: c } of cohortRows) {
    for (const t of c.traineeIds) {
      if (!wanted.has(t)) continue;
      const held = cohorts.get(t);
      if (held) held.push(c);
      else cohorts.set(t, [c]);
    }
  }
  return users.map((user) => ({
    user,
    moduleProgress: progress.get(user.id) ?? [],
    scenarioAttempts: attempts.get(user.id) ?? [],
    examAttempts: exams.get(user.id) ?? [],
    certificates: certificates.get(user.id) ?? [],
    observations: observations.get(user.id) ?? [],
    cohorts: cohorts.get(user.id) ?? [],
  }));
}

/** A newest-first page of a whole table (its `<order>` index serves it). */
async function newestFirst<T>(q: Q, table: string, order: string, req: PageRequest): Promise<Page<T>> {
  const { from, limit } = pageBounds(req);
  const [items, count] = await Promise.all([
    q.rows<Doc<T>>(`SELECT doc FROM ${table} ORDER BY ${order} OFFSET $1 LIMIT $2`, [from, limit]),
    q.one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`),
  ]);
  return pageOf(items.map((r) => r.doc), count!.n, from, limit);
}

export function reportsPort(db: Db): ReportsPort {
  return {
    async traineeRecords(f, req) {
      const { from, limit } = pageBounds(req);
      const w = whereOf(f);
      const n = w.params.length;
      const [users, count] = await Promise.all([
        db.q.rows<Doc<UserRecord>>(`SELECT doc FROM users WHERE ${w.sql} ORDER BY username OFFSET $${n + 1} LIMIT $${n + 2}`, [...w.params, from, limit]),
        db.q.one<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE ${w.sql}`, w.params),
      ]);
      return pageOf(await recordsOf(db.q, users.map((r) => r.doc)), count!.n, from, limit);
    },
    async *traineeRecordPages(f, pageSize = MAX_PAGE) {
      const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(pageSize)));
      const w = whereOf(f);
      const n = w.params.length;
      // Keyset walk by user name: each page starts after the last name of the one before.
      // (A plain range on username after the first page, so the index on it serves every page.)
      const pageAfter = async (last: string | undefined): Promise<{ people: PersonRecords[]; last?: string }> => {
        const after = last === undefined ? '' : ` AND username > $${n + 2}`;
        const rows: Array<{ username: string; doc: UserRecord }> = await db.q.rows(
          `SELECT username, doc FROM users WHERE ${w.sql}${after} ORDER BY username LIMIT $${n + 1}`,
          last === undefined ? [...w.params, size] : [...w.params, size, last],
        );
        return { people: await recordsOf(db.q, rows.map((r) => r.doc)), last: rows.length === size ? rows[rows.length - 1]!.username : undefined };
      };
      // One page read ahead: the database reads page k + 1 while the caller works on page k.
      let next: Promise<{ people: PersonRecords[]; last?: string }> | undefined = pageAfter(undefined);
      try {
        while (next) {
          const page: { people: PersonRecords[]; last?: string } = await next;
          next = page.last === undefined ? undefined : pageAfter(page.last);
          if (page.people.length) yield page.people;
        }
      } finally {
        // A caller that stops early (or fails) leaves no read unobserved.
        await next?.catch(() => {});
      }
    },
    listWaivers: (req) => newestFirst<WaiverRecord>(db.q, 'waivers', 'at DESC, seq DESC', req),
    listAllCertificates: (req) => newestFirst<CertificateRecord>(db.q, 'certificates', 'issued_at DESC, seq DESC', req),
    // Counted over the person_facts read model (migrations/2_person_facts.sql).
    hrDashboard: (filters, now, modulesTotal) => hrDashboardSql(db, filters, now, modulesTotal),
    // Distinct values over the trainees only: loose index scans over person_facts (migrations/3_facet_indexes.sql).
    traineeFacets: async () => {
      const r = await db.q.one<{ sites: string[]; departments: string[]; months: string[]; cohorts: Array<{ id: string; name: string }> }>(`SELECT
        (${distinctOf('site')} SELECT coalesce(array_agg(v ORDER BY v COLLATE "C"), '{}') FROM d WHERE v <> '') AS sites,
        (${distinctOf('department')} SELECT coalesce(array_agg(v ORDER BY v COLLATE "C"), '{}') FROM d WHERE v <> '') AS departments,
        (${distinctOf('left(hire_date, 7)')} SELECT coalesce(array_agg(v ORDER BY v COLLATE "C" DESC), '{}') FROM d WHERE v <> '') AS months,
        (SELECT coalesce(json_agg(json_build_object('id', id, 'name', name) ORDER BY seq), '[]') FROM cohorts) AS cohorts`);
      return { sites: r!.sites, departments: r!.departments, hireMonths: r!.months, cohorts: r!.cohorts };
    },
  };
}

/**
 * The distinct values of an indexed expression of person_facts as a CTE `d(v)`:
 * a loose index scan (each step one probe for the next greater value), so the
 * cost follows the number of distinct values, not of people.
 */
function distinctOf(expr: string): string {
  return `WITH RECURSIVE d AS (SELECT min(${expr}) AS v FROM person_facts
    UNION ALL SELECT (SELECT min(${expr}) FROM person_facts WHERE ${expr} > d.v) FROM d WHERE d.v IS NOT NULL)`;
}
