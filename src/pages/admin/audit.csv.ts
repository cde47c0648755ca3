import type { APIRoute } from 'astro';
import { auditCsvDownload, exportByPostOnly } from '../../app/admin-view';

/** The audit log as the page filters it (the filters as form fields), as CSV (UTF-8 with BOM for Excel); the export is itself audited. */
export const POST: APIRoute = ({ locals, request }) => auditCsvDownload(locals.runtime, locals.user!, request, new Date());

/** Exporting writes an audit entry, and GET never writes: 405, pointing to the page's button. */
export const GET: APIRoute = () => exportByPostOnly();
