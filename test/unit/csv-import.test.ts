import { describe, it, expect } from 'vitest';
import { parseTraineeCsv } from '../../src/people';
import { importTrainees } from '../../src/people';
import { openStore, type UserRecord } from '../../src/store';
import { verifyPassword } from '../../src/auth';
import { tempDir, auditOf } from './helpers';

const none = new Set<string>();
/** Whoever imports (the store needs only the id for the audit entry). */
const admin = { id: 'admin-1', username: 'admin', displayName: '管理员', role: 'admin' } as UserRecord;

describe('trainee CSV import', () => {
  it('reads a good file with Chinese headers and names', () => {
    const r = parseTraineeCsv('用户名,姓名,部门,项目,入职日期\nwang.fang,王芳,客服部,阳光花园,2026-12-01\nli.lei,李雷,工程部,翠湖天地,\n', none);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.rows).toHaveLength(2);
      expect(r.rows[0]).toMatchObject({ username: 'wang.fang', displayName: '王芳', site: '阳光花园', hireDate: '2026-12-01', line: 2 });
      expect(r.rows[1]!.hireDate).toBeUndefined();
    }
  });

  it('accepts a UTF-8 BOM, English headers, CRLF and quoted commas', () => {
    const r = parseTraineeCsv('\uFEFFusername,name,department,site\r\nzhao.min,"赵,敏",客服部,阳光花园\r\n', none);
    expect(r.ok && r.rows[0]).toMatchObject({ username: 'zhao.min', displayName: '赵,敏' });
  });

  it('reports every bad row with its line number and imports none', () => {
    const csv = '用户名,姓名,部门,项目\nok.one,张三,客服部,阳光花园\n\nx,李四,客服部,阳光花园\nok.two,,客服部,\nok.one,王五,客服部,阳光花园\n';
    const r = parseTraineeCsv(csv, none);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.line)).toEqual([4, 5, 6]);
      expect(r.errors[0]!.message).toMatch(/用户名/);
      expect(r.errors[1]!.message).toMatch(/姓名必填.*项目必填/);
      expect(r.errors[2]!.message).toMatch(/与第 2 行重复/);
    }
  });

  it('rejects usernames that already exist and a missing column', () => {
    const r = parseTraineeCsv('用户名,姓名,部门,项目\ntrainee,王小明,客服部,阳光花园\n', new Set(['trainee']));
    expect(!r.ok && r.errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/已存在/) });
    const h = parseTraineeCsv('用户名,姓名,部门\na.b,王,客服部\n', none);
    expect(!h.ok && h.errors[0]!.message).toMatch(/缺少列：项目/);
  });

  it('imports all-or-nothing into the store with hashed passwords', async () => {
    const store = await openStore(tempDir());
    const bad = await importTrainees(store, admin, '用户名,姓名,部门,项目\ngood.one,张三,客服部,阳光花园\nbad one,李四,客服部,阳光花园\n', 'bad.csv', '2026-11-28T00:00:00Z');
    expect(bad.ok).toBe(false);
    expect(await store.listUsers()).toHaveLength(0);
    const good = await importTrainees(store, admin, '用户名,姓名,部门,项目,初始密码\ngood.one,张三,客服部,阳光花园,\ngood.two,李四,客服部,阳光花园,secret-pass-1\n', 'good.csv', '2026-11-28T00:00:00Z');
    expect(good.ok).toBe(true);
    if (good.ok) {
      const [one, two] = good.created;
      expect(one!.generatedPassword).toHaveLength(12);
      expect(two!.generatedPassword).toBeUndefined();
      expect(await verifyPassword(one!.generatedPassword!, (await store.getUserByUsername('good.one'))!.passwordHash)).toBe(true);
      expect(await verifyPassword('secret-pass-1', (await store.getUserByUsername('good.two'))!.passwordHash)).toBe(true);
      expect((await store.getUserByUsername('good.two'))!.role).toBe('trainee');
    }
    // One audit entry for the whole import, none for the refused file.
    expect(await auditOf(store)).toEqual([expect.objectContaining({ actorId: admin.id, action: 'user.import', targetId: 'good.csv', details: { count: 2, usernames: ['good.one', 'good.two'] } })]);
    await store.close();
  });

  it('holds a password given in the file to the policy, and every imported person must change theirs at the first sign-in', async () => {
    const r = parseTraineeCsv('用户名,姓名,部门,项目,初始密码\nshort.one,张三,客服部,阳光花园,abc-12345\ncommon.one,李四,客服部,阳光花园,Password123\nsame.name,王五,客服部,阳光花园,same.name\n', none);
    expect(!r.ok && r.errors.map((e) => [e.line, e.message])).toEqual([
      [2, '初始密码：密码至少 10 个字符（留空则自动生成）'],
      [3, '初始密码：这个密码太常见，请换一个（留空则自动生成）'],
      [4, '初始密码：密码至少 10 个字符（留空则自动生成）'],
    ]);
    const store = await openStore(tempDir());
    const good = await importTrainees(store, admin, '用户名,姓名,部门,项目,初始密码\ngood.one,张三,客服部,阳光花园,\ngood.two,李四,客服部,阳光花园,secret-pass-1\n', 'good.csv', '2026-11-28T00:00:00Z');
    expect(good.ok).toBe(true);
    expect((await store.listUsers()).map((u) => [u.username, u.mustChangePassword])).toEqual([['good.one', true], ['good.two', true]]);
    await store.close();
  });
});
