import { describe, it, expect } from 'vitest';
import { parseTraineeCsv, decodeCsv, normaliseDate, importTemplateCsv, TEMPLATE_HEADER } from '../../src/people';
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

describe('CSV import as Excel on Chinese Windows writes it', () => {
  it('accepts zh-CN dates and stores them as YYYY-MM-DD', () => {
    expect(normaliseDate('2026/12/1')).toBe('2026-12-01');
    expect(normaliseDate('2026/1/5')).toBe('2026-01-05');
    expect(normaliseDate('2026-12-01')).toBe('2026-12-01');
    expect(normaliseDate('2026年12月1日')).toBe('2026-12-01');
    expect(normaliseDate('2026/12/1 0:00')).toBe('2026-12-01');
    expect(normaliseDate('2028/2/29')).toBe('2028-02-29');
    for (const bad of ['2026/2/30', '2026-13-01', '2026/0/10', '2027/2/29', '2026年4月31日']) expect(normaliseDate(bad)).toBe('impossible');
    for (const odd of ['12/1/2026', '2026/12-1', '明年', '2026-12', '46357']) expect(normaliseDate(odd)).toBeUndefined();
    const r = parseTraineeCsv('用户名,姓名,部门,项目,入职日期\nwang.fang,王芳,客服部,阳光花园,2026/12/1\nli.lei,李雷,工程部,翠湖天地,2026年1月5日\n', none);
    expect(r.ok && r.rows.map((x) => x.hireDate)).toEqual(['2026-12-01', '2026-01-05']);
  });

  it('refuses an impossible or unreadable date with the row and the column named', () => {
    const r = parseTraineeCsv('用户名,姓名,部门,项目,入职日期\nwang.fang,王芳,客服部,阳光花园,2026/2/30\nli.lei,李雷,工程部,翠湖天地,下周一\n', none);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        { line: 2, message: '入职日期“2026/2/30”不是真实存在的日期' },
        { line: 3, message: '入职日期“下周一”无法识别，请写成 2026-12-01、2026/12/1 或 2026年12月1日' },
      ]);
    }
  });

  it('reads a GBK file (as Excel saves "CSV" on Chinese Windows) and says so', () => {
    // "用户名,姓名,部门,项目\r\nzhang.san,张三,客服部,阳光花园\r\n" in GBK, byte by byte.
    const gbk = (s: string) => Buffer.from(s, 'latin1');
    const bytes = Buffer.concat([
      Buffer.from([0xd3, 0xc3, 0xbb, 0xa7, 0xc3, 0xfb]), gbk(','), // 用户名
      Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]), gbk(','), // 姓名
      Buffer.from([0xb2, 0xbf, 0xc3, 0xc5]), gbk(','), // 部门
      Buffer.from([0xcf, 0xee, 0xc4, 0xbf]), gbk('\r\nzhang.san,'), // 项目
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), gbk(','), // 张三
      Buffer.from([0xbf, 0xcd, 0xb7, 0xfe, 0xb2, 0xbf]), gbk(','), // 客服部
      Buffer.from([0xd1, 0xf4, 0xb9, 0xe2, 0xbb, 0xa8, 0xd4, 0xb0]), gbk('\r\n'), // 阳光花园
    ]);
    // Not UTF-8: a strict UTF-8 read fails, which is how it is told apart.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const decoded = decodeCsv(bytes)!;
    expect(decoded.encoding).toBe('gb18030');
    expect(decoded.text).toBe('用户名,姓名,部门,项目\r\nzhang.san,张三,客服部,阳光花园\r\n');
    const r = parseTraineeCsv(decoded.text, none);
    expect(r.ok && r.rows[0]).toMatchObject({ username: 'zhang.san', displayName: '张三', department: '客服部', site: '阳光花园' });
  });

  it('reads UTF-8 with and without a BOM, and UTF-16 by its BOM; refuses what is none of them', () => {
    const text = '用户名,姓名,部门,项目\nzhang.san,张三,客服部,阳光花园\n';
    expect(decodeCsv(Buffer.from(text, 'utf8'))).toEqual({ text, encoding: 'utf-8' });
    const bom = decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]))!;
    expect(bom.encoding).toBe('utf-8');
    expect(parseTraineeCsv(bom.text, none).ok).toBe(true);
    const utf16 = decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))!;
    expect(utf16.encoding).toBe('utf-16');
    expect(parseTraineeCsv(utf16.text, none).ok).toBe(true);
    // 0x80 alone and 0xff are neither UTF-8 nor GB18030.
    expect(decodeCsv(Buffer.from([0x61, 0x80, 0x2c, 0xff, 0xff]))).toBeUndefined();
  });

  it('offers a template that the import itself accepts: BOM, CRLF, the exact header and one example row', () => {
    const csv = importTemplateCsv();
    expect(csv.startsWith('\uFEFF用户名,姓名,部门,项目,入职日期,初始密码\r\n')).toBe(true);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(TEMPLATE_HEADER).toEqual(['用户名', '姓名', '部门', '项目', '入职日期', '初始密码']);
    const r = parseTraineeCsv(decodeCsv(Buffer.from(csv, 'utf8'))!.text, none);
    expect(r.ok && r.rows).toEqual([{ line: 2, username: 'wang.fang', displayName: '王芳', department: '客服部', site: '阳光花园', hireDate: '2026-12-01', password: undefined }]);
  });
});
