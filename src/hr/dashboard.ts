import { CATEGORIES, type Category } from '../quiz/schema';
import { DIMENSIONS, type Dimension } from '../scenarios/constants';
import { rubricToPercent } from '../live/rubric';
import { certState, type CertState, type PersonFacts } from './facts';
import type { CertificateStatus } from '../certification/certificate';
import { isOverdue } from '../cohorts';
import { localDay, localMonth } from '../i18n/format';

export interface HrFilters {
  site?: string;
  department?: string;
  cohortId?: string;
  /** YYYY-MM */
  hireMonth?: string;
}

export const EXPIRING_DAYS = 60;

/** HR's "expiring soon": a valid certificate that runs out within EXPIRING_DAYS. */
export function expiresSoon(c: { status: CertificateStatus; expiresAt: string }, now: Date): boolean {
  return c.status === 'valid' && c.expiresAt <= expiryHorizon(now);
}
/** The last expiry time (ISO) that counts as "expiring soon" at `now`. */
export const expiryHorizon = (now: Date) => new Date(now.getTime() + EXPIRING_DAYS * 86_400_000).toISOString();

/**
 * The statuses the dashboard's headline figures count, each one a filter of
 * the people table (and of its CSV export), so every figure opens its list.
 */
export const PEOPLE_STATUSES = ['certified', 'inProgress', 'notStarted', 'expired', 'overdue', 'expiringSoon'] as const;
export type PeopleStatus = (typeof PEOPLE_STATUSES)[number];

/** Whether one person has the status a headline figure counts (the same rules as dashboardTally). */
export function hasStatus(p: PersonFacts, status: PeopleStatus, now: Date): boolean {
  const state = certState(p);
  if (status === 'overdue') return personOverdue(p, localDay(now));
  if (status === 'expiringSoon') return !!p.certificate && expiresSoon(p.certificate, now);
  return state === status;
}

/** Whether one person (the facts the filters read) is in the filters' scope. */
export function inScope(p: { site?: string; department?: string; cohortIds: readonly string[]; hireDate?: string }, f: HrFilters): boolean {
  return (!f.site || p.site === f.site) && (!f.department || p.department === f.department) && (!f.cohortId || p.cohortIds.includes(f.cohortId)) && (!f.hireMonth || !!p.hireDate?.startsWith(f.hireMonth));
}

export function applyFilters(people: readonly PersonFacts[], f: HrFilters): PersonFacts[] {
  return people.filter((p) => inScope(p, f));
}

export interface Dashboard {
  headline: {
    /** Active trainees in scope (deactivated people are left out; their records remain). */
    people: number;
    certified: number;
    inProgress: number;
    notStarted: number;
    overdue: number;
    expired: number;
    expiringSoon: number;
    /** certified ÷ people, 0–100 (one decimal). */
    rate: number;
  };
  bySite: Array<{ site: string } & Record<CertState, number>>;
  /** Certificates issued per month, the last 12 months including this one. */
  perMonth: Array<{ month: string; count: number }>;
  /** Mean dimension scores (0–100): self-played role-plays beside observed rubric scores. */
  competency: { scenario: Record<Dimension, number | null>; observed: Record<Dimension, number | null>; scenarioN: number; observedN: number };
  /** Mean exam percentage per category over each person's best attempt. */
  examByCategory: Record<Category, number | null>;
  examN: number;
}

/** A mean rounded to one decimal, from a running sum; null for no values. */
export const meanOf = (sum: number, n: number) => (n ? Math.round((sum / n) * 10) / 10 : null);

/** The `n` months (YYYY-MM, in the organisation's time zone) up to and including `now`'s, oldest first. */
export function lastMonths(now: Date, n: number): string[] {
  const [y, m] = localMonth(now).split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    // Month arithmetic on a calendar month (a UTC date stands for it): no instant, no zone.
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * 逾期未认证: the person's due date (the earliest of their cohorts') is before
 * `today` (the organisation's calendar day, localDay) and they hold no valid
 * certificate. The dashboard figure, its list and the CSV column all ask this.
 */
export const personOverdue = (p: Pick<PersonFacts, 'dueDate' | 'certificate'>, today: string) => isOverdue(p.dueDate, p.certificate?.status, today);

/** Chinese collation for names and sites, made once (a Collator compares far faster than localeCompare with a locale). */
const zh = new Intl.Collator('zh-CN');
/** The order of the per-site rows. */
export const bySiteName = (a: { site: string }, b: { site: string }) => zh.compare(a.site, b.site);
/** certified ÷ people as 0–100 with one decimal. */
export const rateOf = (certified: number, people: number) => (people ? Math.round((certified / people) * 1000) / 10 : 0);
const byDefault = new Intl.Collator();

const zeroDims = (): Record<Dimension, number> => ({ calmness: 0, empathy: 0, solution: 0 });

/** Every figure of the HR dashboard, computed from facts: pure, so it is tested exactly. */
export function computeDashboard(all: Iterable<PersonFacts>, filters: HrFilters, now: Date): Dashboard {
  const tally = dashboardTally(filters, now);
  for (const p of all) tally.add(p);
  return tally.result();
}

/**
 * The dashboard's figures counted one person at a time, so a caller can feed
 * it people a page at a time and keep no list of everyone: each figure is a
 * running count or sum, and `result()` turns them into the Dashboard.
 */
export function dashboardTally(filters: HrFilters, now: Date): { add(p: PersonFacts): void; result(): Dashboard } {
  const today = localDay(now);
  const horizon = expiryHorizon(now);
  const months = lastMonths(now, 12);
  const monthAt = new Map(months.map((m, i) => [m, i]));
  const perMonth = months.map(() => 0);
  const states: Record<CertState, number> = { certified: 0, expired: 0, inProgress: 0, notStarted: 0 };
  const sites = new Map<string, { site: string } & Record<CertState, number>>();
  const scenario = zeroDims();
  const observed = zeroDims();
  const exam = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let people = 0, overdue = 0, expiringSoon = 0, scenarioN = 0, observedN = 0, examN = 0;

  function add(p: PersonFacts) {
    if (!p.active || !inScope(p, filters)) return;
    people++;
    const state = certState(p);
    states[state]++;
    let row = sites.get(p.site);
    if (!row) sites.set(p.site, (row = { site: p.site, certified: 0, expired: 0, inProgress: 0, notStarted: 0 }));
    row[state]++;
    if (personOverdue(p, today)) overdue++;
    if (p.certificate && p.certificate.status === 'valid' && p.certificate.expiresAt <= horizon) expiringSoon++;
    for (const d of p.issued) {
      const m = monthAt.get(localMonth(d));
      if (m !== undefined) perMonth[m]!++;
    }
    for (const b of p.scenarioBest) for (const d of DIMENSIONS) scenario[d] += b[d];
    scenarioN += p.scenarioBest.length;
    for (const o of p.observed) for (const d of DIMENSIONS) observed[d] += rubricToPercent(o[d]);
    observedN += p.observed.length;
    if (p.exam) {
      for (const c of CATEGORIES) exam[c] += p.exam.byCategory[c];
      examN++;
    }
  }

  const result = (): Dashboard => ({
    headline: {
      people,
      certified: states.certified,
      inProgress: states.inProgress,
      notStarted: states.notStarted,
      overdue,
      expired: states.expired,
      expiringSoon,
      rate: rateOf(states.certified, people),
    },
    bySite: [...sites.values()].sort(bySiteName),
    perMonth: months.map((month, i) => ({ month, count: perMonth[i]! })),
    competency: {
      scenario: Object.fromEntries(DIMENSIONS.map((d) => [d, meanOf(scenario[d], scenarioN)])) as Record<Dimension, number | null>,
      observed: Object.fromEntries(DIMENSIONS.map((d) => [d, meanOf(observed[d], observedN)])) as Record<Dimension, number | null>,
      scenarioN,
      observedN,
    },
    examByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, meanOf(exam[c], examN)])) as Record<Category, number | null>,
    examN,
  });
  return { add, result };
}

export type PeopleSort = 'name' | 'site' | 'status' | 'exam' | 'progress';

/** What picks the people of the table and of its CSV export: the filters, a headline status, a search, and whether deactivated people are in. */
export type PeopleSelection = HrFilters & { q?: string; includeInactive?: boolean; status?: { is: PeopleStatus; now: Date } };

/** The people a selection picks (the table's rows before sorting and paging; the CSV's rows). */
export function selectPeople(all: readonly PersonFacts[], sel: PeopleSelection): PersonFacts[] {
  const q = sel.q?.trim().toLowerCase();
  return all.filter(
    (p) =>
      inScope(p, sel) &&
      (sel.includeInactive || p.active) &&
      (!q || p.name.toLowerCase().includes(q) || p.username.toLowerCase().includes(q)) &&
      (!sel.status || hasStatus(p, sel.status.is, sel.status.now)),
  );
}

/** The people table: search by name or username, a headline status, sort, page (the page's rows only are handed out). */
export function peoplePage(all: readonly PersonFacts[], filters: PeopleSelection & { sort?: PeopleSort; page?: number; pageSize?: number }) {
  const order: Record<CertState, number> = { expired: 0, inProgress: 1, notStarted: 2, certified: 3 };
  // Each person's status is read once, not once per comparison.
  const rows = selectPeople(all, filters).map((p) => ({ p, status: order[certState(p)] }));
  type Row = (typeof rows)[number];
  const by: Record<PeopleSort, (a: Row, b: Row) => number> = {
    name: (a, b) => zh.compare(a.p.name, b.p.name),
    site: (a, b) => zh.compare(a.p.site, b.p.site),
    status: (a, b) => a.status - b.status,
    exam: (a, b) => (b.p.exam?.percent ?? -1) - (a.p.exam?.percent ?? -1),
    progress: (a, b) => b.p.modulesDone - a.p.modulesDone,
  };
  const first = by[filters.sort ?? 'name'];
  rows.sort((a, b) => first(a, b) || zh.compare(a.p.name, b.p.name) || byDefault.compare(a.p.id, b.p.id));
  const size = filters.pageSize ?? 50;
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const page = Math.min(Math.max(1, filters.page ?? 1), pages);
  return { rows: rows.slice((page - 1) * size, page * size).map((r) => r.p), total: rows.length, page, pages };
}
