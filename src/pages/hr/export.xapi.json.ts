import type { APIRoute } from 'astro';
import { xapiExport } from '../../app/hr-service';

/** Learning records as xAPI 1.0.3 statements (docs/XAPI.md), honouring the dashboard filters; logged. */
export const GET: APIRoute = async ({ locals, url }) => {
  const now = new Date();
  const statements = await xapiExport(locals.runtime, locals.user!, url.searchParams, now);
  return new Response(JSON.stringify(statements, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="xapi-statements-${now.toISOString().slice(0, 10)}.json"`, 'Cache-Control': 'no-store' },
  });
};
