import type { APIRoute } from 'astro';
import { csvExport } from '../../app/hr-service';
import { readForm, refusal, postOnly, plainText, download } from '../../app/http';

/** Exports are posted (they are logged, and GET never writes): a GET is told so. */
export const GET: APIRoute = () => postOnly();

/** Certification status and scores as CSV (UTF-8 with BOM for Excel), honouring the posted dashboard filters; logged. */
export const POST: APIRoute = async ({ locals, request }) => {
  try {
    const { csv, name } = await csvExport(locals.runtime, locals.user!, await readForm(request), new Date());
    return download(csv, 'text/csv; charset=utf-8', name);
  } catch (e) {
    const r = refusal(e);
    if (!r) throw e;
    return plainText(r.status, r.message);
  }
};
