// The HR exports are logged, so they are POSTed from the dashboard's forms
// (with its filters as hidden fields): a GET writes nothing and is told so.
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, form, call, readDb, PASSWORD, type Server } from './helpers';

let server: Server;
let dir: string;
let hr: string;
const audit = async (): Promise<any[]> => (await readDb(dir)).audit;

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir);
  hr = await login(server.base, 'hr', PASSWORD);
}, 60_000);

const EXPORTS = [
  { url: '/hr/export.csv', type: 'text/csv; charset=utf-8', target: 'certification-status.csv' },
  { url: '/hr/export.xapi.json', type: 'application/json; charset=utf-8', target: 'xapi-statements.json' },
];

describe('HR exports', () => {
  for (const e of EXPORTS) {
    it(`GET of an export writes nothing; POST logs one export entry (${e.url})`, async () => {
      const before = await audit();
      const got = await fetch(`${server.base}${e.url}?site=阳光花园`, { headers: { cookie: hr }, redirect: 'manual' });
      expect(got.status).toBe(405);
      expect(got.headers.get('allow')).toBe('POST');
      expect(await got.text()).toContain('只接受 POST');
      expect(await audit()).toEqual(before);

      const posted = await form(server.base, hr, e.url, { site: '阳光花园' });
      expect(posted.status).toBe(200);
      expect(posted.headers.get('content-type')).toBe(e.type);
      expect(posted.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
      await posted.arrayBuffer();
      const fresh = (await audit()).slice(before.length);
      expect(fresh).toEqual([expect.objectContaining({ action: 'export', targetId: e.target })]);
      if (e.url.endsWith('.csv')) expect(fresh[0].details.filters).toEqual({ site: '阳光花园' });
    });

    it(`refuses a POST from another origin or without a form, with a 4xx and nothing logged (${e.url})`, async () => {
      const before = await audit();
      const cross = await fetch(server.base + e.url, { method: 'POST', redirect: 'manual', headers: { cookie: hr, Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'site=x' });
      expect(cross.status).toBe(403);
      const json = await call(server.base, hr, 'POST', e.url, {});
      expect(json.status).toBe(415);
      expect(await json.text()).toBe('需要表单提交');
      expect(await audit()).toEqual(before);
    });
  }

  it('the CSV posted with filters has only the filtered people', async () => {
    const all = await (await form(server.base, hr, '/hr/export.csv', {})).text();
    const one = await (await form(server.base, hr, '/hr/export.csv', { site: '翠湖天地' })).text();
    const rows = (csv: string) => csv.trim().split('\r\n').slice(1);
    expect(rows(one).length).toBeGreaterThan(0);
    expect(rows(one).length).toBeLessThan(rows(all).length);
    expect(rows(one).every((r) => r.split(',')[2] === '翠湖天地')).toBe(true);
  });

  it('the dashboard posts its exports with the current filters as hidden fields', async () => {
    const html = await (await fetch(`${server.base}/hr?site=${encodeURIComponent('翠湖天地')}`, { headers: { cookie: hr } })).text();
    for (const [action, label] of [['/hr/export.csv', '导出 CSV'], ['/hr/export.xapi.json', '导出 xAPI']]) {
      const at = html.indexOf(`<form method="post" action="${action}"`);
      expect(at, action).toBeGreaterThan(-1);
      const f = html.slice(at, html.indexOf('</form>', at));
      expect(f).toContain('<input type="hidden" name="site" value="翠湖天地">');
      expect(f).toContain(`>${label}</button>`);
    }
  });
});

describe('xAPI export of the demo organisation', () => {
  it('has one statement per attempt result, knowledge checks among them, and the same ids on a second export', async () => {
    const get = async () => (await (await form(server.base, hr, '/hr/export.xapi.json', {})).json()) as Array<{ id: string; verb: { id: string }; object: { id: string }; result?: { success?: boolean } }>;
    const first = await get();
    const again = await get();
    expect(first.some((s) => s.verb.id.endsWith('/attempted'))).toBe(false);
    expect(first.some((s) => s.object.id.endsWith('/check') && s.result?.success === true)).toBe(true);
    expect(new Set(first.map((s) => s.id)).size).toBe(first.length);
    expect(again.map((s) => s.id)).toEqual(first.map((s) => s.id));
  });
});
