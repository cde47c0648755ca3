import { describe, it, expect } from 'vitest';
import { auditCsvRows, auditFiltersFrom, auditPage, auditQuery, describeAudit, filterAudit, type AuditNames } from '../../src/app/audit-log';
import { AUDIT_ACTIONS, type AuditRecord } from '../../src/store';
import { toCsv } from '../../src/hr';

const names: AuditNames = {
  users: new Map([
    ['u-admin', { displayName: '周建国', username: 'admin' }],
    ['u-hr', { displayName: '陈丽华', username: 'hr' }],
    ['u-li', { displayName: '李晓婷', username: 'li.xiaoting' }],
    ['u-wang', { displayName: '王芳', username: 'wang.fang' }],
  ]),
  certificates: new Map([['c-1', { code: 'ABCD-EFGH-JKMN-PQRS', holderName: '李晓婷', userId: 'u-li' }]]),
  cohorts: new Map([['k-1', { name: '十一月新员工班' }]]),
};

let n = 0;
const entry = (a: Partial<AuditRecord> & Pick<AuditRecord, 'action' | 'targetId'>): AuditRecord => ({ id: `a${++n}`, at: '2026-11-28T02:00:00.000Z', actorId: 'u-admin', ...a });

const log: AuditRecord[] = [
  entry({ at: '2026-11-27T15:59:59.000Z', action: 'user.create', targetId: 'u-wang', details: { role: 'trainee' } }), // Beijing 11-27 23:59:59
  entry({ at: '2026-11-27T16:00:00.000Z', action: 'user.role', targetId: 'u-wang', reason: '调任培训岗', details: { from: 'trainee', to: 'trainer' } }), // Beijing 11-28 00:00
  entry({ action: 'user.update', targetId: 'u-wang', details: { fields: ['displayName', 'site'] } }),
  entry({ action: 'user.import', targetId: '十一月.csv', details: { count: 2, usernames: ['a.b', 'c.d'] } }),
  entry({ at: '2026-11-29T01:00:00.000Z', actorId: 'u-hr', action: 'certificate.revoke', targetId: 'c-1', reason: '=HYPERLINK("http://evil.example","点我")', details: { userId: 'u-li', code: 'ABCD-EFGH-JKMN-PQRS' } }),
  entry({ at: '2026-11-29T02:00:00.000Z', actorId: 'u-hr', action: 'export', targetId: 'certification-status.csv', details: { format: 'csv', rows: 12, filters: { site: '阳光花园', cohortId: 'k-1' } } }),
  entry({ at: '2026-11-29T03:00:00.000Z', actorId: 'u-admin', action: 'cohort.enrol', targetId: 'u-li', details: { cohortId: 'k-1' } }),
];

const q = (s: string) => auditFiltersFrom(new URLSearchParams(s));

describe('audit log as read', () => {
  it('names every action in Chinese, and shows people and certificates by name and code, never by id', () => {
    const rows = log.map((e) => describeAudit(e, names));
    for (const a of AUDIT_ACTIONS) expect(describeAudit(entry({ action: a, targetId: 'u-li' }), names).label).toMatch(/[\u4e00-\u9fff]/);
    expect(rows[0]).toMatchObject({ when: '2026-11-27 23:59:59', label: '新建账号', actor: { name: '周建国', code: 'admin' }, target: { name: '王芳', code: 'wang.fang' }, details: '角色：新员工' });
    expect(rows[1]).toMatchObject({ label: '变更角色', reason: '调任培训岗', details: '角色：新员工 → 培训师' });
    expect(rows[2]!.details).toBe('修改：姓名、项目');
    expect(rows[3]).toMatchObject({ label: '批量导入学员', target: { kind: 'file', code: '十一月.csv' }, details: '导入 2 人：a.b、c.d' });
    expect(rows[4]).toMatchObject({ label: '撤销证书', target: { kind: 'certificate', name: '李晓婷', code: 'ABCD-EFGH-JKMN-PQRS', holder: 'li.xiaoting' } });
    expect(rows[5]).toMatchObject({ target: { name: '认证状态 CSV' }, details: '12 行，筛选：项目 阳光花园；班级 十一月新员工班' });
    expect(rows[6]).toMatchObject({ target: { name: '李晓婷', code: 'li.xiaoting' }, details: '班级 十一月新员工班' });
    expect(JSON.stringify(rows)).not.toMatch(/u-admin|u-hr|u-li|u-wang|"c-1"|k-1/);
  });

  it('an id it cannot resolve is never shown as the id', () => {
    const r = describeAudit(entry({ actorId: 'gone-1', action: 'user.deactivate', targetId: 'gone-2' }), names);
    expect(r.actor).toMatchObject({ name: '（未知用户）', code: '' });
    expect(r.target).toMatchObject({ name: '（未知对象）', code: '' });
  });

  it('filters by actor, action and Beijing date range, both days included', () => {
    const { filters } = q('actor=hr');
    expect(filterAudit(log, names, filters).map((r) => r.action)).toEqual(['export', 'certificate.revoke']);
    expect(filterAudit(log, names, q('action=user.role').filters)).toHaveLength(1);
    // 15:59:59Z on the 27th is 23:59:59 on the 27th in Beijing; 16:00Z is the 28th.
    expect(filterAudit(log, names, q('to=2026-11-27').filters).map((r) => r.action)).toEqual(['user.create']);
    expect(filterAudit(log, names, q('from=2026-11-28&to=2026-11-28').filters).map((r) => r.action)).toEqual(['user.import', 'user.update', 'user.role']);
    expect(filterAudit(log, names, q('from=2026-11-29').filters)).toHaveLength(3);
    expect(filterAudit(log, names, q('actor=hr&action=export&from=2026-11-29&to=2026-11-29').filters)).toHaveLength(1);
  });

  it('searches names, codes, reasons and details, ignoring case and full-width forms', () => {
    const hits = (s: string) => filterAudit(log, names, q(`q=${encodeURIComponent(s)}`).filters).map((r) => r.action);
    expect(hits('王芳')).toEqual(['user.update', 'user.role', 'user.create']);
    expect(hits('WANG.FANG')).toEqual(['user.update', 'user.role', 'user.create']);
    expect(hits('abcd-efgh')).toEqual(['certificate.revoke']);
    expect(hits('调任')).toEqual(['user.role']);
    expect(hits('c.d')).toEqual(['user.import']);
    expect(hits('ＬＩ．ＸＩＡＯＴＩＮＧ')).toEqual(['cohort.enrol', 'certificate.revoke']);
    expect(hits('李晓婷 撤销')).toEqual(['certificate.revoke']);
    expect(hits('无此人')).toEqual([]);
  });

  it('lists newest first and pages with a count', () => {
    const many = Array.from({ length: 120 }, (_, i) => entry({ at: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(), action: 'export', targetId: 'certification-status.csv' }));
    const p1 = auditPage(many, names, q('').filters);
    expect(p1).toMatchObject({ total: 120, page: 1, pages: 3 });
    expect(p1.rows).toHaveLength(50);
    expect(p1.rows[0]!.at > p1.rows[1]!.at).toBe(true);
    const p3 = auditPage(many, names, q('page=3').filters);
    expect(p3.rows).toHaveLength(20);
    expect(auditPage(many, names, q('page=99').filters).page).toBe(3);
  });

  it('reads bad filters as a problem to show, and keeps good ones in the query', () => {
    expect(q('from=2026-02-30').problem).toMatch(/开始日期格式/);
    expect(q('to=yesterday').problem).toMatch(/结束日期格式/);
    expect(q('action=user.delete').problem).toMatch(/没有这种操作类型/);
    expect(q('from=2026-12-02&to=2026-12-01').problem).toMatch(/开始日期不能晚于结束日期/);
    expect(q('page=-3&from=2026-12-01').filters).toMatchObject({ page: 1, from: '2026-12-01' });
    expect(q('actor=hr&q=%E7%8E%8B&page=2').problem).toBeUndefined();
    expect(auditQuery(q('actor=hr&q=王&page=2').filters, 3)).toBe('?actor=hr&q=%E7%8E%8B&page=3');
    expect(auditQuery(q('').filters)).toBe('');
  });

  it('writes the CSV with a header, a BOM, and formula-like cells neutralised', () => {
    const csv = toCsv(auditCsvRows(filterAudit(log, names, q('action=certificate.revoke').filters)));
    expect(csv.startsWith('\uFEFF时间（北京时间）,操作人,操作人用户名,操作,对象,对象编号,原因,详情\r\n')).toBe(true);
    expect(csv).toContain('陈丽华,hr,撤销证书,证书（李晓婷 li.xiaoting）,ABCD-EFGH-JKMN-PQRS,"\'=HYPERLINK(""http://evil.example"",""点我"")"');
  });
});
