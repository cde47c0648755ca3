// The HR dashboard on PostgreSQL (ReportsPort.hrDashboard): one aggregate over
// the read model person_facts (migrations/2_person_facts.sql, kept by
// triggers) and one over the last 12 months' certificates, instead of every
// trainee's records carried to the app server. The time-dependent states
// (valid or expired, overdue, expiring soon) are decided here from `now`; the
// sums come back exact and are rounded by the same functions as dashboardTally,
// so both stores give the same Dashboard (test/contract/hr-dashboard.test.ts).
import { CATEGORIES, type Category } from '../../quiz/schema';
import { DIMENSIONS, type Dimension } from '../../scenarios/constants';
import { bySiteName, expiryHorizon, lastMonths, meanOf, rateOf, type Dashboard, type HrFilters } from '../../hr/dashboard';
import type { CertState } from '../../hr/facts';
import type { Db } from './db';
import { localDay, orgTimeZone } from '../../i18n/format';

/** The filters as a WHERE clause over person_facts `f` (active trainees only, as dashboardTally), parameters from $start. */
function scopeOf(filters: HrFilters, start: number): { where: string; params: unknown[] } {
  const parts = ['f.active'];
  const params: unknown[] = [];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(`$${start + params.length - 1}`));
  };
  // An empty filter value is no filter (inScope tests truthiness).
  if (filters.site) add((n) => `f.site = ${n}`, filters.site);
  if (filters.department) add((n) => `f.department = ${n}`, filters.department);
  if (filters.cohortId) add((n) => `f.cohort_ids @> ARRAY[${n}::text]`, filters.cohortId);
  if (filters.hireMonth) add((n) => `starts_with(f.hire_date, ${n})`, filters.hireMonth);
  return { where: parts.join(' AND '), params };
}

// certificateStatus of the current certificate at $1 (superseded ones are never current).
const STATUS = `CASE WHEN NOT f.has_certificate THEN NULL WHEN f.cert_revoked THEN 'revoked' WHEN $1::timestamptz >= f.cert_expires_at THEN 'expired' ELSE 'valid' END`;
// certState.
const STATE = `CASE s.status WHEN 'valid' THEN 'certified' WHEN 'expired' THEN 'expired' ELSE CASE WHEN s.started THEN 'inProgress' ELSE 'notStarted' END END`;

interface SiteRow extends Record<CertState, number> {
  site: string;
  overdue: number;
  expiring: number;
  scenario_n: number;
  observed_n: number;
  exam_n: number;
  // Sums (numeric, as strings).
  [sum: string]: unknown;
}

const SUMS = [...DIMENSIONS.map((d) => `scenario_${d}`), ...DIMENSIONS.map((d) => `observed_${d}`), ...CATEGORIES.map((c) => `exam_${c}`)];

/** Every figure of the HR dashboard at `now` for the trainees the filters pick, as dashboardTally counts them. */
export async function hrDashboardSql(db: Db, filters: HrFilters, now: string, modulesTotal: number): Promise<Dashboard> {
  void modulesTotal; // Module counts are not on the dashboard; the port takes it for adapters that compute facts.
  const at = new Date(now);
  const months = lastMonths(at, 12);
  const scope = scopeOf(filters, 4);
  const [sites, perMonth] = await Promise.all([siteRows(db, at, scope), issuedPerMonth(db, months, filters)]);
  const total = (k: string) => sites.reduce((n, r) => n + Number(r[k] ?? 0), 0);
  const people = total('certified') + total('expired') + total('inProgress') + total('notStarted');
  const scenarioN = total('scenario_n');
  const observedN = total('observed_n');
  const examN = total('exam_n');
  return {
    headline: {
      people,
      certified: total('certified'),
      inProgress: total('inProgress'),
      notStarted: total('notStarted'),
      overdue: total('overdue'),
      expired: total('expired'),
      expiringSoon: total('expiring'),
      rate: rateOf(total('certified'), people),
    },
    bySite: sites.map((r) => ({ site: r.site, certified: r.certified, expired: r.expired, inProgress: r.inProgress, notStarted: r.notStarted })).sort(bySiteName),
    perMonth: months.map((month) => ({ month, count: perMonth.get(month) ?? 0 })),
    competency: {
      scenario: Object.fromEntries(DIMENSIONS.map((d) => [d, meanOf(total(`scenario_${d}`), scenarioN)])) as Record<Dimension, number | null>,
      observed: Object.fromEntries(DIMENSIONS.map((d) => [d, meanOf(total(`observed_${d}`), observedN)])) as Record<Dimension, number | null>,
      scenarioN,
      observedN,
    },
    examByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, meanOf(total(`exam_${c}`), examN)])) as Record<Category, number | null>,
    examN,
  };
}

/** One row per site in scope: its people per state and the running figures, summed over the site's people. */
async function siteRows(db: Db, at: Date, scope: { where: string; params: unknown[] }): Promise<SiteRow[]> {
  const sums = SUMS.map((c) => `sum(s.${c}) AS ${c}`).join(', ');
  const count = (state: CertState) => `count(*) FILTER (WHERE s.state = '${state}')::integer AS "${state}"`;
  return db.q.rows<SiteRow>(
    `SELECT s.site, ${count('certified')}, ${count('expired')}, ${count('inProgress')}, ${count('notStarted')},
       count(*) FILTER (WHERE s.due_date < $2 AND s.state <> 'certified')::integer AS overdue,
       count(*) FILTER (WHERE s.status = 'valid' AND s.cert_expires <= $3)::integer AS expiring,
       sum(s.scenario_n)::integer AS scenario_n, sum(s.observed_n)::integer AS observed_n,
       count(*) FILTER (WHERE s.has_exam)::integer AS exam_n, ${sums}
     FROM (SELECT s.*, ${STATE} AS state FROM (SELECT f.*, ${STATUS} AS status FROM person_facts f WHERE ${scope.where}) s) s
     GROUP BY s.site`,
    [at.toISOString(), localDay(at), expiryHorizon(at), ...scope.params],
  );
}

/**
 * Certificates issued per month (YYYY-MM of issued_at in the organisation's
 * time zone, as the tally's localMonth) to the people in scope, reissues left
 * out: an index range on issued_at a day wider than the months (any zone's
 * offset is less than a day), then the month in the zone.
 */
async function issuedPerMonth(db: Db, months: string[], filters: HrFilters): Promise<Map<string, number>> {
  const from = new Date(Date.parse(`${months[0]}-01T00:00:00Z`) - 86_400_000).toISOString();
  const last = new Date(`${months.at(-1)}-01T00:00:00Z`);
  const to = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() + 1, 2)).toISOString();
  const scope = scopeOf(filters, 5);
  const rows = await db.q.rows<{ month: string; n: number }>(
    `SELECT to_char(c.issued_at AT TIME ZONE $4::text, 'YYYY-MM') AS month, count(*)::integer AS n
     FROM certificates c JOIN person_facts f ON f.user_id = c.user_id
     WHERE c.issued_at >= $1 AND c.issued_at < $2 AND coalesce(c.doc->>'reissuedFrom', '') = ''
       AND to_char(c.issued_at AT TIME ZONE $4::text, 'YYYY-MM') = ANY ($3::text[]) AND ${scope.where}
     GROUP BY 1`,
    [from, to, months, orgTimeZone(), ...scope.params],
  );
  return new Map(rows.map((r) => [r.month, r.n]));
}
