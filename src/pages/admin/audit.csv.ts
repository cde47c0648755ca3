import type { APIRoute } from 'astro';
import { auditCsvExport } from '../../app/audit-log';

/** The audit log as the page filters it, every page of it, as CSV (UTF-8 with BOM for Excel); the export is itself audited. */
export const GET: APIRoute = async ({ locals, url }) => {
  const r = await auditCsvExport(locals.runtime, locals.user!, url.searchParams, new Date());
  if ('problem' in r) return new Response(r.problem, { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  return new Response(r.csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${r.name}"`, 'Cache-Control': 'no-store' },
  });
};
