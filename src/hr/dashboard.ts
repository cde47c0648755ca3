import { CATEGORIES, type Category } from '../quiz/schema';
import { DIMENSIONS, type Dimension } from '../scenarios/constants';
import { rubricToPercent } from '../live/rubric';
import { certState, type CertState, type PersonFacts } from './facts';
import type { CertificateStatus } from '../certification/certificate';

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
  return c.status === 'valid' && c.expiresAt <= new Date(now.getTime() + EXPIRING_DAYS * 86_400_000).toISOString();
}

export function applyFilters(people: readonly PersonFacts[], f: HrFilters): PersonFacts[] {
  return people.filter(
    (p) =>
      (!f.site || p.site === f.site) &&
      (!f.department || p.department === f.department) &&
      (!f.cohortId || p.cohortIds.includes(f.cohortId)) &&
      (!f.hireMonth || p.hireDate?.startsWith(f.hireMonth)),
  );
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

const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);

function lastMonths(now: Date, n: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/** Every figure of the HR dashboard, computed from facts: pure, so it is tested exactly. */
export function computeDashboard(all: readonly PersonFacts[], filters: HrFilters, now: Date): Dashboard {
  const people = applyFilters(all, filters).filter((p) => p.active);
  const today = now.toISOString().slice(0, 10);
  const states = people.map(certState);
  const count = (s: CertState) => states.filter((x) => x === s).length;
  const certified = count('certified');

  const sites = [...new Set(people.map((p) => p.site))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  const bySite = sites.map((site) => {
    const row = { site, certified: 0, expired: 0, inProgress: 0, notStarted: 0 };
    people.forEach((p, i) => p.site === site && row[states[i]!]++);
    return row;
  });

  const months = lastMonths(now, 12);
  const perMonth = months.map((month) => ({ month, count: people.reduce((n, p) => n + p.issued.filter((d) => d.startsWith(month)).length, 0) }));

  const bests = people.flatMap((p) => p.scenarioBest);
  const observed = people.flatMap((p) => p.observed);
  const exams = people.flatMap((p) => (p.exam ? [p.exam] : []));

  return {
    headline: {
      people: people.length,
      certified,
      inProgress: count('inProgress'),
      notStarted: count('notStarted'),
      overdue: people.filter((p, i) => p.dueDate && p.dueDate < today && states[i] !== 'certified').length,
      expired: count('expired'),
      expiringSoon: people.filter((p) => p.certificate && expiresSoon(p.certificate, now)).length,
      rate: people.length ? Math.round((certified / people.length) * 1000) / 10 : 0,
    },
    bySite,
    perMonth,
    competency: {
      scenario: Object.fromEntries(DIMENSIONS.map((d) => [d, mean(bests.map((b) => b[d]))])) as Record<Dimension, number | null>,
      observed: Object.fromEntries(DIMENSIONS.map((d) => [d, mean(observed.map((o) => rubricToPercent(o[d])))])) as Record<Dimension, number | null>,
      scenarioN: bests.length,
      observedN: observed.length,
    },
    examByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, mean(exams.map((e) => e.byCategory[c]))])) as Record<Category, number | null>,
    examN: exams.length,
  };
}

export type PeopleSort = 'name' | 'site' | 'status' | 'exam' | 'progress';

/** The people table: search by name or username, sort, page. */
export function peoplePage(all: readonly PersonFacts[], filters: HrFilters & { q?: string; sort?: PeopleSort; page?: number; pageSize?: number; includeInactive?: boolean }) {
  const q = filters.q?.trim().toLowerCase();
  let rows = applyFilters(all, filters).filter((p) => (filters.includeInactive || p.active) && (!q || p.name.toLowerCase().includes(q) || p.username.toLowerCase().includes(q)));
  const order: Record<CertState, number> = { expired: 0, inProgress: 1, notStarted: 2, certified: 3 };
  const by: Record<PeopleSort, (a: PersonFacts, b: PersonFacts) => number> = {
    name: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
    site: (a, b) => a.site.localeCompare(b.site, 'zh-CN'),
    status: (a, b) => order[certState(a)] - order[certState(b)],
    exam: (a, b) => (b.exam?.percent ?? -1) - (a.exam?.percent ?? -1),
    progress: (a, b) => b.modulesDone - a.modulesDone,
  };
  rows = [...rows].sort((a, b) => by[filters.sort ?? 'name'](a, b) || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id));
  const size = filters.pageSize ?? 50;
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const page = Math.min(Math.max(1, filters.page ?? 1), pages);
  return { rows: rows.slice((page - 1) * size, page * size), total: rows.length, page, pages };
}
