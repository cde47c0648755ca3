// View functions for the HR pages: each returns plain data for one page; the
// exports and the certificate actions are commands in hr-service.ts and
// certificate-service.ts.
import { storageOf, type Runtime } from './runtime';
import type { UserRecord } from '../store';
import { inScope, peoplePage, type PeopleSort } from '../hr';
import { filterFields, filterQuery, filtersFrom, selectionFields, selectionFrom, selectionWords } from './hr-filters';
import { peopleFacts, personTimeline, waiverRows } from './hr-service';
import { certificateList, verifyLink, type CertificateView } from './certificate-service';
import { EXPIRING_DAYS } from '../hr';

/** The dashboard: its figures for the filters in the query, the filters as links and form fields, and the waivers. */
export async function hrDashboardView(rt: Runtime, _user: UserRecord, query: URLSearchParams, now: Date) {
  const filters = filtersFrom(query);
  // Counted by the store, where the records are (PostgreSQL: one aggregate over its read model).
  const dashboard = await storageOf(rt).hrDashboard(filters, now.toISOString(), rt.course.modules.length);
  return {
    filters,
    qs: filterQuery(filters),
    fields: filterFields(filters),
    dashboard,
    waivers: await waiverRows(rt),
  };
}

/** The choices of the filter form: sites, departments and hire months of every trainee, and the cohorts (names only). */
export async function hrFiltersView(rt: Runtime) {
  const facets = await storageOf(rt).traineeFacets();
  return { sites: facets.sites, departments: facets.departments, cohorts: facets.cohorts, months: facets.hireMonths };
}

const SORTS: readonly PeopleSort[] = ['name', 'site', 'status', 'exam', 'progress'];

/** One page of the people table for the query's filters, search, sort and page. */
export async function peopleTableView(rt: Runtime, _user: UserRecord, query: URLSearchParams, now: Date) {
  const selection = selectionFrom(query, now, false);
  const filters = filtersFrom(query);
  const asked = query.get('sort') ?? '';
  const sort: PeopleSort = (SORTS as readonly string[]).includes(asked) ? (asked as PeopleSort) : 'name';
  const search = selection.q ?? '';
  const includeInactive = !!selection.includeInactive;
  const page = peoplePage(await peopleFacts(rt, now), { ...selection, sort, page: Number(query.get('page') ?? 1) || 1 });
  const cohorts = new Map((await storageOf(rt).traineeFacets()).cohorts.map((c) => [c.id, c.name]));
  // The list's export posts the same selection, so the CSV holds exactly the people listed.
  return { filters, status: selection.status?.is, sort, search, includeInactive, page, on: selectionWords(selection, (id) => cohorts.get(id)), exportFields: selectionFields(selection) };
}

/**
 * One trainee's full record, or undefined when there is no such trainee.
 * Opening it is a sensitive view, so it is logged (the audit entry is the one
 * write this read makes, on purpose: docs/SECURITY.md "Accountability").
 */
export async function personView(rt: Runtime, user: UserRecord, id: string, now: Date) {
  const store = storageOf(rt);
  const person = await store.getUser(id);
  if (!person || person.role !== 'trainee') return undefined;
  await store.appendAudit({ at: now.toISOString(), actorId: user.id, action: 'view.sensitive', targetId: person.id });
  return { person, items: await personTimeline(rt, person, now) };
}

const TABS = [['all', '全部'], ['expiring', `${EXPIRING_DAYS} 天内到期`], ['expired', '已过期'], ['revoked', '已撤销']] as const;

/** The most certificates one bulk print file holds: a browser prints 500 A4 pages in well under a minute; more are paged. */
export const BULK_PRINT_CAP = 500;

/**
 * The certificates the page's tab and HR filters pick, each with its holder's
 * site and department, and the tab and filters as query fields (shared by the
 * list and its bulk print).
 */
async function certificatesFor(rt: Runtime, query: URLSearchParams, now: Date) {
  const asked = query.get('view');
  const view: CertificateView = TABS.some(([k]) => k === asked) ? (asked as CertificateView) : 'all';
  const filters = filtersFrom(query);
  const certs = await certificateList(rt, view, now);
  const users = new Map((await storageOf(rt).listUsers({ includeInactive: true })).map((u) => [u.id, u]));
  const cohort = filters.cohortId ? new Set((await storageOf(rt).getCohort(filters.cohortId))?.traineeIds ?? []) : undefined;
  const rows = certs.flatMap((c) => {
    const u = users.get(c.userId);
    // The holder judged by the dashboard's own scope rule (a deleted holder matches no filter).
    if (!inScope({ site: u?.site, department: u?.department, hireDate: u?.hireDate, cohortIds: cohort?.has(c.userId) ? [filters.cohortId!] : [] }, filters)) return [];
    return [{ c, holder: u && { site: u.site, department: u.department } }];
  });
  const fields: Array<[string, string]> = [...(view === 'all' ? [] : [['view', view] as [string, string]]), ...filterFields(filters)];
  return { view, filters, rows, fields };
}

/** The certificates page: its tabs, the one asked for, the HR filters, and its certificates with each holder's site and department. */
export async function certificatesView(rt: Runtime, _user: UserRecord, query: URLSearchParams, now: Date) {
  const { view, filters, rows, fields } = await certificatesFor(rt, query, now);
  return { tabs: TABS, view, filters, certs: rows, printQuery: new URLSearchParams(fields).toString(), cap: BULK_PRINT_CAP };
}

/**
 * The bulk print file: the certificates the list's tab and filters pick, at
 * most BULK_PRINT_CAP of them (page `page` of them), each to print on its own page.
 */
export async function bulkCertificatesView(rt: Runtime, _user: UserRecord, query: URLSearchParams, now: Date) {
  const { view, filters, rows, fields: base } = await certificatesFor(rt, query, now);
  const pages = Math.max(1, Math.ceil(rows.length / BULK_PRINT_CAP));
  const page = Math.min(Math.max(1, Math.floor(Number(query.get('page') ?? 1)) || 1), pages);
  const shown = rows.slice((page - 1) * BULK_PRINT_CAP, page * BULK_PRINT_CAP).map((r) => r.c);
  const pageLink = (n: number) => `?${new URLSearchParams([...base, ['page', String(n)]])}`;
  const tab = TABS.find(([k]) => k === view)![1];
  return {
    certs: shown,
    total: rows.length,
    page,
    pages,
    cap: BULK_PRINT_CAP,
    tab,
    filters,
    back: `/hr/certificates${base.length ? `?${new URLSearchParams(base)}` : ''}`,
    prev: page > 1 ? pageLink(page - 1) : undefined,
    next: page < pages ? pageLink(page + 1) : undefined,
    org: (await storageOf(rt).getOrg()).name,
    verifyLink: (code: string) => verifyLink(rt, code),
  };
}
