import type { HrFilters } from '../hr';

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
