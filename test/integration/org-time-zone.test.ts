// ORG_TIME_ZONE on a real server: an unknown zone stops the start with a
// message; a known one is the zone of the exports' file names and columns.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, form, login, serve, PASSWORD } from './helpers';
import { freePort } from '../../scripts/bench/lib';

/** The UTC day now, YYYY-MM-DD. */
const utcDay = () => new Date().toISOString().slice(0, 10);

describe('ORG_TIME_ZONE', () => {
  it('an unknown zone stops the server at start with a message naming the setting', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['scripts/serve.mjs'], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: mkdtempSync(path.join(tmpdir(), 'wuye-tz-')), NODE_ENV: 'test', ORG_TIME_ZONE: 'Asia/Beijing' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('ORG_TIME_ZONE "Asia/Beijing" is not a time zone');
  });

  it('UTC: the CSV file name is the UTC day and the audit log says its times are UTC', async () => {
    const server = await serve(dataDir(), { ORG_TIME_ZONE: 'UTC' });
    const hr = await login(server.base, 'hr', PASSWORD);
    const before = utcDay();
    const res = await form(server.base, hr, '/hr/export.csv', {});
    const after = utcDay();
    expect(res.status).toBe(200);
    const name = /filename="certification-status-(\d{4}-\d{2}-\d{2})\.csv"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    expect([before, after]).toContain(name);
    const csv = await res.text();
    expect(csv.split('\r\n')[0]).toContain('截止日期,已完成章数,总章数');
    const page = await (await fetch(`${server.base}/admin/audit`, { headers: { cookie: hr } })).text();
    expect(page).toContain('时间（UTC）');
  });
});
