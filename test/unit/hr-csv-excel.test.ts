// The certification CSV as Excel reads it: parsed back with a real spreadsheet
// parser (SheetJS), cell types checked. "7/7" in one cell used to become a date.
import { afterEach, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { csvRows } from '../../src/app/hr-service';
import { auditCsvRows, describeAudit, type AuditNames } from '../../src/app/audit-log';
import { toCsv, type PersonFacts } from '../../src/hr';
import { configureOrgTimeZone } from '../../src/i18n';

const NOW = new Date('2026-12-01T17:36:00Z'); // 2026-12-02 01:36 in Beijing
afterEach(() => void configureOrgTimeZone(undefined));

const person = (over: Partial<PersonFacts> & { id: string }): PersonFacts => ({
  name: over.id, username: over.id, site: '阳光花园', department: '客服部', active: true, cohortIds: [], cohortNames: [], modulesDone: 0, modulesTotal: 7,
  started: false, scenarioBest: [], observed: [], issued: [], ...over,
});
const cats = (n: number) => ({ law: n, process: n, cases: n, professionalism: n });

const PEOPLE: PersonFacts[] = [
  // Done and certified at 01:36 Beijing time on 12-02.
  person({ id: 'done', name: '王小明', modulesDone: 7, started: true, dueDate: '2026-11-20', cohortNames: ['十一月班'], exam: { percent: 90, passed: true, at: 'x', byCategory: cats(90) }, certificate: { id: 'c', code: 'X', issuedAt: '2026-12-01T17:36:00Z', expiresAt: '2028-12-01T17:36:00Z', status: 'valid' }, issued: ['2026-12-01T17:36:00Z'] }),
  // Due yesterday (Beijing), not certified: overdue. A name a spreadsheet would run as a formula.
  person({ id: 'late', name: '=1+1', modulesDone: 3, started: true, dueDate: '2026-12-01', cohortNames: ['十二月班'] }),
  // Due today (Beijing): not overdue yet. No due date: never overdue.
  person({ id: 'today', name: '李晓婷', modulesDone: 1, started: true, dueDate: '2026-12-02' }),
  person({ id: 'none', name: '孙浩', modulesDone: 12, modulesTotal: 12 }),
];

/** The CSV as Excel opens it: the first sheet, and its cells by header. */
function asExcel(csv: string) {
  const wb = XLSX.read(Buffer.from(csv, 'utf8'), { type: 'buffer', cellDates: false });
  const sheet = wb.Sheets[wb.SheetNames[0]!]!;
  const range = XLSX.utils.decode_range(sheet['!ref']!);
  const header: string[] = [];
  for (let c = range.s.c; c <= range.e.c; c++) header.push(String(sheet[XLSX.utils.encode_cell({ r: 0, c })]?.v ?? ''));
  const cell = (row: number, name: string) => {
    const c = header.indexOf(name);
    if (c < 0) throw new Error(`no column ${name}: ${header.join(',')}`);
    return sheet[XLSX.utils.encode_cell({ r: row, c })] as XLSX.CellObject | undefined;
  };
  return { header, cell, rows: range.e.r };
}

describe('the certification CSV in Excel', () => {
  const csv = toCsv(csvRows(PEOPLE, NOW));
  const xl = asExcel(csv);

  it('keeps the BOM and CRLF line ends, one row per person', () => {
    expect(csv.startsWith('\uFEFF姓名,')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(PEOPLE.length + 2);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(xl.rows).toBe(PEOPLE.length);
  });

  it('writes chapter counts as numbers in their own columns, never a date or a fraction', () => {
    // Why: the parser (like Excel) reads the old "7/7" cell as the date 2001-07-07.
    expect(asExcel('\uFEFF课程完成\r\n7/7\r\n').cell(1, '课程完成')).toMatchObject({ t: 'n', v: 37079 });
    expect(xl.header).not.toContain('课程完成');
    const counts = PEOPLE.map((_, i) => [xl.cell(i + 1, '已完成章数'), xl.cell(i + 1, '总章数')]);
    for (const [done, total] of counts) {
      expect(done?.t).toBe('n');
      expect(total?.t).toBe('n');
      // A number Excel took for a date carries a date format; these carry none.
      expect(XLSX.SSF.is_date(done?.z ?? 'General')).toBe(false);
      expect(XLSX.SSF.is_date(total?.z ?? 'General')).toBe(false);
    }
    expect(counts.map(([d, t]) => [d!.v, t!.v])).toEqual([[7, 7], [3, 7], [1, 7], [12, 12]]);
    // No cell anywhere holds an "a/b" Excel would turn into a date.
    expect(csv).not.toMatch(/(^|,)\d+\/\d+(,|\r)/m);
  });

  it('has 截止日期 and 是否逾期 by the dashboard rule (the due day passed in the org zone, no valid certificate)', () => {
    const overdue = PEOPLE.map((_, i) => xl.cell(i + 1, '是否逾期')?.v);
    // Excel reads YYYY-MM-DD as a date: that is what a due date is (the cell shows that day).
    expect(PEOPLE.map((_, i) => excelDay(xl.cell(i + 1, '截止日期')))).toEqual(['2026-11-20', '2026-12-01', '2026-12-02', '']);
    expect(overdue).toEqual(['否', '是', '否', '否']);
    expect(xl.cell(1, '是否逾期')?.t).toBe('s');
  });

  it('dates are the Beijing day, and with ORG_TIME_ZONE=UTC the UTC day', () => {
    expect([excelDay(xl.cell(1, '颁发日期')), excelDay(xl.cell(1, '到期日期'))]).toEqual(['2026-12-02', '2028-12-02']);
    configureOrgTimeZone('UTC');
    const utc = asExcel(toCsv(csvRows(PEOPLE, NOW)));
    expect([excelDay(utc.cell(1, '颁发日期')), excelDay(utc.cell(1, '到期日期'))]).toEqual(['2026-12-01', '2028-12-01']);
    // 12-01 is not after the due day 12-01 in UTC: not overdue yet.
    expect(utc.cell(2, '是否逾期')?.v).toBe('否');
  });

  it('a name like =1+1 stays text, scores stay numbers', () => {
    const name = xl.cell(2, '姓名')!;
    expect(name.t).toBe('s');
    expect(name.f).toBeUndefined();
    expect(String(name.v)).toContain('=1+1');
    expect(xl.cell(1, '考试成绩')).toMatchObject({ t: 'n', v: 90 });
  });
});

/** A date cell as Excel shows it, YYYY-MM-DD ('' for an empty cell). */
function excelDay(c: XLSX.CellObject | undefined): string {
  if (!c) return '';
  if (c.t === 'n') return XLSX.SSF.format('yyyy-mm-dd', c.v as number);
  return String(c.v ?? '');
}

describe('the audit CSV in Excel', () => {
  const names: AuditNames = { users: new Map([['u1', { displayName: '陈丽华', username: 'hr' }]]), certificates: new Map(), cohorts: new Map() };
  const rowsAt = () => auditCsvRows([describeAudit({ id: 'a1', at: NOW.toISOString(), actorId: 'u1', action: 'export', targetId: 'certification-status.csv', details: { format: 'csv', rows: 3 } }, names)]);

  it('gives the time in the org zone, named in the header, as a date-time Excel reads', () => {
    const xl = asExcel(toCsv(rowsAt()));
    expect(xl.header[0]).toBe('时间（北京时间）');
    const when = xl.cell(1, '时间（北京时间）')!;
    expect(when.t).toBe('n');
    expect(XLSX.SSF.format('yyyy-mm-dd hh:mm:ss', when.v as number)).toBe('2026-12-02 01:36:00');
    configureOrgTimeZone('UTC');
    const utc = asExcel(toCsv(rowsAt()));
    expect(utc.header[0]).toBe('时间（UTC）');
    expect(XLSX.SSF.format('yyyy-mm-dd hh:mm:ss', utc.cell(1, '时间（UTC）')!.v as number)).toBe('2026-12-01 17:36:00');
  });
});
