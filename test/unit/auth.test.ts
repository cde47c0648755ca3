import { describe, it, expect } from 'vitest';
import { openStore } from '../../src/store';
import { bootstrap, BootstrapError, DEMO_PASSWORD } from '../../src/people';
import { signIn, signOut, resolveSession, hashToken, IDLE_TIMEOUT_MS, ABSOLUTE_TIMEOUT_MS } from '../../src/auth';
import { tempDir } from './helpers';

const NOW = new Date('2026-11-28T08:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('bootstrap of an empty store', () => {
  it('seeds the demo company with one account per role outside production', async () => {
    const store = await openStore(tempDir());
    expect(await bootstrap(store, { production: false }, NOW.toISOString())).toBe('demo');
    const roles = new Set((await store.listUsers()).map((u) => u.role));
    expect([...roles].sort()).toEqual(['admin', 'hr', 'trainee', 'trainer']);
    expect((await store.getOrg()).sites).toHaveLength(2);
    expect(await bootstrap(store, { production: false }, NOW.toISOString())).toBe('none');
    await store.close();
  });

  it('in production needs ADMIN_USERNAME/ADMIN_PASSWORD and seeds only that admin', async () => {
    const store = await openStore(tempDir());
    await expect(bootstrap(store, { production: true }, NOW.toISOString())).rejects.toThrow(BootstrapError);
    await expect(bootstrap(store, { production: true }, NOW.toISOString())).rejects.toThrow(/ADMIN_USERNAME and ADMIN_PASSWORD/);
    expect(await store.isEmpty()).toBe(true);
    expect(await bootstrap(store, { production: true, adminUsername: 'boss', adminPassword: 'a-long-secret-1' }, NOW.toISOString())).toBe('admin');
    expect((await store.listUsers()).map((u) => [u.username, u.role])).toEqual([['boss', 'admin']]);
    await store.close();
  });

  it('holds the first administrator from the environment to the password policy', async () => {
    const store = await openStore(tempDir());
    await expect(bootstrap(store, { production: true, adminUsername: 'boss', adminPassword: 'qwertyuiop123' }, NOW.toISOString())).rejects.toThrow(/这个密码太常见/);
    await expect(bootstrap(store, { production: true, adminUsername: 'administrator', adminPassword: 'Administrator' }, NOW.toISOString())).rejects.toThrow(/不能与用户名相同/);
    expect(await store.isEmpty()).toBe(true);
    await store.close();
  });

  it('seeds the demo accounts with the demo password, never forced to change it (the policy is for passwords being chosen)', async () => {
    const store = await openStore(tempDir());
    await bootstrap(store, { production: false }, NOW.toISOString());
    expect((await store.listUsers()).filter((u) => u.mustChangePassword)).toEqual([]);
    expect((await signIn(store, 'admin', DEMO_PASSWORD, NOW)).ok).toBe(true);
    await store.close();
  });
});

describe('sessions', () => {
  async function setup() {
    const store = await openStore(tempDir());
    await bootstrap(store, { production: false }, NOW.toISOString());
    return store;
  }

  it('signs in with a fresh session id each time and stores only its hash', async () => {
    const store = await setup();
    const a = await signIn(store, 'trainee', DEMO_PASSWORD, NOW);
    const b = await signIn(store, 'trainee', DEMO_PASSWORD, NOW);
    if (!a.ok || !b.ok) throw new Error('sign-in failed');
    expect(a.token).not.toBe(b.token);
    expect(await store.findSession(a.token)).toBeUndefined();
    expect(await store.findSession(hashToken(a.token))).toBeDefined();
    expect((await resolveSession(store, a.token, NOW))?.username).toBe('trainee');
    await store.close();
  });

  it('refuses wrong passwords, unknown and deactivated users alike', async () => {
    const store = await setup();
    expect(await signIn(store, 'trainee', 'nope', NOW)).toEqual({ ok: false });
    expect(await signIn(store, 'ghost', DEMO_PASSWORD, NOW)).toEqual({ ok: false });
    const u = (await store.getUserByUsername('sun.hao'))!;
    await store.updateUser(u.id, { active: false }, NOW.toISOString());
    expect(await signIn(store, 'sun.hao', DEMO_PASSWORD, NOW)).toEqual({ ok: false });
    await store.close();
  });

  it('ends sessions at logout, after idling and after the absolute limit', async () => {
    const store = await setup();
    const s = await signIn(store, 'trainee', DEMO_PASSWORD, NOW);
    if (!s.ok) throw new Error();
    await signOut(store, s.token);
    expect(await resolveSession(store, s.token, NOW)).toBeUndefined();

    const idle = await signIn(store, 'trainee', DEMO_PASSWORD, NOW);
    if (!idle.ok) throw new Error();
    expect(await resolveSession(store, idle.token, later(IDLE_TIMEOUT_MS + 1000))).toBeUndefined();

    const busy = await signIn(store, 'trainee', DEMO_PASSWORD, NOW);
    if (!busy.ok) throw new Error();
    // Active every hour, still cut off at the absolute limit.
    for (let h = 1; h * 3_600_000 < ABSOLUTE_TIMEOUT_MS; h++) expect(await resolveSession(store, busy.token, later(h * 3_600_000))).toBeDefined();
    expect(await resolveSession(store, busy.token, later(ABSOLUTE_TIMEOUT_MS + 1000))).toBeUndefined();
    await store.close();
  });
});
