import { isIP } from 'node:net';

/**
 * How many reverse proxies stand in front of the server, from TRUST_PROXY:
 * unset, empty, `0` or `false`: none (the client address is the socket's, and
 * every X-Forwarded-* header is ignored); `true` or `1`: one; `2`, `3` …: that
 * many, each appending the address it was reached from to X-Forwarded-For.
 * Anything else is a configuration error (thrown at start).
 */
export function parseTrustProxy(value: string | undefined): number {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return 0;
  if (v === 'true') return 1;
  if (/^[1-9]\d?$/.test(v)) return Number(v);
  throw new Error(`TRUST_PROXY must be the number of reverse proxies in front of the server (1, 2 …), true (one) or false, not "${value}"`);
}

/**
 * An IP address in one spelling: IPv4 as is, IPv6 compressed and lower case,
 * an IPv4-mapped IPv6 address (::ffff:192.0.2.1) as its IPv4 address; a port
 * (192.0.2.1:5000, [2001:db8::1]:5000) and an IPv6 zone are dropped.
 * Undefined for anything that is not an address.
 */
export function normaliseAddress(raw: string | undefined): string | undefined {
  let a = (raw ?? '').trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(a);
  if (bracketed) a = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.replace(/%[\w.-]+$/, '');
  const kind = isIP(a);
  if (kind === 4) return a;
  if (kind !== 6) return undefined;
  const v6 = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return v6;
}

/**
 * The address of the client: the socket's peer when no proxy is trusted;
 * behind `hops` trusted proxies, the right-most untrusted hop of
 * X-Forwarded-For (the socket is the nearest proxy, and each proxy appends
 * the address it was reached from, so the entry `hops` from the right end of
 * socket-and-header is the first one no trusted proxy vouches for). Entries
 * left of it were written by the client and are never read. A header shorter
 * than the proxy chain gives its left-most entry; a malformed entry where the
 * client should be gives the nearest well-formed address to its right (a
 * proxy), never one further left.
 */
export function clientAddress(socket: string | undefined, forwardedFor: string | null | undefined, hops: number): string {
  const peer = normaliseAddress(socket) ?? 'unknown';
  if (hops <= 0 || !forwardedFor) return peer;
  const chain = forwardedFor.split(',').slice(-hops);
  for (let i = 0; i < chain.length; i++) {
    const a = normaliseAddress(chain[i]);
    if (a) return a;
  }
  return peer;
}

/**
 * What a per-address limit counts: an IPv4 address, or an IPv6 address's
 * /64 network (one household or host is usually given a whole /64, so counting
 * single IPv6 addresses would let one client take 2⁶⁴ of them).
 */
export function addressBucket(address: string): string {
  if (!address.includes(':')) return address;
  const full = expandV6(address);
  return full ? `${full.slice(0, 4).join(':')}::/64` : address;
}

function expandV6(a: string): string[] | undefined {
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (a.includes('::')) return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return h.length === 8 ? h : undefined;
}

/**
 * The client address of a request to a page or endpoint, from what the server
 * (scripts/serve.mjs) put in `locals.socketAddress`. Astro's own
 * `clientAddress` is never read: @astrojs/node takes it from the first
 * X-Forwarded-For entry whatever TRUST_PROXY says, so any client could choose it.
 * Without `socketAddress` (astro dev), a request carrying X-Forwarded-For
 * counts as one shared "unknown" client rather than as the address it claims.
 */
export function requestAddress(ctx: { request: Request; locals: { socketAddress?: string }; clientAddress: string }, hops: number): string {
  const forwarded = ctx.request.headers.get('x-forwarded-for');
  const socket = ctx.locals.socketAddress ?? (forwarded ? 'unknown' : ctx.clientAddress);
  return clientAddress(socket, forwarded, hops);
}
