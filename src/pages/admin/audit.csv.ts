import type { APIRoute } from 'astro';
import { toCsv } from '../../hr';
import { auditCsvRows, auditFiltersFrom, auditNames, filterAudit } from '../../app/audit-log';

/** The audit log as the page filters it, every page of it, as CSV (UTF-8 with BOM for Excel); the export is itself audited. */
export const GET: APIRoute = async ({ locals, url }) => {
  const rt = locals.runtime;
  const { filters, problem } = auditFiltersFrom(url.searchParams);
  if (problem) return new Response(problem, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  const rows = filterAudit(rt.store.listAudit(), auditNames(rt), filters);
  const { page, ...kept } = filters;
  void page;
  await rt.store.appendAudit({ at: new Date().toISOString(), actorId: locals.user!.id, action: 'export', targetId: 'audit-log.csv', details: { format: 'csv', rows: rows.length, filters: kept } });
  const name = `audit-log-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(toCsv(auditCsvRows(rows)), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
  });
};
