// Every admin and HR action on people, access and certificates, done through
// the real pages, appears in the audit log with actor, target and reason; the
// log only grows; the page and its CSV show names and codes, never ids, and
// are read by admins and HR only.
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, form, readDb, PASSWORD, type Server } from './helpers';

/** Long, not common: passes whatever password rule the accounts pages apply. */
const STRONG = 'Kf-2026-audit!x9';
const FORMULA = '=HYPERLINK("http://evil.example","点我")';

let server: Server;
let dir: string;
const cookie: Record<'admin' | 'hr' | 'trainer' | 'trainee', string> = { admin: '', hr: '', trainer: '', trainee: '' };
let db: any;
const id = (username: string): string => db.users.find((u: { username: string }) => u.username === username).id;

/** The audit log as it is on disk now. */
const logNow = async (): Promise<any[]> => (await readDb(dir)).audit;
let seen: any[] = [];
/** The entries appended since the last call; fails if any earlier entry changed or went away. */
async function appended(): Promise<any[]> {
  const now = await logNow();
  expect(now.slice(0, seen.length)).toEqual(seen);
  const fresh = now.slice(seen.length);
  seen = now;
  return fresh;
}
const get = (who: keyof typeof cookie, url: string) => fetch(server.base + url, { redirect: 'manual', headers: { cookie: cookie[who] } });
/** The hidden filter fields of the audit page's export form (a POST to /admin/audit.csv). */
function exportFields(html: string): Record<string, string> {
  const formHtml = /<form method="post" action="\/admin\/audit\.csv"[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1];
  expect(formHtml, 'the page has an export form posting to /admin/audit.csv').toBeDefined();
  return Object.fromEntries([...formHtml!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir); // the demo company with its activity: 李晓婷 holds a certificate
  for (const who of Object.keys(cookie) as Array<keyof typeof cookie>) cookie[who] = await login(server.base, who, PASSWORD);
  db = await readDb(dir);
  seen = await logNow();
}, 60_000);

describe('audit log', () => {
  it('records every admin and HR action through the real pages, each with actor, target and reason, and only ever grows', async () => {
    const admin = id('admin');
    const hr = id('hr');

    // Create an account.
    const created = await form(server.base, cookie.admin, '/admin/users/new', { displayName: '吴新人', username: 'wu.xinren', role: 'trainee', department: '客服部', site: '阳光花园', hireDate: '', password: STRONG });
    expect(created.status).toBe(303);
    db = await readDb(dir);
    const wu = id('wu.xinren');
    expect(await appended()).toEqual([expect.objectContaining({ actorId: admin, action: 'user.create', targetId: wu, details: { role: 'trainee' } })]);

    // Import a CSV: one entry with the count and the usernames.
    const body = new FormData();
    body.append('file', new Blob(['\uFEFF用户名,姓名,部门,项目,入职日期\r\nqian.yi,钱一,客服部,阳光花园,2026-12-01\r\nsun.er,孙二,工程部,翠湖天地,2026-12-01\r\n'], { type: 'text/csv' }), '十二月新员工.csv');
    const imported = await fetch(`${server.base}/admin/import`, { method: 'POST', body, headers: { Origin: server.base, cookie: cookie.admin } });
    expect(imported.status).toBe(200);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: admin, action: 'user.import', targetId: '十二月新员工.csv', details: { count: 2, usernames: ['qian.yi', 'sun.er'] } })]);
    db = await readDb(dir);

    // A profile change saved together with a role change: two entries, the role change on its own.
    const saved = await form(server.base, cookie.admin, `/admin/users/${wu}`, { action: 'save', displayName: '吴新仁', username: 'wu.xinren', role: 'trainer', department: '客服部', site: '翠湖天地', hireDate: '', reason: '调任培训岗' });
    expect(saved.status).toBe(303);
    expect(await appended()).toEqual([
      expect.objectContaining({ actorId: admin, action: 'user.update', targetId: wu, reason: '调任培训岗', details: { fields: ['displayName', 'site'] } }),
      expect.objectContaining({ actorId: admin, action: 'user.role', targetId: wu, reason: '调任培训岗', details: { from: 'trainee', to: 'trainer' } }),
    ]);
    // Saving without a change records nothing.
    expect((await form(server.base, cookie.admin, `/admin/users/${wu}`, { action: 'save', displayName: '吴新仁', username: 'wu.xinren', role: 'trainer', department: '客服部', site: '翠湖天地', hireDate: '' })).status).toBe(303);
    expect(await appended()).toEqual([]);

    // Deactivate and reactivate, with reasons.
    expect((await form(server.base, cookie.admin, `/admin/users/${wu}`, { action: 'deactivate', confirm: 'yes', reason: '长期病假' })).status).toBe(303);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: admin, action: 'user.deactivate', targetId: wu, reason: '长期病假' })]);
    expect((await form(server.base, cookie.admin, `/admin/users/${wu}`, { action: 'reactivate', reason: '病愈返岗' })).status).toBe(303);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: admin, action: 'user.reactivate', targetId: wu, reason: '病愈返岗' })]);

    // Waive a new trainee's prerequisites.
    expect((await form(server.base, cookie.admin, '/trainer/waivers', { userId: id('qian.yi'), reason: '有三年物业客服经验' })).status).toBe(200);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: admin, action: 'prerequisites.waive', targetId: id('qian.yi'), reason: '有三年物业客服经验' })]);

    // HR reissues 李晓婷's certificate, then revokes the new one with a formula as the reason.
    const old = db.certificates.find((c: { userId: string }) => c.userId === id('li.xiaoting'));
    expect((await form(server.base, cookie.hr, '/hr/certificates', { id: old.id, action: 'reissue', reason: '证书遗失' })).status).toBe(200);
    const fresh = (await readDb(dir)).certificates.find((c: { reissuedFrom?: string }) => c.reissuedFrom === old.id);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: hr, action: 'certificate.reissue', targetId: old.id, reason: '证书遗失', details: expect.objectContaining({ code: old.code, newCode: fresh.code }) })]);
    expect((await form(server.base, cookie.hr, '/hr/certificates', { id: fresh.id, action: 'revoke', confirm: 'yes', reason: FORMULA })).status).toBe(200);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: hr, action: 'certificate.revoke', targetId: fresh.id, reason: FORMULA, details: expect.objectContaining({ code: fresh.code }) })]);

    // HR exports and opens a person's full record.
    expect((await form(server.base, cookie.hr, '/hr/export.csv', { site: '阳光花园' })).status).toBe(200);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: hr, action: 'export', targetId: 'certification-status.csv' })]);
    expect((await get('hr', `/hr/people/${id('li.xiaoting')}`)).status).toBe(200);
    expect(await appended()).toEqual([expect.objectContaining({ actorId: hr, action: 'view.sensitive', targetId: id('li.xiaoting') })]);

    // The page shows it all by name and code, never by id.
    const page = await get('admin', '/admin/audit');
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const label of ['新建账号', '批量导入学员', '修改资料', '变更角色', '停用账号', '恢复账号', '免除考前要求', '补发证书', '撤销证书', '导出数据', '查看完整档案']) expect(html).toContain(label);
    for (const text of ['周建国', '<code>admin</code>', '陈丽华', '吴新仁', '<code>wu.xinren</code>', '钱一', '<code>qian.yi</code>', '导入 2 人：qian.yi、sun.er', '十二月新员工.csv', '角色：新员工 → 培训师', '修改：姓名、项目', '长期病假', '病愈返岗', '调任培训岗', '有三年物业客服经验', '证书遗失', `<code>${fresh.code}</code> 李晓婷`, `新验证码 ${fresh.code}`, '=HYPERLINK(&quot;http://evil.example&quot;', `共 ${(await logNow()).length} 条`]) expect(html).toContain(text);
    const all = await readDb(dir);
    const ids = [...all.users, ...all.certificates, ...all.cohorts].map((r: { id: string }) => r.id);
    expect(ids.filter((x) => html.includes(x))).toEqual([]);
  }, 120_000);

  it('filters by actor, action, Beijing dates and free text, as a bookmarkable GET form; a bad filter is a 400 with its reason', async () => {
    const count = async (query: string) => /共 (\d+) 条/.exec(await (await get('admin', `/admin/audit${query}`)).text())?.[1];
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(await count('?action=user.role')).toBe('1');
    expect(await count('?actor=hr')).toBe('4');
    expect(await count('?actor=hr&action=certificate.revoke')).toBe('1');
    // The demo seed's cohort entries are dated when their cohorts were made, weeks ago.
    const ofToday = (await logNow()).filter((e: { at: string }) => new Date(Date.parse(e.at) + 8 * 3600_000).toISOString().slice(0, 10) === today);
    expect(ofToday.length).toBeLessThan((await logNow()).length);
    expect(await count(`?from=${today}&to=${today}`)).toBe(String(ofToday.length));
    expect(await count('?to=2020-01-01')).toBe('0');
    expect(await count(`?q=${encodeURIComponent('wu.xinren')}`)).toBe('5');
    expect(await count(`?q=${encodeURIComponent('HYPERLINK')}`)).toBe('1');
    const bad = await get('admin', '/admin/audit?from=2026-13-45');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('开始日期格式应为 YYYY-MM-DD');
    const html = await (await get('admin', '/admin/audit?actor=hr')).text();
    expect(html).toMatch(/<form method="get"/);
    for (const f of ['f-actor', 'f-action', 'f-from', 'f-to', 'f-q']) expect(html).toMatch(new RegExp(`<label for="${f}">`));
    // The export is a POST form carrying the filters shown (it is audited, so never a GET link).
    expect(exportFields(html)).toEqual({ actor: 'hr' });
  });

  it('exports the filtered log as CSV with a BOM, a header and formulas neutralised, and audits the export', async () => {
    const before = await logNow();
    const res = await form(server.base, cookie.admin, '/admin/audit.csv', { actor: 'hr' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes.slice(3));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('时间（北京时间）,操作人,操作人用户名,操作,对象,对象编号,原因,详情');
    expect(lines).toHaveLength(1 + 4);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(csv).not.toMatch(/,"?=HYPERLINK/);
    expect(lines.every((l, i) => i === 0 || l.includes(',陈丽华,hr,'))).toBe(true);
    const after = await logNow();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([expect.objectContaining({ actorId: id('admin'), action: 'export', targetId: 'audit-log.csv', details: { format: 'csv', rows: 4, filters: { actor: 'hr' } } })]);
    // The export shows on the page, described.
    expect(await (await get('admin', '/admin/audit?action=export')).text()).toContain('审计日志 CSV');
    expect((await form(server.base, cookie.admin, '/admin/audit.csv', { to: 'nonsense' })).status).toBe(400);
  });

  it('is read by admins and HR only: trainers and trainees get 403 for the page and the CSV, and nothing is logged for them', async () => {
    const before = (await logNow()).length;
    // The page is a GET, the CSV export a POST.
    const open = {
      page: (who?: keyof typeof cookie) => fetch(server.base + '/admin/audit', { redirect: 'manual', headers: who ? { cookie: cookie[who] } : {} }),
      csv: (who?: keyof typeof cookie) => fetch(server.base + '/admin/audit.csv', { method: 'POST', redirect: 'manual', headers: { Origin: server.base, 'Content-Type': 'application/x-www-form-urlencoded', ...(who ? { cookie: cookie[who] } : {}) }, body: '' }),
    };
    for (const request of [open.page, open.csv]) {
      expect((await request('hr')).status).toBe(200);
      expect((await request('trainer')).status).toBe(403);
      expect((await request('trainee')).status).toBe(403);
      expect((await request()).status).toBe(303);
    }
    // Only HR's one CSV export was added.
    expect((await logNow()).slice(before)).toEqual([expect.objectContaining({ actorId: id('hr'), action: 'export', targetId: 'audit-log.csv' })]);
  });

  it('GET /admin/audit.csv answers 405 with Allow: POST and writes nothing; the page\'s POST form exports and is logged once', async () => {
    const before = await logNow();
    const answers = [await get('admin', '/admin/audit.csv?actor=hr'), await get('hr', '/admin/audit.csv')];
    // GET never writes: no 'export' entry for a link followed, a prefetch or a crawler.
    expect(await logNow()).toEqual(before);
    for (const res of answers) {
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toContain('导出 CSV');
    }
    // A request from another site is refused before anything is read or logged.
    const forged = await fetch(server.base + '/admin/audit.csv', { method: 'POST', redirect: 'manual', headers: { Origin: 'https://evil.example', cookie: cookie.admin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'actor=hr' });
    expect(forged.status).toBe(403);
    // A body that is not a form is a 415 with a Chinese message, and logs nothing.
    const notForm = await fetch(server.base + '/admin/audit.csv', { method: 'POST', redirect: 'manual', headers: { Origin: server.base, cookie: cookie.admin, 'Content-Type': 'application/json' }, body: '{}' });
    expect(notForm.status).toBe(415);
    expect(await notForm.text()).toBe('需要表单提交');
    expect(await logNow()).toEqual(before);

    // What the page's button sends: its hidden fields, the filters shown.
    const fields = exportFields(await (await get('admin', '/admin/audit?actor=hr&action=certificate.revoke')).text());
    expect(fields).toEqual({ actor: 'hr', action: 'certificate.revoke' });
    const res = await form(server.base, cookie.admin, '/admin/audit.csv', fields);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(new TextDecoder().decode(await res.arrayBuffer()).trimEnd().split('\r\n')).toHaveLength(1 + 1);
    const after = await logNow();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([expect.objectContaining({ actorId: id('admin'), action: 'export', targetId: 'audit-log.csv', details: { format: 'csv', rows: 1, filters: { actor: 'hr', action: 'certificate.revoke' } } })]);
  });
});
