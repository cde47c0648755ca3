import type { APIRoute } from 'astro';
import { xapiExport } from '../../app/hr-service';
import { readForm, refusal, postOnly, plainText, download } from '../../app/http';
import { localDay } from '../../i18n';

/** Exports are posted (they are logged, and GET never writes): a GET is told so. */
export const GET: APIRoute = () => postOnly();

/** Learning records as xAPI 1.0.3 statements (docs/XAPI.md), honouring the posted dashboard filters; logged. */
export const POST: APIRoute = async ({ locals, request }) => {
  const now = new Date();
  try {
    const statements = await xapiExport(locals.runtime, locals.user!, await readForm(request), now);
    return download(JSON.stringify(statements, null, 2), 'application/json; charset=utf-8', `xapi-statements-${localDay(now)}.json`);
  } catch (e) {
    const r = refusal(e);
    if (!r) throw e;
    return plainText(r.status, r.message);
  }
};
