/**
 * CSRF defence for every state-changing request: the browser's Origin (or,
 * failing that, Referer) must be this site. "This site" is the Host the client
 * used, plus X-Forwarded-Host/-Proto when TRUST_PROXY is set, plus any origins
 * listed in PUBLIC_ORIGIN. Requests carrying neither header are refused:
 * every browser since 2020 sends Origin on POST.
 */
export function isSameOrigin(headers: Headers, opts: { trustProxy: boolean; publicOrigins: string[]; protocol: string }): boolean {
  const claimed = headers.get('origin') ?? originOf(headers.get('referer'));
  if (!claimed || claimed === 'null') return false;
  if (headers.get('sec-fetch-site') === 'cross-site') return false;
  const allowed = new Set(opts.publicOrigins.map((o) => o.replace(/\/+$/, '')));
  const host = headers.get('host');
  if (host) allowed.add(`${opts.protocol}//${host}`);
  if (opts.trustProxy) {
    const fHost = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || host;
    const fProto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
    if (fHost) allowed.add(`${fProto ? `${fProto}:` : opts.protocol}//${fHost}`);
  }
  return allowed.has(claimed);
}

function originOf(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Whether the client reached us over https (directly, or through a trusted TLS-terminating proxy). */
export function isHttps(headers: Headers, protocol: string, trustProxy: boolean): boolean {
  if (protocol === 'https:') return true;
  return trustProxy && headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
