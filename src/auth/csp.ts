import { createHash } from 'node:crypto';

/**
 * How the page text handed to contentSecurityPolicy is held: 'utf8' is an
 * ordinary string; 'latin1' is the page's UTF-8 bytes one character per byte
 * (Buffer#toString('latin1')), which the middleware scans without decoding.
 * The hash is always of the script's UTF-8 bytes, as browsers compute it.
 */
export type PageEncoding = 'utf8' | 'latin1';

const caches: Record<PageEncoding, Map<string, string>> = { utf8: new Map(), latin1: new Map() };
const hash = (s: string, encoding: PageEncoding) => {
  const cache = caches[encoding];
  let h = cache.get(s);
  if (!h) {
    h = `'sha256-${createHash('sha256').update(s, encoding).digest('base64')}'`;
    if (cache.size < 200) cache.set(s, h);
  }
  return h;
};

/**
 * The Content-Security-Policy for an HTML page: scripts only from this site,
 * plus the page's own inline scripts (Astro's island loader) allowed by their
 * SHA-256 hash, so injected markup can never run script.
 */
export function contentSecurityPolicy(html: string, encoding: PageEncoding = 'utf8'): string {
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) if (m[1]) hashes.add(hash(m[1], encoding));
  return [
    "default-src 'self'",
    `script-src 'self'${[...hashes].map((h) => ` ${h}`).join('')}`,
    // Inline style attributes carry computed widths (bars, meters); styles cannot run script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** For responses that are not HTML (JSON, CSV, SSE): nothing may run or frame them. */
export const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
