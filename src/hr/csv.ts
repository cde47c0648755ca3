/**
 * CSV for Excel and other systems: UTF-8 with a BOM (so Excel shows Chinese),
 * CRLF line ends, quotes where needed, and cells that a spreadsheet would run
 * as a formula (= + - @, tab, CR) prefixed with an apostrophe.
 */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const toCsv = (rows: ReadonlyArray<ReadonlyArray<unknown>>) => '\uFEFF' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
