// Accounts against the built server: the password policy on the admin form,
// the change an admin-chosen password forces, a person's own change, resets,
// and a revoked certificate coming back only by its own action.
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, call, form, readDb, PASSWORD, type Server } from './helpers';

let server: Server;
let dir: string;
let admin: string;

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir); // with the demo activity: 李晓婷 holds a certificate
  admin = await login(server.base, 'admin', PASSWORD);
}, 60_000);

/** The password an admin gives a new account, and the one its owner then chooses. */
const GIVEN = 'Chushi-mima-7Q';
const OWN = 'Wode-xin-mima-3K';

const get = (cookie: string, url: string) => fetch(server.base + url, { redirect: 'manual', headers: { cookie } });
const user = async (username: string) => (await readDb(dir)).users.find((u: { username: string }) => u.username === username);
const signIn = (username: string, password: string) =>
  fetch(`${server.base}/login`, { method: 'POST', redirect: 'manual', headers: { Origin: server.base, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ username, password }) });

async function newAccount(username: string): Promise<string> {
  const res = await form(server.base, admin, '/admin/users/new', { username, displayName: '新同事', role: 'trainee', department: '客服部', site: '阳光花园', password: GIVEN });
  expect(res.status).toBe(303);
  return (await user(username)).id;
}

describe('the password policy on the admin form', () => {
  it('refuses 9 characters, a common password in any case, and the username; creates nobody', async () => {
    const cases = [
      ['abc-12345', '密码至少 10 个字符'],
      ['PassWord123', '这个密码太常见，请换一个'],
      ['Weak.Person', '密码不能与用户名相同'],
    ];
    for (const [password, message] of cases) {
      const res = await form(server.base, admin, '/admin/users/new', { username: 'weak.person', displayName: '弱密码', role: 'trainee', department: '客服部', site: '阳光花园', password: password! });
      expect(res.status, password).toBe(400);
      expect(await res.text()).toContain(message);
    }
    expect(await user('weak.person')).toBeUndefined();
  });
});

describe('a password chosen by an admin', () => {
  it('sends the new person to the change page; every other page and API is refused until they change it', async () => {
    const id = await newAccount('new.hire');
    expect((await user('new.hire')).mustChangePassword).toBe(true);
    const cookie = await login(server.base, 'new.hire', GIVEN);
    for (const url of ['/learn', '/', '/scenarios', '/modules/1', '/certificates', '/verify', '/admin', '/no-such-page']) {
      const res = await get(cookie, url);
      expect([url, res.status, res.headers.get('location')]).toEqual([url, 303, `/account/password?next=${encodeURIComponent(url)}`]);
    }
    const play = await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' });
    expect(play.status).toBe(403);
    expect(await play.json()).toEqual({ error: expect.stringContaining('请先修改密码') });
    const events = await get(cookie, '/api/live/x/events');
    expect(events.status).toBe(403);
    // A form post is sent to the change page too, and nothing is stored.
    const posted = await form(server.base, cookie, '/live', { code: '123456' });
    expect([posted.status, posted.headers.get('location')]).toEqual([303, '/account/password']);
    expect((await readDb(dir)).scenarioPlays.filter((p: { userId: string }) => p.userId === id)).toEqual([]);

    const page = await get(cookie, '/account/password?next=%2Flearn');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('您的密码是管理员设置的');
    // Keeping the admin's password is not choosing one.
    const same = await form(server.base, cookie, '/account/password?next=%2Flearn', { current: GIVEN, password: GIVEN, confirm: GIVEN });
    expect(same.status).toBe(400);
    expect(await same.text()).toContain('新密码不能与当前密码相同');

    const changed = await form(server.base, cookie, '/account/password?next=%2Flearn', { current: GIVEN, password: OWN, confirm: OWN });
    expect([changed.status, changed.headers.get('location')]).toEqual([303, '/learn']);
    expect((await user('new.hire')).mustChangePassword).toBeUndefined();
    expect((await get(cookie, '/learn')).status).toBe(200);
    expect((await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' })).status).toBe(201);
  });

  it('signing out still works before the change', async () => {
    await newAccount('leaves.early');
    const cookie = await login(server.base, 'leaves.early', GIVEN);
    const out = await form(server.base, cookie, '/logout', {});
    expect([out.status, out.headers.get('location')]).toEqual([303, '/login?out=1']);
    expect((await get(cookie, '/learn')).headers.get('location')).toMatch(/^\/login/);
  });

  it('an admin reset ends the person\'s sessions and forces a change again; both are audited', async () => {
    const id = await newAccount('reset.me');
    const first = await login(server.base, 'reset.me', GIVEN);
    expect((await form(server.base, first, '/account/password', { current: GIVEN, password: OWN, confirm: OWN })).status).toBe(303);
    expect((await get(first, '/learn')).status).toBe(200);

    const weak = await form(server.base, admin, `/admin/users/${id}`, { action: 'password', newPassword: 'short-pw' });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain('密码至少 10 个字符');
    const reset = await form(server.base, admin, `/admin/users/${id}`, { action: 'password', newPassword: 'Chongzhi-mima-5T' });
    expect(reset.status).toBe(200);
    expect(await reset.text()).toContain('密码已重置');
    expect((await get(first, '/learn')).headers.get('location')).toMatch(/^\/login/);

    const again = await login(server.base, 'reset.me', 'Chongzhi-mima-5T');
    expect((await get(again, '/learn')).headers.get('location')).toBe('/account/password?next=%2Flearn');
    const adminId = (await user('admin')).id;
    const entries = (await readDb(dir)).audit.filter((a: { targetId: string; action: string }) => a.targetId === id && a.action.startsWith('user.password.'));
    expect(entries.map((a: { action: string; actorId: string }) => [a.action, a.actorId])).toEqual([
      ['user.password.change', id],
      ['user.password.reset', adminId],
    ]);
  });
});

describe('changing one\'s own password', () => {
  it('needs the current password and a confirmed new one by the policy; ends the other sessions and keeps this one', async () => {
    const here = await login(server.base, 'zhao.min', PASSWORD);
    const phone = await login(server.base, 'zhao.min', PASSWORD);
    const page = await get(here, '/learn');
    expect(await page.text()).toContain('href="/account/password"');

    const cases: Array<[Record<string, string>, string]> = [
      [{ current: 'not-my-password', password: OWN, confirm: OWN }, '当前密码不正确'],
      [{ current: '', password: OWN, confirm: OWN }, '请输入当前密码'],
      [{ current: PASSWORD, password: 'Qwertyuiop', confirm: 'Qwertyuiop' }, '这个密码太常见，请换一个'],
      [{ current: PASSWORD, password: OWN, confirm: `${OWN}x` }, '两次输入的新密码不一致'],
    ];
    for (const [fields, message] of cases) {
      const res = await form(server.base, here, '/account/password', fields);
      expect(res.status, message).toBe(400);
      expect(await res.text()).toContain(message);
    }
    expect((await signIn('zhao.min', PASSWORD)).status).toBe(303);

    const done = await form(server.base, here, '/account/password', { current: PASSWORD, password: OWN, confirm: OWN });
    expect([done.status, done.headers.get('location')]).toEqual([303, '/account/password?changed=1']);
    expect(await (await get(here, '/account/password?changed=1')).text()).toContain('密码已修改');
    expect((await get(here, '/learn')).status).toBe(200);
    expect((await get(phone, '/learn')).headers.get('location')).toMatch(/^\/login/);
    expect((await signIn('zhao.min', PASSWORD)).status).toBe(401);
    expect((await signIn('zhao.min', OWN)).status).toBe(303);
    const me = (await user('zhao.min')).id;
    expect((await readDb(dir)).audit.filter((a: { action: string; targetId: string }) => a.action === 'user.password.change' && a.targetId === me)).toEqual([
      expect.objectContaining({ actorId: me, details: { username: 'zhao.min' } }),
    ]);
  });

  it('throttles wrong current passwords: after 5 the right one waits too', async () => {
    const cookie = await login(server.base, 'sun.hao', PASSWORD);
    for (let i = 0; i < 5; i++) expect((await form(server.base, cookie, '/account/password', { current: `guess-${i}`, password: OWN, confirm: OWN })).status).toBe(400);
    const blocked = await form(server.base, cookie, '/account/password', { current: PASSWORD, password: OWN, confirm: OWN });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toMatch(/当前密码输错次数过多，请 \d+ 分钟后再试/);
    expect((await signIn('sun.hao', PASSWORD)).status).toBe(303);
  });
});

describe('deactivating an account', () => {
  it('happens only from the confirmation step: a POST without confirm=yes is a 400 and changes nothing', async () => {
    const id = await newAccount('leave.soon');
    const person = await login(server.base, 'leave.soon', GIVEN);
    const auditBefore = (await readDb(dir)).audit.length;
    const unconfirmed = await form(server.base, admin, `/admin/users/${id}`, { action: 'deactivate', reason: '离职' });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('停用前需要确认');
    expect((await user('leave.soon')).active).toBe(true);
    expect((await readDb(dir)).audit.length).toBe(auditBefore);
    expect((await get(person, '/account/password')).status).toBe(200);

    // The step is a GET naming the person and what follows; its form carries the confirmation.
    const step = await (await get(admin, `/admin/users/${id}?confirm=deactivate`)).text();
    expect(step).toContain('确认停用 新同事（leave.soon）？');
    expect(step).toContain('登录会立即退出');
    expect(step).toMatch(/name="confirm" value="yes"/);
    const done = await form(server.base, admin, `/admin/users/${id}`, { action: 'deactivate', confirm: 'yes', reason: '离职' });
    expect([done.status, done.headers.get('location')]).toEqual([303, '/admin?saved=1']);
    expect((await user('leave.soon')).active).toBe(false);
    expect((await get(person, '/account/password')).headers.get('location')).toMatch(/^\/login/);
    // Reactivating needs no confirmation.
    expect((await form(server.base, admin, `/admin/users/${id}`, { action: 'reactivate' })).status).toBe(303);
    expect((await user('leave.soon')).active).toBe(true);
  });
});

describe('a revoked certificate', () => {
  it('is not reissued by the plain reissue; reinstating it is its own action, needs a reason and is audited', async () => {
    const hr = await login(server.base, 'hr', PASSWORD);
    const li = (await user('li.xiaoting')).id;
    const cert = (await readDb(dir)).certificates.find((c: { userId: string }) => c.userId === li);
    const act = (action: string, reason: string, more: Record<string, string> = {}) => form(server.base, hr, '/hr/certificates', { id: cert.id, action, reason, ...more });
    // Revoking only from the confirmation step: without confirm=yes, a 400 that says so and nothing changed.
    const unconfirmed = await act('revoke', '资料核查不符');
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('撤销前需要确认');
    expect((await readDb(dir)).certificates.find((c: { id: string }) => c.id === cert.id).revokedAt).toBeUndefined();
    // The step itself is a GET that names the holder and asks for the reason.
    const step = await (await get(hr, `/hr/certificates?revoke=${cert.id}`)).text();
    expect(step).toContain('确认撤销 李晓婷 的证书？');
    expect(step).toMatch(/name="confirm" value="yes"/);
    expect((await act('revoke', '资料核查不符', { confirm: 'yes' })).status).toBe(200);

    const reissue = await act('reissue', '重新发放');
    expect(reissue.status).toBe(400);
    expect(await reissue.text()).toContain('该证书已被撤销，不能直接补发');
    expect((await readDb(dir)).certificates.filter((c: { userId: string }) => c.userId === li)).toHaveLength(1);

    // The page offers reinstating only on the revoked certificate, and no plain reissue there.
    const card = (html: string, code: string) => html.split('<li class="card"').find((c) => c.includes(`data-cert="${code}"`))!;
    const revokedCard = card(await (await get(hr, '/hr/certificates?view=revoked')).text(), cert.code);
    expect(revokedCard).toContain('value="reinstate"');
    expect(revokedCard).not.toContain('value="reissue"');

    const noReason = await act('reinstate', '  ');
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('请填写原因');
    const reinstated = await act('reinstate', '复核后确认资料无误');
    expect(reinstated.status).toBe(200);
    expect(await reinstated.text()).toContain('已恢复 李晓婷 的证书');

    const db = await readDb(dir);
    const fresh = db.certificates.find((c: { reissuedFrom?: string }) => c.reissuedFrom === cert.id);
    expect(fresh).toMatchObject({ userId: li, expiresAt: cert.expiresAt });
    expect(fresh.revokedAt).toBeUndefined();
    expect(db.certificates.find((c: { id: string }) => c.id === cert.id)).toMatchObject({ revokeReason: '资料核查不符', supersededBy: fresh.id });
    expect(db.audit.filter((a: { targetId: string }) => a.targetId === cert.id).map((a: { action: string; reason: string }) => [a.action, a.reason])).toEqual([
      ['certificate.revoke', '资料核查不符'],
      ['certificate.reinstate', '复核后确认资料无误'],
    ]);
    const validCard = card(await (await get(hr, '/hr/certificates')).text(), fresh.code);
    expect(validCard).toContain('value="reissue"');
    expect(validCard).not.toContain('value="reinstate"');
    expect((await act('reinstate', '再来一次')).status).toBe(400);
  });
});
