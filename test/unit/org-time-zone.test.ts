// One organisation time zone (ORG_TIME_ZONE, default Asia/Shanghai) for every
// date people read: a certificate issued at 01:36 Beijing time on 12-02 is
// 12-02 on the certificate, in the HR CSV and its file name, on the timeline
// and in the audit export; with ORG_TIME_ZONE=UTC all of them say 12-01.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureOrgTimeZone, DEFAULT_TIME_ZONE, formatDate, formatDateLong, formatDateTime, formatTime, localDay, localMonth, localTimestamp, orgTimeZone } from '../../src/i18n';
import { csvExport, peopleFacts, personTimeline } from '../../src/app/hr-service';
import { cohortRows } from '../../src/app/cohort-service';
import { auditCsvExport } from '../../src/app/audit-log';
import { computeDashboard } from '../../src/hr';
import { testRuntime } from './runtime-helper';

/** 17:36 UTC on 12-01 is 01:36 on 12-02 in Beijing. */
const ISSUED = '2026-12-01T17:36:00.000Z';
const EXPIRES = '2028-12-01T17:36:00.000Z';
const NOW = new Date(ISSUED);

afterEach(() => void configureOrgTimeZone(undefined));

/** A demo store where 王小明 holds a certificate issued at ISSUED and 孙浩's cohort was due on 2026-12-01. */
async function organisation() {
  const rt = await testRuntime(new Date('2026-11-28T08:00:00Z'));
  const user = async (name: string) => (await rt.store.getUserByUsername(name))!;
  const [holder, late, hr, trainer] = await Promise.all(['trainee', 'sun.hao', 'hr', 'trainer'].map(user));
  await rt.store.issueCertificate({
    userId: holder!.id, holderName: holder!.displayName, title: '物业客服岗位认证', code: 'ZONE-TEST-0001-0002', issuedAt: ISSUED, expiresAt: EXPIRES,
    examAttemptId: 'x', examPercent: 90, dimensions: { calmness: 80, empathy: 80, solution: 80 }, scenarios: [], contentVersions: { bank: '1', scenarios: {} },
  });
  const cohort = await rt.store.createCohort({ name: '十二月班', trainerId: trainer!.id, traineeIds: [holder!.id, late!.id], dueDate: '2026-12-01', createdAt: '2026-11-01T00:00:00.000Z' }, trainer!.id);
  return { rt, holder: holder!, late: late!, hr: hr!, cohort };
}

/** The CSV as objects by header (no cell here holds a comma or a quote). */
function csvObjects(csv: string): Record<string, string>[] {
  const [head, ...rows] = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])));
}

/** What each screen and export says about the day of ISSUED, and whether 孙浩 is overdue. */
async function whatEveryoneSays() {
  const { rt, holder, late, hr, cohort } = await organisation();
  const exported = await csvExport(rt, hr, new URLSearchParams(), NOW);
  const rows = csvObjects(exported.csv);
  const holderRow = rows.find((r) => r['用户名'] === 'trainee')!;
  const lateRow = rows.find((r) => r['用户名'] === 'sun.hao')!;
  const certItem = (await personTimeline(rt, holder, NOW)).find((i) => i.kind === '证书')!;
  const grid = await cohortRows(rt, cohort, NOW);
  const audit = await auditCsvExport(rt, hr, new URLSearchParams(), NOW);
  const dashboard = computeDashboard(await peopleFacts(rt, NOW), {}, NOW);
  return {
    certificatePage: formatDateLong(ISSUED),
    certificateList: formatDate(ISSUED),
    csvIssued: holderRow['颁发日期'],
    csvExpires: holderRow['到期日期'],
    csvName: exported.name,
    timeline: certItem.text.match(/有效期至 (\S+?)）/)?.[1],
    auditName: 'csv' in audit ? audit.name : audit.problem,
    // The time column of the CSV export's own entry (written at NOW by csvExport above).
    auditWhen: 'csv' in audit ? Object.values(csvObjects(audit.csv).find((r) => r['对象编号'] === 'certification-status.csv')!)[0] : undefined,
    csvOverdue: lateRow['是否逾期'],
    csvDue: lateRow['截止日期'],
    gridOverdue: grid.find((r) => r.id === late.id)!.overdue,
    dashboardOverdue: dashboard.headline.overdue,
    thisMonth: dashboard.perMonth.at(-1),
  };
}

describe('one organisation time zone', () => {
  it('the certificate, the HR CSV and its file name, the timeline and the audit export all say 2026-12-02 in Beijing', async () => {
    expect(orgTimeZone()).toBe('Asia/Shanghai');
    expect(await whatEveryoneSays()).toEqual({
      certificatePage: '2026年12月2日',
      certificateList: '2026/12/2',
      csvIssued: '2026-12-02',
      csvExpires: '2028-12-02',
      csvName: 'certification-status-2026-12-02.csv',
      timeline: '2028-12-02',
      auditName: 'audit-log-2026-12-02.csv',
      auditWhen: '2026-12-02 01:36:00',
      // 12-02 in Beijing is after the cohort's due day 12-01: overdue, the same on the dashboard, the grid and the CSV.
      csvOverdue: '是',
      csvDue: '2026-12-01',
      gridOverdue: true,
      dashboardOverdue: 1,
      thisMonth: { month: '2026-12', count: 1 },
    });
  });

  it('with ORG_TIME_ZONE=UTC they all say 2026-12-01, and the due day has not passed yet', async () => {
    expect(configureOrgTimeZone('UTC')).toBe('UTC');
    expect(await whatEveryoneSays()).toEqual({
      certificatePage: '2026年12月1日',
      certificateList: '2026/12/1',
      csvIssued: '2026-12-01',
      csvExpires: '2028-12-01',
      csvName: 'certification-status-2026-12-01.csv',
      timeline: '2028-12-01',
      auditName: 'audit-log-2026-12-01.csv',
      auditWhen: '2026-12-01 17:36:00',
      csvOverdue: '否',
      csvDue: '2026-12-01',
      gridOverdue: false,
      dashboardOverdue: 0,
      thisMonth: { month: '2026-12', count: 1 },
    });
  });

  it('months and days turn at midnight in the zone, not at 08:00', () => {
    const justAfter = '2026-11-30T16:30:00Z'; // 00:30 on 12-01 in Beijing
    expect([localDay(justAfter), localMonth(justAfter), localTimestamp(justAfter), formatDateTime(justAfter), formatTime(justAfter)]).toEqual(['2026-12-01', '2026-12', '2026-12-01 00:30:00', '2026/12/1 00:30', '00:30']);
    expect(computeDashboard([], {}, new Date(justAfter)).perMonth.at(-1)!.month).toBe('2026-12');
    configureOrgTimeZone('UTC');
    expect([localDay(justAfter), localMonth(justAfter)]).toEqual(['2026-11-30', '2026-11']);
    expect(computeDashboard([], {}, new Date(justAfter)).perMonth.at(-1)!.month).toBe('2026-11');
  });

  it('agrees with Intl to the second in zones with daylight saving and odd offsets, across their transitions', () => {
    // The offsets are cached per day: a day with a transition must still be exact on both sides of it.
    for (const zone of ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Shanghai']) {
      const reference = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
      const wall = (t: number) => reference.format(t);
      const wrong: string[] = [];
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 42_013_000) if (localTimestamp(t, zone) !== wall(t)) wrong.push(new Date(t).toISOString());
      for (const edge of ['2026-03-08T06:59:59Z', '2026-03-08T07:00:00Z', '2026-11-01T05:59:59Z', '2026-11-01T06:00:00Z']) if (localTimestamp(edge, zone) !== wall(Date.parse(edge))) wrong.push(edge);
      expect({ zone, wrong }).toEqual({ zone, wrong: [] });
    }
    expect(localTimestamp('2026-11-01T06:00:00Z', 'America/New_York')).toBe('2026-11-01 01:00:00');
    expect(localDay('not a date')).toBe('');
    expect(formatDate('not a date')).toBe('');
  });

  it('refuses a time zone it does not know, with a message naming the setting; unset keeps the default', () => {
    expect(() => configureOrgTimeZone('Asia/Beijing')).toThrow(/ORG_TIME_ZONE "Asia\/Beijing" is not a time zone/);
    expect(orgTimeZone()).toBe(DEFAULT_TIME_ZONE);
    expect(configureOrgTimeZone('  ')).toBe('Asia/Shanghai');
    expect(configureOrgTimeZone('Asia/Hong_Kong')).toBe('Asia/Hong_Kong');
  });
});

/** Every file under `dir`, recursively. */
const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(path.join(dir, name)).isDirectory() ? files(path.join(dir, name)) : [path.join(dir, name)]));

describe('one date formatter', () => {
  // Dates for people come from src/i18n/format.ts; a UTC slice of an instant is the wrong day for 8 hours of every day.
  const banned = [/\.toLocale(Date|Time)?String\(/, /toISOString\(\)\.slice\(0, ?(7|10)\)/];

  it('no file under src/ outside src/i18n formats a date itself (toLocale*String or a UTC day slice)', () => {
    const offenders = files('src')
      .filter((f) => !f.startsWith(path.join('src', 'i18n') + path.sep) && /\.(ts|tsx|astro|mjs)$/.test(f))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((line, i) => (banned.some((b) => b.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });

  it('the check catches what it looks for', () => {
    for (const line of ["new Date(iso).toLocaleString('zh-CN')", 'd.toLocaleDateString()', 'd.toLocaleTimeString("zh-CN", {})', 'now.toISOString().slice(0, 10)', 'now.toISOString().slice(0, 7)']) expect(banned.some((b) => b.test(line))).toBe(true);
    for (const line of ["a.localeCompare(b, 'zh-CN')", 'formatDate(iso)', "hireDate.slice(0, 7)"]) expect(banned.some((b) => b.test(line))).toBe(false);
    expect(files('src').length).toBeGreaterThan(100);
  });
});
