import type { Counter } from './ports';

/**
 * A counter with one more hit at `now`: a missing or expired one starts at 1;
 * it expires `quietMs` after the last hit, and never later than `spanMs` after
 * the first. Every RateLimiterPort adapter counts this way (the contract suite checks it).
 */
export function bumpCounter(c: Counter | undefined, key: string, kind: { quietMs: number; spanMs: number }, now: number): Counter {
  const live = c && c.expires > now ? c : undefined;
  const first = live?.first ?? now;
  return { key, count: (live?.count ?? 0) + 1, first, last: now, expires: Math.min(now + kind.quietMs, first + kind.spanMs) };
}
