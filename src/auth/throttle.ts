/**
 * Sliding-window failure counter for sign-in: per account name and per client
 * address. Kept in memory (one process); counts the same whether or not the
 * account exists, so it reveals nothing.
 */
export class Throttle {
  private failures = new Map<string, number[]>();
  constructor(private readonly limit: number, private readonly windowMs: number) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until another try is allowed, 0 when allowed now. */
  retryAfter(key: string, now: number): number {
    const list = this.recent(key, now);
    return list.length < this.limit ? 0 : this.windowMs - (now - list[0]!);
  }

  fail(key: string, now: number) {
    this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 50_000) this.failures.delete(this.failures.keys().next().value!);
  }

  reset(key: string) {
    this.failures.delete(key);
  }
}

export const accountThrottle = new Throttle(5, 15 * 60 * 1000);
export const addressThrottle = new Throttle(30, 15 * 60 * 1000);
/** Public certificate look-ups per address: enough for a person, too few to enumerate codes. */
export const verifyThrottle = new Throttle(30, 10 * 60 * 1000);
