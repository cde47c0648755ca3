// The accounts list of /admin: a search over name, user name, department and
// site with role and status filters, 50 a page, read one page at a time
// through the accounts port (never the whole table).
import { describe, it, expect } from 'vitest';
import { testRuntime, watchedRuntime } from './runtime-helper';
import { usersListView, usersQueryOf, usersHref, USERS_PER_PAGE } from '../../src/app/admin-view';

const NOW = new Date('2026-11-28T08:00:00Z');

async function company(extra: number) {
  const rt = await testRuntime(NOW);
  await rt.store.createUsers(
    Array.from({ length: extra }, (_, i) => ({ username: `staff.${String(i).padStart(3, '0')}`, displayName: `员工${i}`, role: 'trainee' as const, department: i % 2 ? '工程部' : '客服部', site: '测试园区', passwordHash: 'x', active: i % 10 !== 0 })),
    NOW.toISOString(),
  );
  const watched = watchedRuntime(rt);
  return { rt: watched.rt, calls: () => watched.calls.map((c) => c.name) };
}

describe('the accounts list of /admin', () => {
  it('pages 50 at a time with the total, and never reads every account', async () => {
    const { rt, calls } = await company(120);
    const first = await usersListView(rt, new URLSearchParams());
    const everyone = first.total;
    expect(everyone).toBeGreaterThan(120);
    expect(first.users).toHaveLength(USERS_PER_PAGE);
    expect([first.page, first.pages, first.prev, first.next]).toEqual([1, Math.ceil(everyone / 50), undefined, '/admin?page=2']);
    const last = await usersListView(rt, new URLSearchParams(`page=${first.pages}`));
    expect(last.users).toHaveLength(everyone - (first.pages - 1) * 50);
    expect(last.next).toBeUndefined();
    expect(last.prev).toBe(`/admin?page=${first.pages - 1}`);
    expect(calls()).not.toContain('listUsers');
  });

  it('searches and filters, and the paging links keep the filters', async () => {
    const { rt } = await company(120);
    const v = await usersListView(rt, new URLSearchParams('q=工程&status=active&site=测试园区'));
    // 60 in 工程部, the odd ones; every tenth (even) is inactive, so none of them.
    expect(v.total).toBe(60);
    expect(v.users.every((u) => u.department === '工程部' && u.active)).toBe(true);
    expect(Object.fromEntries(new URL(v.next!, 'http://x').searchParams)).toEqual({ q: '工程', site: '测试园区', status: 'active', page: '2' });
    expect((await usersListView(rt, new URLSearchParams('q=测试园&status=inactive'))).total).toBe(12);
    const inactive = await usersListView(rt, new URLSearchParams('q=STAFF.0&status=inactive&role=trainee'));
    expect(inactive.users.map((u) => u.username)).toEqual(['staff.000', 'staff.010', 'staff.020', 'staff.030', 'staff.040', 'staff.050', 'staff.060', 'staff.070', 'staff.080', 'staff.090']);
    expect((await usersListView(rt, new URLSearchParams('q=李晓婷'))).users.map((u) => u.username)).toEqual(['li.xiaoting']);
  });

  it('reads unknown or hostile query values as "any" or page 1', () => {
    expect(usersQueryOf(new URLSearchParams('role=root&status=gone&page=-3'))).toEqual({ text: '', role: undefined, site: undefined, status: 'all', page: 1 });
    expect(usersQueryOf(new URLSearchParams('page=abc')).page).toBe(1);
    expect(usersQueryOf(new URLSearchParams(`q=${'x'.repeat(500)}`)).text).toHaveLength(50);
    expect(usersHref(usersQueryOf(new URLSearchParams('q=a b&role=hr&page=3')), 1)).toBe('/admin?q=a+b&role=hr');
  });
});
