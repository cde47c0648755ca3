import type { APIRoute } from 'astro';
import { recordModuleOpened } from '../../../../app/trainee-view';
import { api } from '../../../../app/http';

/**
 * The module page reports that it was opened (its GET writes nothing). The
 * body is ignored (a beacon may send none); the Origin check in the middleware
 * applies as to every POST.
 */
export const POST: APIRoute = ({ params, locals }) =>
  api(async () => {
    await recordModuleOpened(locals.runtime, locals.user!, Number(params.chapter), new Date());
    return new Response(null, { status: 204 });
  });
