import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { defineMiddleware } from 'astro:middleware';
import { runtime } from './app/runtime';
import { SESSION_COOKIE, BEFORE_PASSWORD_CHANGE, decide, isHttps, isSameOrigin, routeFor } from './auth';
import { resolveRequestUser } from './app/account-service';
import { StoreUnavailableError, StoreWriteError } from './store';
import { t } from './i18n';
import { jsonError, safeNext } from './app/http';
import { contentSecurityPolicy, STRICT_CSP } from './auth/csp';
import { preloadIslands } from './app/preload';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * Pages are made per request, so they are compressed per request, when the
 * browser accepts it: brotli at quality 5 (module 3, 25.8 KB: 8.1 KB in about
 * 1.1 ms; quality 4 gives 9.4 KB, gzip 9.2 KB), else gzip. Small bodies are not worth it.
 */
function encode(body: Buffer, acceptEncoding: string): { body: Buffer; encoding?: 'br' | 'gzip' } {
  if (body.length < 1024) return { body };
  if (/\bbr\b/.test(acceptEncoding)) {
    return { body: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }), encoding: 'br' };
  }
  if (/\bgzip\b/.test(acceptEncoding)) return { body: gzipSync(body, { level: 6 }), encoding: 'gzip' };
  return { body };
}

/**
 * HSTS, for responses a browser got over https. This server speaks plain http
 * (scripts/serve.mjs), so that means through a TLS-terminating proxy that is
 * trusted (TRUST_PROXY) and says X-Forwarded-Proto: https, the rule of the
 * Secure cookie. The request URL's protocol is not asked: Astro builds it from
 * X-Forwarded-Proto whoever sent it.
 */
const HSTS = 'max-age=31536000; includeSubDomains';

/** Adds the security headers; HTML gets a CSP with hashes of its own inline scripts, a charset, and is compressed when accepted. */
async function secure(response: Response, mutating: boolean, signedIn: boolean, https: boolean, acceptEncoding: string): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  let out = response;
  if (type.startsWith('text/html') && response.body) {
    // The page is scanned as its UTF-8 bytes one character per byte (latin1) instead of
    // being decoded and encoded again: everything the scans look for (<script>, </head>,
    // island attributes) is ASCII, and a multi-byte character's bytes are never ASCII,
    // so the matches are the same; the CSP hashes the scripts' bytes (see PageEncoding).
    const bytes = Buffer.from(await response.arrayBuffer());
    const page = bytes.toString('latin1');
    const withPreloads = preloadIslands(page);
    const plain = withPreloads === page ? bytes : Buffer.from(withPreloads, 'latin1');
    const { body, encoding } = encode(plain, acceptEncoding);
    out = new Response(body as Uint8Array<ArrayBuffer>, { status: response.status, statusText: response.statusText, headers: response.headers });
    out.headers.set('Content-Length', String(body.length));
    out.headers.set('Vary', 'Accept-Encoding');
    if (encoding) out.headers.set('Content-Encoding', encoding);
    out.headers.set('Content-Security-Policy', contentSecurityPolicy(withPreloads, 'latin1'));
  } else {
    out = new Response(response.body, response);
    out.headers.set('Content-Security-Policy', STRICT_CSP);
  }
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) out.headers.set(k, v);
  // Astro sends bare `text/html`; the pages are UTF-8 (Chinese), so say so rather than leave it to sniffing.
  if (type.startsWith('text/html') && !/charset=/i.test(type)) out.headers.set('Content-Type', 'text/html; charset=utf-8');
  if (https) out.headers.set('Strict-Transport-Security', HSTS);
  if (signedIn || mutating) out.headers.set('Cache-Control', 'no-store');
  return out;
}

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

  const isApi = url.pathname.startsWith('/api/');
  let response: Response;
  let user: Awaited<ReturnType<typeof resolveRequestUser>>;
  try {
    user = await resolveRequestUser(rt, cookies.get(SESSION_COOKIE)?.value, new Date());
    if (user) context.locals.user = user;
    const decision = decide(url.pathname, user);
    if (user?.mustChangePassword && !BEFORE_PASSWORD_CHANGE.has(routeFor(url.pathname) ?? '')) {
      // An admin chose this password: nothing else until the person chooses their own.
      if (isApi) response = jsonError(403, t.errors.mustChangePassword);
      else response = context.redirect(request.method === 'GET' ? `/account/password?next=${encodeURIComponent(url.pathname + url.search)}` : '/account/password', 303);
    } else if (isApi && decision !== 'allow') {
      const [status, message] = decision === 'login' ? [401, '请先登录'] : decision === 'forbidden' ? [403, '无权访问'] : [404, '接口不存在'];
      response = jsonError(status, message);
    } else if (decision === 'login') {
      response = context.redirect(`/login?next=${encodeURIComponent(safeNext(url.pathname + url.search, '/', rt.config.siteOrigin))}`, 303);
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
    // The store refused a write (disk full …) or cannot be reached at all (PostgreSQL down): 503, and the next request tries again.
    if (e instanceof StoreWriteError) {
      const message = e instanceof StoreUnavailableError ? t.errors.storeDown : t.errors.storeUnavailable;
      return isApi ? jsonError(503, message) : text(503, message);
    }
    throw e;
  }
  const https = isHttps(request.headers, 'http:', rt.config.trustProxy);
  return secure(response, MUTATING.has(request.method), !!user, https, request.headers.get('accept-encoding') ?? '');
});
