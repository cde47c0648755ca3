import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { clientAddress, normaliseAddress, parseTrustProxy, addressBucket } from '../../src/auth/client-address';
import { SignInThrottle, WindowThrottle, verifyThrottle, memoryCounters, delayAfter, ACCOUNT_ATTACK, MAX_DELAY_MS } from '../../src/auth/throttle';
import { openStore, readStoreData } from '../../src/store';
import { tempDir } from './helpers';

const S = 1000;
const M = 60 * S;

describe('TRUST_PROXY', () => {
  it('is a hop count; true is one hop; unset, 0 and false trust nothing; anything else is refused', () => {
    for (const v of [undefined, '', '0', 'false', 'FALSE', ' 0 ']) expect(parseTrustProxy(v)).toBe(0);
    for (const v of ['1', 'true', 'True']) expect(parseTrustProxy(v)).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    for (const v of ['yes', '-1', '1.5', 'on', '01']) expect(() => parseTrustProxy(v)).toThrow(/TRUST_PROXY must be/);
  });
});

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('192.0.2.10', '203.0.113.5', 0)).toBe('192.0.2.10');
    expect(clientAddress('192.0.2.10', null, 0)).toBe('192.0.2.10');
    expect(clientAddress(undefined, '203.0.113.5', 0)).toBe('unknown');
  });

  it('behind trusted proxies is the right-most untrusted hop; entries a client added on the left are never read', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.5', 1)).toBe('203.0.113.5');
    expect(clientAddress('10.0.0.1', '1.1.1.1, 2.2.2.2,203.0.113.5', 1)).toBe('203.0.113.5');
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect(clientAddress('10.0.0.1', '1.1.1.1, 203.0.113.5, 10.0.0.2', 2)).toBe('203.0.113.5');
    // A header shorter than the chain: its left-most entry (written by a trusted proxy).
    expect(clientAddress('10.0.0.1', '203.0.113.5', 3)).toBe('203.0.113.5');
    // No header at all: the socket.
    expect(clientAddress('10.0.0.1', null, 1)).toBe('10.0.0.1');
    expect(clientAddress('10.0.0.1', '', 1)).toBe('10.0.0.1');
  });

  it('never falls back to a client-written entry when the one it wants is malformed', () => {
    for (const bad of ['unknown', '', ' ', '999.1.1.1', '203.0.113', 'x'.repeat(500), '<script>', '1.2.3.4.5', '::gg', '[::1']) {
      expect(clientAddress('10.0.0.1', `198.51.100.7, ${bad}`, 1)).toBe('10.0.0.1');
    }
    expect(clientAddress('10.0.0.1', '1.1.1.1, junk, 10.0.0.2', 2)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.1', ',,,', 1)).toBe('10.0.0.1');
  });

  it('spells IPv4, IPv6 and IPv4-mapped addresses one way, without ports or zones', () => {
    expect(normaliseAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normaliseAddress('[2001:db8::1]:8443')).toBe('2001:db8::1');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normaliseAddress('192.0.2.1:5000')).toBe('192.0.2.1');
    expect(normaliseAddress(' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(normaliseAddress('192.0.2.1:abc')).toBeUndefined();
    expect(clientAddress('::ffff:10.0.0.1', '2001:DB8::7', 1)).toBe('2001:db8::7');
    expect(clientAddress('::ffff:10.0.0.1', null, 1)).toBe('10.0.0.1');
  });

  it('counts an IPv6 client by its /64, an IPv4 client by its address', () => {
    expect(addressBucket('203.0.113.5')).toBe('203.0.113.5');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });

  it('is never taken from Astro.clientAddress (which reads X-Forwarded-For whatever TRUST_PROXY says)', () => {
    const files: string[] = [];
    const walk = (d: string) => readdirSync(d).forEach((n) => (statSync(path.join(d, n)).isDirectory() ? walk(path.join(d, n)) : files.push(path.join(d, n))));
    walk(path.resolve('src'));
    const readers = files.filter((f) => !f.endsWith('client-address.ts') && /clientAddress\b/.test(readFileSync(f, 'utf8')));
    expect(readers).toEqual([]);
  });
});

describe('sign-in delay schedule', () => {
  it('is free up to the limit, then 15 s doubling to at most 15 minutes', () => {
    expect([1, 2, 3, 4].map((n) => delayAfter(n, 5))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 12, 1000].map((n) => delayAfter(n, 5) / S)).toEqual([15, 30, 60, 120, 240, 480, 900, 900, 900]);
    expect(delayAfter(29, 30)).toBe(0);
    expect(delayAfter(30, 30)).toBe(15 * S);
    expect(delayAfter(1, 1)).toBe(15 * S);
    expect(delayAfter(1e6, 0)).toBe(0);
    expect(MAX_DELAY_MS).toBe(15 * M);
  });
});

describe('sign-in throttle', () => {
  const T0 = Date.parse('2026-12-01T08:00:00Z');
  async function fail(t: SignInThrottle, account: string, address: string, at: number) {
    const a = await t.begin(account, address, at);
    expect(a.wait).toBe(0);
    return a.done(false, at);
  }

  it('slows an account at one address after 5 failures, the same for unknown accounts, and clears on success', async () => {
    const t = new SignInThrottle(memoryCounters());
    for (const name of ['admin', 'no.such.person']) {
      const t1 = name === 'admin' ? T0 : T0 + 10;
      for (let i = 1; i <= 4; i++) expect(await fail(t, name, '203.0.113.5', t1 + i)).toBe(0);
      expect(await fail(t, name, '203.0.113.5', t1 + 5)).toBe(15 * S);
      expect((await t.begin(name, '203.0.113.5', t1 + 6)).wait).toBe(15 * S - 1);
      expect((await t.begin(name.toUpperCase(), '203.0.113.5', t1 + 6)).wait).toBe(15 * S - 1);
    }
    // After the wait, a right password goes through and clears the counter.
    const ok = await t.begin('admin', '203.0.113.5', T0 + 5 + 15 * S);
    expect(ok.wait).toBe(0);
    expect(await ok.done(true, T0 + 5 + 15 * S)).toBe(0);
    for (let i = 1; i <= 4; i++) expect(await fail(t, 'admin', '203.0.113.5', T0 + 20 * S + i)).toBe(0);
  });

  it("never stops the real user at another address, however many failures an attacker's address has", async () => {
    const t = new SignInThrottle(memoryCounters());
    let at = T0;
    for (let i = 0; i < 40; i++) {
      const probe = await t.begin('admin', '203.0.113.5', at);
      await probe.done(null, at);
      at += probe.wait + 1;
      await fail(t, 'admin', '203.0.113.5', at);
    }
    expect((await t.begin('admin', '203.0.113.5', at)).wait).toBeGreaterThan(0);
    expect((await t.begin('admin', '198.51.100.20', at)).wait).toBe(0);
  });

  it('against distributed guessing, every address waits after its first failure, yet a first try always goes through', async () => {
    const t = new SignInThrottle(memoryCounters());
    for (let i = 0; i < ACCOUNT_ATTACK; i++) await fail(t, 'admin', `203.0.113.${i}`, T0 + i);
    const real = await t.begin('admin', '198.51.100.20', T0 + M);
    expect(real.wait).toBe(0);
    // One typo by the real user now costs 15 s, not 5 tries.
    expect(await real.done(false, T0 + M)).toBe(15 * S);
    expect((await t.begin('admin', '198.51.100.20', T0 + M + 15 * S)).wait).toBe(0);
    // Other accounts keep their 5 free tries.
    for (let i = 1; i <= 4; i++) expect(await fail(t, 'trainer', '198.51.100.20', T0 + M + i)).toBe(0);
  });

  it('slows an address after 30 failures across account names', async () => {
    const t = new SignInThrottle(memoryCounters());
    for (let i = 1; i < 30; i++) expect(await fail(t, `guess.${i}`, '203.0.113.5', T0 + i)).toBe(0);
    expect(await fail(t, 'guess.30', '203.0.113.5', T0 + 30)).toBe(15 * S);
    expect((await t.begin('admin', '203.0.113.5', T0 + 31)).wait).toBeGreaterThan(0);
  });

  it('counts attempts still being checked, so parallel guesses cannot slip past the limit', async () => {
    const t = new SignInThrottle(memoryCounters());
    for (let i = 1; i <= 4; i++) await fail(t, 'admin', '203.0.113.5', T0 + i);
    const first = await t.begin('admin', '203.0.113.5', T0 + 10);
    expect(first.wait).toBe(0);
    expect((await t.begin('admin', '203.0.113.5', T0 + 10)).wait).toBeGreaterThan(0);
    await first.done(null, T0 + 11);
    expect((await t.begin('admin', '203.0.113.5', T0 + 12)).wait).toBe(0);
  });

  it('forgets a quiet account and address after an hour', async () => {
    const t = new SignInThrottle(memoryCounters());
    for (let i = 1; i <= 5; i++) await fail(t, 'admin', '203.0.113.5', T0 + i);
    expect((await t.begin('admin', '203.0.113.5', T0 + 59 * M)).wait).toBe(0);
    expect(await fail(t, 'admin', '203.0.113.5', T0 + 60 * M + 6)).toBe(0);
  });
});

describe('throttle counters in the store', () => {
  const NOW = Date.parse('2026-12-01T08:00:00Z');
  const kind = { quietMs: 60 * M, spanMs: 24 * 60 * M };

  it('persist, keep no readable names or addresses, and stay bounded however many names are tried', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { lock: false, maxCounters: 100 });
    const t = new SignInThrottle(store.limiter);
    for (let i = 0; i < 300; i++) {
      const a = await t.begin(`made.up.${i}`, `2001:db8::${i.toString(16)}`, NOW + i);
      await a.done(false, NOW + i);
    }
    await store.close();
    const data = readStoreData(dir);
    expect(data.throttles.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(data.throttles)).not.toMatch(/made\.up|2001:db8/);
    // The newest failures are kept: the last name is still counted after a reopen.
    const again = await openStore(dir, { lock: false, maxCounters: 100 });
    const counters = again.limiter;
    const t2 = new SignInThrottle(counters);
    for (let i = 0; i < 4; i++) await (await t2.begin('made.up.299', 'x', NOW + 1000 + i)).done(false, NOW + 1000 + i);
    expect((await t2.begin('made.up.299', 'x', NOW + 2000)).wait).toBeGreaterThan(0);
    await again.close();
  });

  it('drops expired counters first when over the bound', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { lock: false, maxCounters: 10 });
    const c = store.limiter;
    await c.add([{ key: 'old', ...kind }], NOW - 2 * 60 * M);
    for (let i = 0; i < 10; i++) await c.add([{ key: `k${i}`, ...kind }], NOW - 30 * M + i);
    const kept = readStoreData(dir).throttles.map((t) => t.key);
    expect(kept).not.toContain('old');
    expect(kept).toContain('k9');
    expect((await c.read(['k9'], NOW))[0]!.count).toBe(1);
    await store.close();
  });

  it('migrates a version-7 store with an empty list of counters', async () => {
    const dir = tempDir();
    const v7 = { schemaVersion: 7, logSeq: 0, org: { name: '', sites: [], departments: [] }, users: [], sessions: [], moduleProgress: [], checkAttempts: [], scenarioAttempts: [], scenarioPlays: [], examAttempts: [], certificates: [], waivers: [], audit: [], cohorts: [], liveSessions: [], observations: [] };
    writeFileSync(path.join(dir, 'db.json'), JSON.stringify(v7));
    const store = await openStore(dir, { lock: false });
    expect(store.migratedFrom).toBe(7);
    expect(await store.limiter.read(['x'], Date.now())).toEqual([]);
    await store.close();
    expect(readStoreData(dir).throttles).toEqual([]);
  });
});

describe('look-up and current-password throttles in the rate limiter', () => {
  const NOW = Date.parse('2026-12-01T08:00:00Z');

  it('count in storage: a restart (or a second server on the same limiter) gives nobody fresh tries', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { lock: false });
    for (let i = 0; i < 30; i++) await verifyThrottle(store).fail('203.0.113.7', NOW + i);
    expect(await verifyThrottle(store).retryAfter('203.0.113.7', NOW + 100)).toBeGreaterThan(0);
    expect(await verifyThrottle(store).retryAfter('203.0.113.8', NOW + 100)).toBe(0);
    await store.close();
    const again = await openStore(dir, { lock: false });
    const wait = await verifyThrottle(again).retryAfter('203.0.113.7', NOW + 1000);
    expect(wait).toBeGreaterThan(9 * 60 * 1000);
    // The window runs from the first failure: over once it has passed.
    expect(await verifyThrottle(again).retryAfter('203.0.113.7', NOW + 10 * 60 * 1000)).toBe(0);
    expect(JSON.stringify(readStoreData(dir).throttles)).not.toContain('203.0.113');
    await again.close();
  });

  it('allow exactly the limit, and reset clears one key only', async () => {
    const t = new WindowThrottle(memoryCounters(), 'x', 3, 60_000);
    for (let i = 0; i < 2; i++) await t.fail('a', NOW);
    expect(await t.retryAfter('a', NOW)).toBe(0);
    await t.fail('a', NOW);
    await t.fail('b', NOW);
    expect(await t.retryAfter('a', NOW + 1)).toBe(59_999);
    await t.reset('a');
    expect(await t.retryAfter('a', NOW + 1)).toBe(0);
    expect(await t.retryAfter('b', NOW + 1)).toBe(0);
  });
});
