import Papa from 'papaparse';
import { passwordProblem } from '../auth/password';

/** A row of the trainee import, validated. */
export interface ImportRow {
  line: number;
  username: string;
  displayName: string;
  department: string;
  site: string;
  hireDate?: string;
  password?: string;
}

export interface ImportError {
  line: number;
  message: string;
}

export type ImportResult = { ok: true; rows: ImportRow[] } | { ok: false; errors: ImportError[] };

/** Accepted column headers (Chinese or English) for each field. */
const HEADERS: Record<keyof Omit<ImportRow, 'line'>, string[]> = {
  username: ['username', '用户名', '账号'],
  displayName: ['displayname', 'name', '姓名'],
  department: ['department', '部门'],
  site: ['site', '项目', '小区'],
  hireDate: ['hiredate', '入职日期'],
  password: ['password', '初始密码'],
};
const REQUIRED = ['username', 'displayName', 'department', 'site'] as const;

export const USERNAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]{2,31}$/;
export const MAX_IMPORT_ROWS = 2000;

/** How a date may be written: ISO, and what Excel on Chinese Windows writes (`2026/12/1`, with a time if the cell had one; `2026年12月1日`). */
const DATE_FORMS = [/^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/, /^(\d{4})(年)(\d{1,2})月(\d{1,2})日$/];
export const DATE_EXAMPLES = '2026-12-01、2026/12/1 或 2026年12月1日';

/**
 * A date as the import accepts it, as YYYY-MM-DD: `undefined` when it is not
 * written in one of the accepted forms, 'impossible' when it is but names no
 * real day (2026/2/30, 2026-13-01).
 */
export function normaliseDate(raw: string): string | 'impossible' | undefined {
  const s = raw.trim().replace(/\s+/g, ' ');
  for (const form of DATE_FORMS) {
    const m = form.exec(s);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const at = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || d < 1 || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) return 'impossible';
    return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }
  return undefined;
}

/** The character sets a CSV file is read in: UTF-8 first, then what Excel on Chinese Windows saves as "CSV". */
export type CsvEncoding = 'utf-8' | 'gb18030' | 'utf-16';

/**
 * The text of an uploaded CSV file and the character set it was read in: a
 * UTF-16 file by its byte order mark; otherwise strict UTF-8 (BOM or not),
 * and when that fails GB18030 (a superset of GBK, which Excel on Chinese
 * Windows writes). `undefined` when it is none of them.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } | undefined {
  const strict = (label: string) => {
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const text = strict(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be');
    return text === undefined ? undefined : { text, encoding: 'utf-16' };
  }
  const utf8 = strict('utf-8');
  if (utf8 !== undefined) return { text: utf8, encoding: 'utf-8' };
  const gb = strict('gb18030');
  return gb === undefined ? undefined : { text: gb, encoding: 'gb18030' };
}

/** The header row the template offers, in the order of its columns. */
export const TEMPLATE_HEADER = ['用户名', '姓名', '部门', '项目', '入职日期', '初始密码'] as const;

/** The template's rows: the header and one example (the import page shows them; the download holds them). */
export const TEMPLATE_LINES = [TEMPLATE_HEADER.join(','), 'wang.fang,王芳,客服部,阳光花园,2026-12-01,'] as const;

/** The import template: UTF-8 with a BOM (so Excel reads the Chinese), CRLF, the header row and one example row. */
export const importTemplateCsv = (): string => `\uFEFF${TEMPLATE_LINES.join('\r\n')}\r\n`;

/**
 * Parses the text of a CSV of trainees (BOM optional; see decodeCsv for the bytes). All rows must be valid for
 * any to be imported: every problem is reported with its line number.
 */
export function parseTraineeCsv(text: string, existingUsernames: ReadonlySet<string>): ImportResult {
  const src = text.replace(/^\uFEFF/, '');
  const records: Array<{ line: number; cells: string[] }> = [];
  // Line numbers are counted from each row's start offset, so quoted fields with line breaks keep them right.
  let start = 0;
  let startLine = 1;
  Papa.parse<string[]>(src, {
    header: false,
    step: (r) => {
      records.push({ line: startLine, cells: r.data.map((c) => (c ?? '').trim()) });
      const eol = /^(\r\n|\n|\r)/.exec(src.slice(r.meta.cursor, r.meta.cursor + 2));
      const next = r.meta.cursor + (eol ? eol[0].length : 0);
      startLine += (src.slice(start, next).match(/\r\n|\n|\r/g) ?? []).length;
      start = next;
    },
  });
  const nonEmpty = records.filter((r) => r.cells.some((c) => c !== ''));
  if (!nonEmpty.length) return { ok: false, errors: [{ line: 1, message: '文件是空的：第一行应为表头（用户名,姓名,部门,项目）' }] };
  const [header, ...rows] = nonEmpty;
  const index: Partial<Record<keyof typeof HEADERS, number>> = {};
  header!.cells.forEach((h, i) => {
    const key = (Object.keys(HEADERS) as Array<keyof typeof HEADERS>).find((k) => HEADERS[k].includes(h.toLowerCase().replace(/\s+/g, '')));
    if (key && index[key] === undefined) index[key] = i;
  });
  const missing = REQUIRED.filter((k) => index[k] === undefined);
  if (missing.length) {
    return { ok: false, errors: [{ line: header!.line, message: `表头缺少列：${missing.map((k) => HEADERS[k][1]).join('、')}（可用中文或英文列名）` }] };
  }
  if (!rows.length) return { ok: false, errors: [{ line: header!.line, message: '只有表头，没有学员数据' }] };
  if (rows.length > MAX_IMPORT_ROWS) return { ok: false, errors: [{ line: header!.line, message: `一次最多导入 ${MAX_IMPORT_ROWS} 人，请拆分文件` }] };

  const errors: ImportError[] = [];
  const out: ImportRow[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const get = (k: keyof typeof HEADERS) => (index[k] === undefined ? '' : (r.cells[index[k]!] ?? ''));
    const row: ImportRow = {
      line: r.line,
      username: get('username'),
      displayName: get('displayName'),
      department: get('department'),
      site: get('site'),
      hireDate: get('hireDate') || undefined,
      password: get('password') || undefined,
    };
    const problems: string[] = [];
    if (!USERNAME_RE.test(row.username)) problems.push('用户名须为 3–32 位字母、数字、点、下划线或连字符');
    else if (existingUsernames.has(row.username)) problems.push(`用户名“${row.username}”已存在`);
    else if (seen.has(row.username)) problems.push(`用户名“${row.username}”与第 ${seen.get(row.username)} 行重复`);
    if (!row.displayName || row.displayName.length > 30) problems.push('姓名必填，最多 30 字');
    if (!row.department) problems.push('部门必填');
    if (!row.site) problems.push('项目必填');
    if (row.hireDate) {
      const date = normaliseDate(row.hireDate);
      if (date === 'impossible') problems.push(`入职日期“${row.hireDate}”不是真实存在的日期`);
      else if (!date) problems.push(`入职日期“${row.hireDate}”无法识别，请写成 ${DATE_EXAMPLES}`);
      else row.hireDate = date;
    }
    const weak = row.password && passwordProblem(row.password, { username: row.username });
    if (weak) problems.push(`初始密码：${weak}（留空则自动生成）`);
    if (problems.length) errors.push({ line: r.line, message: problems.join('；') });
    else out.push(row);
    if (USERNAME_RE.test(row.username) && !seen.has(row.username)) seen.set(row.username, r.line);
  }
  return errors.length ? { ok: false, errors } : { ok: true, rows: out };
}
