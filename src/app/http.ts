// Raw characters none of our own paths holds, which browsers drop or reinterpret
// (a tab or newline is removed, a backslash read as a slash): controls, format
// characters (zero-width, bidi), every kind of space, backslash. A `next` with
// one is refused, not repaired.
const UNSAFE_IN_NEXT = /[\p{Cc}\p{Cf}\p{Z}\\]/u;
const MAX_NEXT = 2048;

/**
 * Where to go after signing in. `next` is parsed as a URL against the site's
 * own origin and kept only when it stays on that origin; the answer is the
 * parsed path, query and fragment, percent-encoded ASCII and so always a valid
 * Location header. Anything else (`//host`, `/\host`, `/%09/host`, `https://other`,
 * `javascript:`, control characters, spaces, over 2 KB) gives `fallback`.
 */
export function safeNext(next: string | null | undefined, fallback: string, origin: string): string {
  if (!next || next.length > MAX_NEXT || !next.startsWith('/') || UNSAFE_IN_NEXT.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  const target = url.pathname + url.search + url.hash;
  // `/.//host` normalises to `//host`, which a browser reads as another host.
  return target.length <= MAX_NEXT && /^\/(?![/\\])[\x21-\x7e]*$/.test(target) ? target : fallback;
}

/** A refused request with its HTTP status; the domain errors of ./errors are these too, their status given by `statusFor`. */
export class BadRequest extends Error {
  constructor(
    message: string,
    public readonly status = 400,
    /** A domain error's stable code (./errors), for clients of the JSON APIs. */
    public readonly code?: string,
  ) {
    super(message);
  }
}

/** What kind of refusal a domain error is (./errors). */
export type RefusalKind = 'invalid' | 'forbidden' | 'not-found' | 'conflict';

const STATUS: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409 };

/** The one mapping from a domain error's kind to its HTTP status. */
export const statusFor = (kind: RefusalKind): number => STATUS[kind];

/**
 * How a page or API answers a thrown error: the status and Chinese message of
 * a refusal (a domain error or a BadRequest), or undefined for anything else,
 * which is a bug and is rethrown (500).
 */
export function refusal(e: unknown): { status: number; message: string; code?: string } | undefined {
  if (!(e instanceof BadRequest)) return undefined;
  return { status: e.status, message: e.message, ...(e.code ? { code: e.code } : {}) };
}

/**
 * Reads a request body as it streams, counting bytes, and throws 413 as soon
 * as it passes `maxBytes` — with or without Content-Length (chunked bodies are
 * never read whole before the check). A declared length over the limit is
 * refused before anything is read. The rest of a refused body is left unread:
 * scripts/serve.mjs closes a connection whose request was not read to the end.
 */
export async function readBody(request: Request, maxBytes: number, tooLarge = '提交的内容过大'): Promise<Uint8Array<ArrayBuffer>> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !(Number(declared) <= maxBytes)) throw new BadRequest(tooLarge, 413);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new BadRequest(tooLarge, 413);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads a form body (urlencoded or multipart), refusing bodies over `maxBytes` (413, while it streams) and non-form content (415). */
export async function readForm(request: Request, maxBytes = 64 * 1024): Promise<FormData> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(type)) throw new BadRequest('需要表单提交', 415);
  const bytes = await readBody(request, maxBytes);
  try {
    return await new Response(bytes, { headers: { 'Content-Type': type } }).formData();
  } catch {
    throw new BadRequest('表单格式不正确');
  }
}

export const nowIso = () => new Date().toISOString();

/** The Cache-Control value for answers no browser or proxy may keep (certificate checks: a revocation must show at once). */
export const NO_CACHING = 'no-store';

/** A JSON response (errors are `{ error: message }`). */
export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });

export const jsonError = (status: number, message: string) => json({ error: message }, status);

/**
 * Reads and validates a JSON body: 415 without a JSON content type, 413 over
 * `maxBytes` (while it streams), 400 for malformed JSON or a field of the wrong shape (named in
 * the message). Unknown fields are dropped by the schema, never trusted.
 */
export async function readJson<T>(request: Request, schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, maxBytes = 16 * 1024): Promise<T> {
  if (!/^application\/json\b/.test(request.headers.get('content-type') ?? '')) throw new BadRequest('需要 JSON 请求体（Content-Type: application/json）', 415);
  const text = new TextDecoder().decode(await readBody(request, maxBytes, '请求体过大'));
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BadRequest('请求体不是有效的 JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadRequest(`字段 ${issue.path.map(String).join('.') || '(根)'} 无效：${issue.message}`);
  }
  return parsed.data;
}

/** Runs an API handler, turning a refusal (`refusal`) into its 4xx JSON answer, with the domain error's code when it has one. */
export async function api(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (e) {
    const r = refusal(e);
    if (!r) throw e;
    return json({ error: r.message, ...(r.code ? { code: r.code } : {}) }, r.status);
  }
}

/**
 * The site's own address, for links that leave the page (certificates, QR
 * codes, xAPI ids) and as the origin redirect targets are parsed against: the
 * first PUBLIC_ORIGIN, else the address the server listens on (HOST and PORT,
 * with scripts/serve.mjs's defaults; a wildcard address as localhost). Never
 * the request's Host header, which any client can set.
 */
export function siteOrigin(publicOrigins: string[], listen: { host?: string; port?: string }): string {
  const configured = publicOrigins[0];
  if (configured) {
    let url: URL | undefined;
    try {
      url = new URL(configured);
    } catch {
      /* reported below */
    }
    if (!url || !/^https?:$/.test(url.protocol)) throw new Error(`PUBLIC_ORIGIN must start with the site's address such as https://kefu.example.com, not "${configured}"`);
    return url.origin;
  }
  const host = listen.host || '127.0.0.1';
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${listen.port || '4321'}`;
}

/** A plain-text answer in Chinese (refusals of non-HTML endpoints such as downloads). */
export const plainText = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });

/** 405 for a GET of an action that only a form may post (an export is logged, and GET never writes). */
export const postOnly = () => plainText(405, '请使用页面上的按钮提交（此地址只接受 POST）', { Allow: 'POST' });

/** A file to download (`name`), never kept by a cache. */
export const download = (body: string, type: string, name: string) =>
  new Response(body, { headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' } });
