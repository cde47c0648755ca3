import type { HrFilters } from '../hr';

/** Reads the dashboard filters from a query string (unknown values are ignored). */
export function filtersFrom(q: URLSearchParams): HrFilters {
  const month = q.get('hireMonth') ?? '';
  return {
    site: q.get('site') || undefined,
    department: q.get('department') || undefined,
    cohortId: q.get('cohort') || undefined,
    hireMonth: /^\d{4}-\d{2}$/.test(month) ? month : undefined,
  };
}

/** The same filters as a query string, for links to the table and the exports. */
export function filterQuery(f: HrFilters): string {
  const p = new URLSearchParams();
  if (f.site) p.set('site', f.site);
  if (f.department) p.set('department', f.department);
  if (f.cohortId) p.set('cohort', f.cohortId);
  if (f.hireMonth) p.set('hireMonth', f.hireMonth);
  const s = p.toString();
  return s ? `?${s}` : '';
}
