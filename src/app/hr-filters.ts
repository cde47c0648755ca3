import { EXPIRING_DAYS, PEOPLE_STATUSES, type HrFilters, type PeopleSelection, type PeopleStatus } from '../hr';
import { t } from '../i18n';

/** Where filters are read from: a query string (the pages) or a posted form (the exports). */
export interface FieldSource {
  get(name: string): unknown;
}

const text = (q: FieldSource, name: string): string => {
  const v = q.get(name);
  return typeof v === 'string' ? v : '';
};

/** Reads the dashboard filters from a query string or form (unknown values are ignored). */
export function filtersFrom(q: FieldSource): HrFilters {
  const month = text(q, 'hireMonth');
  return {
    site: text(q, 'site') || undefined,
    department: text(q, 'department') || undefined,
    cohortId: text(q, 'cohort') || undefined,
    hireMonth: /^\d{4}-\d{2}$/.test(month) ? month : undefined,
  };
}

/** The same filters as field names and values, for links to the table and the export forms' hidden fields. */
export function filterFields(f: HrFilters): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (f.site) out.push(['site', f.site]);
  if (f.department) out.push(['department', f.department]);
  if (f.cohortId) out.push(['cohort', f.cohortId]);
  if (f.hireMonth) out.push(['hireMonth', f.hireMonth]);
  return out;
}

/** The same filters as a query string, for links to the table. */
export function filterQuery(f: HrFilters): string {
  const s = new URLSearchParams(filterFields(f)).toString();
  return s ? `?${s}` : '';
}

/** The headline status asked for (`status=overdue` …), or undefined for an unknown one. */
export function statusFrom(q: FieldSource): PeopleStatus | undefined {
  const s = text(q, 'status');
  return (PEOPLE_STATUSES as readonly string[]).includes(s) ? (s as PeopleStatus) : undefined;
}

/**
 * Everything that picks the people of the table and its CSV export: the
 * filters, the headline status (judged at `now`), the search and whether
 * deactivated people are in (`inactive=1` / `inactive=0`; without it,
 * `inactiveByDefault`: the table hides them, the dashboard's export keeps them).
 */
export function selectionFrom(q: FieldSource, now: Date, inactiveByDefault: boolean): PeopleSelection {
  const status = statusFrom(q);
  const inactive = text(q, 'inactive');
  return {
    ...filtersFrom(q),
    q: text(q, 'q').slice(0, 40) || undefined,
    includeInactive: inactive === '1' ? true : inactive === '0' ? false : inactiveByDefault,
    status: status && { is: status, now },
  };
}

/** A selection as the fields of the list's export form (the same people as the list shows). */
export function selectionFields(sel: PeopleSelection): Array<[string, string]> {
  const out = filterFields(sel);
  if (sel.status) out.push(['status', sel.status.is]);
  if (sel.q) out.push(['q', sel.q]);
  out.push(['inactive', sel.includeInactive ? '1' : '0']);
  return out;
}

/** A headline status in words (the filter's option and the list's "当前筛选"). */
export const statusLabel = (s: PeopleStatus): string => (s === 'expiringSoon' ? t.hr.peopleStatus.expiringSoon(EXPIRING_DAYS) : t.hr.peopleStatus[s]);

/** The filters that are on, as (what, value) pairs in words, for the list's "当前筛选" line. */
export function selectionWords(sel: PeopleSelection, cohortName: (id: string) => string | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (sel.status) out.push([t.hr.statusLabel, statusLabel(sel.status.is)]);
  if (sel.site) out.push(['项目', sel.site]);
  if (sel.department) out.push(['部门', sel.department]);
  if (sel.cohortId) out.push(['班级', cohortName(sel.cohortId) ?? sel.cohortId]);
  if (sel.hireMonth) out.push(['入职月份', sel.hireMonth]);
  if (sel.q) out.push(['搜索', sel.q]);
  return out;
}
