import { defineMiddleware } from 'astro:middleware';
import { runtime } from './app/runtime';
import { SESSION_COOKIE, decide, isSameOrigin, resolveSession } from './auth';
import { StoreWriteError } from './store';
import { t } from './i18n';
import { jsonError } from './app/http';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'",
  'X-Frame-Options': 'DENY',
};

const text = (status: number, message: string) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

export const onRequest = defineMiddleware(async (context, next) => {
  let rt;
  try {
    rt = await runtime();
  } catch (e: any) {
    console.error(`\n[fatal] cannot start: ${e.message}\n`);
    process.exit(1);
  }
  context.locals.runtime = rt;
  const { request, url, cookies } = context;

  if (MUTATING.has(request.method) && !isSameOrigin(request.headers, { ...rt.config, protocol: url.protocol })) {
    return text(403, t.errors.crossSite);
  }

  const user = await resolveSession(rt.store, cookies.get(SESSION_COOKIE)?.value, new Date()).catch(() => undefined);
  if (user) context.locals.user = user;

  const decision = decide(url.pathname, user);
  const isApi = url.pathname.startsWith('/api/');
  let response: Response;
  try {
    if (isApi && decision !== 'allow') {
      const [status, message] = decision === 'login' ? [401, '请先登录'] : decision === 'forbidden' ? [403, '无权访问'] : [404, '接口不存在'];
      response = jsonError(status, message);
    } else if (decision === 'login') {
      response = context.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    } else if (decision === 'forbidden') {
      response = await context.rewrite('/403');
      response = new Response(response.body, { status: 403, headers: response.headers });
    } else if (decision === 'not-found') {
      response = await context.rewrite('/404');
      response = new Response(response.body, { status: 404, headers: response.headers });
    } else {
      response = await next();
    }
  } catch (e) {
    if (e instanceof StoreWriteError) return isApi ? jsonError(503, t.errors.storeUnavailable) : text(503, t.errors.storeUnavailable);
    throw e;
  }
  try {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
    if (user || MUTATING.has(request.method)) response.headers.set('Cache-Control', 'no-store');
  } catch {
    // Immutable headers (a platform redirect): copy into a fresh response.
    response = new Response(response.body, response);
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) response.headers.set(k, v);
  }
  return response;
});
