import { createHash } from 'node:crypto';
import { bumpCounter, type Counter, type RateLimiterPort } from '../store';

/**
 * At most `limit` failures per key in a window of `windowMs` from the first,
 * counted in storage's rate limiter: persisted, and on PostgreSQL shared by
 * every server, so a second server or a restart gives nobody fresh tries.
 * Keys are hashed like the sign-in counters (no readable names or addresses).
 */
export class WindowThrottle {
  constructor(
    private readonly counters: RateLimiterPort,
    private readonly kind: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  private key(id: string) {
    return `${this.kind}:${createHash('sha256').update(id).digest('base64url').slice(0, 22)}`;
  }

  /** Milliseconds until another try is allowed, 0 when allowed now. */
  async retryAfter(id: string, now: number): Promise<number> {
    const [c] = await this.counters.read([this.key(id)], now);
    return c && c.count >= this.limit ? c.expires - now : 0;
  }

  async fail(id: string, now: number): Promise<void> {
    await this.counters.add([{ key: this.key(id), quietMs: this.windowMs, spanMs: this.windowMs }], now);
  }

  async reset(id: string): Promise<void> {
    await this.counters.remove(this.key(id));
  }
}

/** Public certificate look-ups per address: enough for a person, too few to enumerate codes. */
export const verifyThrottle = (storage: { limiter: RateLimiterPort }) => new WindowThrottle(storage.limiter, 'verify', 30, 10 * 60 * 1000);

// ---------------------------------------------------------------------------
// Sign-in: slowed down, never locked (OWASP Authentication Cheat Sheet,
// "Account lockout" vs. throttling).
//
// Four counters of failed sign-ins, all kept whether or not the account exists:
//   pair     account + address   5 failures free, then a wait that doubles
//   address  any account         30 failures free, then a wait that doubles
//   account  any address         counted only: 10 or more means the account is under attack
//   site     everything          counted only: 100 or more in 15 minutes means the site is
// The wait after the n-th failure, once n reaches the limit, is 15 s × 2^(n − limit),
// at most 15 minutes: 15 s, 30 s, 1 min, 2, 4, 8, then 15 min for every further failure.
// While the account (or the site) is under attack, the pair limit drops to 1:
// every address waits 15 s after its first failure on that account, 30 s after
// its second, and so on. Nothing ever stops a first try from an address that
// has not failed, and the account-wide counter never makes anyone wait by
// itself, so an attacker cannot keep the real user out: the right password
// from the user's own address goes through at once, or after their own typos'
// wait (15 s after one typo while under attack). A correct sign-in clears its pair.
// ---------------------------------------------------------------------------

export const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const BASE_DELAY_MS = 15 * SECOND;
export const MAX_DELAY_MS = 15 * MINUTE;

interface Kind {
  /** Failures after which each further try waits (0: never waits; it is only counted). */
  limit: number;
  /** Forgotten this long after its last failure … */
  quietMs: number;
  /** … or this long after its first. */
  spanMs: number;
}
export const KINDS = {
  pair: { limit: 5, quietMs: HOUR, spanMs: 24 * HOUR },
  address: { limit: 30, quietMs: 15 * MINUTE, spanMs: 24 * HOUR },
  account: { limit: 0, quietMs: HOUR, spanMs: 24 * HOUR },
  site: { limit: 0, quietMs: 15 * MINUTE, spanMs: 15 * MINUTE },
} satisfies Record<string, Kind>;
type KindName = keyof typeof KINDS;
/** Failures on one account (any address) at which it counts as under attack. */
export const ACCOUNT_ATTACK = 10;
/** Failures on the whole site within 15 minutes at which every account counts as under attack. */
export const SITE_ATTACK = 100;
/** Pair limit while under attack. */
export const ATTACK_PAIR_LIMIT = 1;
/** Most counters kept; past it the oldest go (see store.putThrottles). */
export const MAX_ENTRIES = 20_000;

/** The wait after the `failures`-th failure under a counter with this `limit` (0: counting only). */
export function delayAfter(failures: number, limit: number): number {
  if (limit <= 0 || failures < limit) return 0;
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(failures - limit, 16));
}

/** A failure counter: `count` failures, the first and last at these times (ms), forgotten at `expires`. */
export type { Counter } from '../store';
/** Where the counters live: storage's rate limiter (one process or, on PostgreSQL, every server), or memory in tests. */
export type CounterStore = RateLimiterPort;
/** A counter with one more failure at `now` (see bumpCounter). */
export const bump = bumpCounter;

/** Keys are hashes: what was typed as a user name (sometimes a password) and addresses are not kept readable. */
const keyOf = (kind: KindName, ...parts: string[]) => `${kind}:${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22)}`;

/** The sign-in throttle over a CounterStore. */
export class SignInThrottle {
  /** Attempts being checked right now, per key: counted as failures until they end, so parallel guesses cannot all pass before the first is counted. */
  private inFlight = new Map<string, number>();
  constructor(private readonly counters: CounterStore) {}

  private keys(account: string, address: string): Record<KindName, string> {
    const name = account.trim().toLowerCase();
    return { pair: keyOf('pair', name, address), address: keyOf('address', address), account: keyOf('account', name), site: keyOf('site') };
  }

  private waitFor(c: Counter | undefined, key: string, limit: number, now: number): number {
    const pending = this.inFlight.get(key) ?? 0;
    const count = (c?.count ?? 0) + pending;
    const delay = delayAfter(count, limit);
    if (!delay) return 0;
    // Attempts still running have not failed yet: they would wait from now.
    return Math.max(0, (pending ? now : c!.last) + delay - now);
  }

  /**
   * Starts a sign-in attempt. `wait` > 0: refuse it (milliseconds until a try
   * is allowed; nothing is counted). Otherwise check the password, then call
   * `done` once: with whether it was right (null: the check itself failed,
   * nothing is counted); it returns the wait before the next try (0 after a success).
   */
  async begin(account: string, address: string, now: number): Promise<{ wait: number; done: (ok: boolean | null, at: number) => Promise<number> }> {
    const keys = this.keys(account, address);
    const found = new Map((await this.counters.read(Object.values(keys), now)).map((c) => [c.key, c]));
    const count = (k: KindName) => found.get(keys[k])?.count ?? 0;
    const attacked = count('account') >= ACCOUNT_ATTACK || count('site') >= SITE_ATTACK;
    const wait = Math.max(
      this.waitFor(found.get(keys.pair), keys.pair, attacked ? ATTACK_PAIR_LIMIT : KINDS.pair.limit, now),
      this.waitFor(found.get(keys.address), keys.address, KINDS.address.limit, now),
    );
    if (wait > 0) return { wait, done: async () => wait };
    const held = [keys.pair, keys.address];
    for (const k of held) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    let ended = false;
    const done = async (ok: boolean | null, at: number) => {
      if (ended) return 0;
      ended = true;
      for (const k of held) {
        const n = (this.inFlight.get(k) ?? 1) - 1;
        if (n > 0) this.inFlight.set(k, n);
        else this.inFlight.delete(k);
      }
      if (ok === null) return 0;
      if (ok) {
        if (found.has(keys.pair)) await this.counters.remove(keys.pair);
        return 0;
      }
      return this.failed(keys, at);
    };
    return { wait: 0, done };
  }

  private async failed(keys: Record<KindName, string>, now: number): Promise<number> {
    const kinds = Object.keys(KINDS) as KindName[];
    const counted = await this.counters.add(kinds.map((k) => ({ key: keys[k], ...KINDS[k] })), now);
    const n = (k: KindName) => counted[kinds.indexOf(k)]!.count;
    const attacked = n('account') >= ACCOUNT_ATTACK || n('site') >= SITE_ATTACK;
    return Math.max(delayAfter(n('pair'), attacked ? ATTACK_PAIR_LIMIT : KINDS.pair.limit), delayAfter(n('address'), KINDS.address.limit));
  }
}

/** Counters in memory (tests). */
export function memoryCounters(): CounterStore & { size: () => number } {
  const m = new Map<string, Counter>();
  return {
    read: async (keys, now) => keys.flatMap((k) => (m.get(k) && m.get(k)!.expires > now ? [{ ...m.get(k)! }] : [])),
    add: async (failures, now) =>
      failures.map((f) => {
        const c = bump(m.get(f.key), f.key, f, now);
        m.set(f.key, c);
        return { ...c };
      }),
    remove: async (key) => void m.delete(key),
    size: () => m.size,
  };
}

const throttles = new WeakMap<RateLimiterPort, SignInThrottle>();
/** The sign-in throttle over this storage's counters (one per process, so attempts in flight are seen by all requests). */
export const signInThrottle = (storage: { limiter: RateLimiterPort }): SignInThrottle => {
  let t = throttles.get(storage.limiter);
  if (!t) throttles.set(storage.limiter, (t = new SignInThrottle(storage.limiter)));
  return t;
};
