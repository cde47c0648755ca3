// The audit log as admins and HR read it: every entry described in words
// (people and certificates by name and code, never by id), filtered by actor,
// action and Beijing date, searched, and paged. All pure but auditLog, which
// only gathers the names from the store.
import { storageOf } from './runtime';
import { everyPage } from './paging';
import type { Runtime } from './runtime';
import { AUDIT_ACTIONS, type AuditAction, type AuditRecord, type CertificateRecord, type CohortRecord, type UserRecord } from '../store';
import { isRole } from '../auth/roles';
import { localDay, localTimestamp, t, timeZoneLabel } from '../i18n';
import { toCsv } from '../hr';

export const AUDIT_PAGE_SIZE = 50;

/** Labels for every action: the type fails to compile when an action has none. */
export const AUDIT_LABELS: Record<AuditAction, string> = t.audit.actions;

export interface AuditFilters {
  /** Username of the person who acted. */
  actor?: string;
  action?: AuditAction;
  /** Beijing dates, YYYY-MM-DD, both days included. */
  from?: string;
  to?: string;
  /** Free text over names, codes, reasons and details. */
  q?: string;
  page: number;
}

/** Who or what an entry is about, as a person reads it. */
export interface AuditParty {
  kind: 'person' | 'certificate' | 'cohort' | 'file' | 'unknown';
  name: string;
  /** Username, certificate code or file name; empty when there is none. */
  code: string;
  /** A certificate's holder's username. */
  holder?: string;
}

export interface AuditRow {
  at: string;
  /** In the organisation's time zone (localTimestamp), YYYY-MM-DD HH:mm:ss. */
  when: string;
  action: AuditAction;
  label: string;
  actor: AuditParty;
  target: AuditParty;
  reason: string;
  details: string;
}

/** What entries refer to by id. */
export interface AuditNames {
  users: ReadonlyMap<string, Pick<UserRecord, 'displayName' | 'username'>>;
  certificates: ReadonlyMap<string, Pick<CertificateRecord, 'code' | 'holderName' | 'userId'>>;
  cohorts: ReadonlyMap<string, Pick<CohortRecord, 'name'>>;
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const isAction = (s: string): s is AuditAction => (AUDIT_ACTIONS as readonly string[]).includes(s);

/**
 * Reads the filters from a query string. A malformed date or an unknown
 * action is left out and named in `problem` (the page answers 400 with it).
 */
export function auditFiltersFrom(q: URLSearchParams): { filters: AuditFilters; problem?: string } {
  const problems: string[] = [];
  const filters: AuditFilters = { page: Math.max(1, Math.floor(Number(q.get('page') ?? 1)) || 1) };
  const actor = q.get('actor')?.trim();
  if (actor) filters.actor = actor.slice(0, 40);
  const action = q.get('action')?.trim();
  if (action && isAction(action)) filters.action = action;
  else if (action) problems.push('没有这种操作类型，请从列表中选择。');
  for (const k of ['from', 'to'] as const) {
    const v = q.get(k)?.trim();
    if (v && isDate(v)) filters[k] = v;
    else if (v) problems.push(`${k === 'from' ? '开始' : '结束'}日期格式应为 YYYY-MM-DD。`);
  }
  if (filters.from && filters.to && filters.from > filters.to) problems.push('开始日期不能晚于结束日期。');
  const text = q.get('q')?.trim();
  if (text) filters.q = text.slice(0, 100);
  return { filters, problem: problems.length ? problems.join(' ') : undefined };
}

/** The filters as a query string (page 1 unless given), for the pager and the CSV link. */
export function auditQuery(f: AuditFilters, page?: number): string {
  const p = new URLSearchParams();
  for (const k of ['actor', 'action', 'from', 'to', 'q'] as const) if (f[k]) p.set(k, f[k]!);
  if (page && page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const person = (u: Pick<UserRecord, 'displayName' | 'username'>): AuditParty => ({ kind: 'person', name: u.displayName, code: u.username });

function actorOf(e: AuditRecord, n: AuditNames): AuditParty {
  const u = n.users.get(e.actorId);
  return u ? person(u) : { kind: 'unknown', name: t.audit.unknownUser, code: '' };
}

function targetOf(e: AuditRecord, n: AuditNames): AuditParty {
  const cert = n.certificates.get(e.targetId);
  if (cert) return { kind: 'certificate', name: cert.holderName, code: cert.code, holder: n.users.get(cert.userId)?.username };
  const u = n.users.get(e.targetId);
  if (u) return person(u);
  const cohort = n.cohorts.get(e.targetId);
  if (cohort) return { kind: 'cohort', name: cohort.name, code: '' };
  if (e.action === 'export') return { kind: 'file', name: t.audit.files[e.targetId] ?? t.audit.exportFile, code: e.targetId };
  if (e.action === 'user.import') return { kind: 'file', name: t.audit.importFile, code: e.targetId };
  // A certificate the store no longer lists: its code and holder as the entry recorded them.
  if (e.action.startsWith('certificate.') && typeof e.details?.code === 'string') {
    const holder = typeof e.details.userId === 'string' ? n.users.get(e.details.userId) : undefined;
    return { kind: 'certificate', name: holder?.displayName ?? '', code: e.details.code, holder: holder?.username };
  }
  return { kind: 'unknown', name: t.audit.unknownTarget, code: '' };
}

const roleName = (r: unknown) => (isRole(r) ? t.roles[r] : String(r ?? ''));
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The filters an export was made with, in words. */
function filtersText(f: unknown, n: AuditNames): string {
  if (!f || typeof f !== 'object') return '';
  const parts = Object.entries(f as Record<string, unknown>)
    .filter(([k, v]) => v !== undefined && v !== '' && k !== 'page')
    .map(([k, v]) => {
      const value = k === 'cohortId' ? (n.cohorts.get(String(v))?.name ?? '') : k === 'action' && isAction(String(v)) ? AUDIT_LABELS[v as AuditAction] : String(v);
      return `${t.audit.fields[k] ?? k} ${value}`;
    });
  return parts.length ? `筛选：${parts.join('；')}` : '';
}

/** An entry's details, summarised in words (ids are resolved to names or left out). */
export function detailsText(e: AuditRecord, n: AuditNames): string {
  const d = e.details ?? {};
  const parts: string[] = [];
  switch (e.action) {
    case 'user.create':
      if (d.role) parts.push(`角色：${roleName(d.role)}`);
      break;
    case 'user.import': {
      const names = strings(d.usernames);
      parts.push(`导入 ${num(d.count) ?? names.length} 人${names.length ? `：${names.join('、')}` : ''}`);
      break;
    }
    case 'user.update':
      parts.push(`修改：${strings(d.fields).map((f) => t.audit.fields[f] ?? f).join('、')}`);
      break;
    case 'user.role':
      parts.push(`角色：${roleName(d.from)} → ${roleName(d.to)}`);
      break;
    case 'export': {
      const rows = num(d.rows) ?? num(d.statements);
      if (rows !== undefined) parts.push(`${rows} ${d.statements !== undefined ? '条记录' : '行'}`);
      if (num(d.people) !== undefined) parts.push(`${d.people} 人`);
      const f = filtersText(d.filters, n);
      if (f) parts.push(f);
      break;
    }
  }
  if (typeof d.newCode === 'string') parts.push(`新验证码 ${d.newCode}`);
  const cohort = typeof d.cohortId === 'string' ? n.cohorts.get(d.cohortId) : undefined;
  if (cohort) parts.push(`${t.audit.cohort} ${cohort.name}`);
  if (e.action.startsWith('cohort.') && strings(d.traineeIds).length) parts.push(`学员 ${strings(d.traineeIds).length} 人`);
  return parts.join('，');
}

export function describeAudit(e: AuditRecord, n: AuditNames): AuditRow {
  return {
    at: e.at,
    when: localTimestamp(e.at),
    action: e.action,
    label: AUDIT_LABELS[e.action] ?? e.action,
    actor: actorOf(e, n),
    target: targetOf(e, n),
    reason: e.reason ?? '',
    details: detailsText(e, n),
  };
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** Whether a described row passes the filters (the page number aside). */
export function matchesAudit(r: AuditRow, f: AuditFilters): boolean {
  if (f.actor && r.actor.code !== f.actor) return false;
  if (f.action && r.action !== f.action) return false;
  const day = localDay(r.at);
  if (f.from && day < f.from) return false;
  if (f.to && day > f.to) return false;
  if (f.q) {
    const hay = fold([r.actor.name, r.actor.code, r.target.name, r.target.code, r.target.holder ?? '', r.reason, r.details, r.label].join('\n'));
    if (!fold(f.q).split(/\s+/).every((w) => hay.includes(w))) return false;
  }
  return true;
}

/** The filtered log, newest first. */
export function filterAudit(entries: readonly AuditRecord[], n: AuditNames, f: AuditFilters): AuditRow[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.at.localeCompare(a.e.at) || b.i - a.i)
    .map(({ e }) => describeAudit(e, n))
    .filter((r) => matchesAudit(r, f));
}

/** One page of the filtered log, with the count. */
export function auditPage(entries: readonly AuditRecord[], n: AuditNames, f: AuditFilters, size = AUDIT_PAGE_SIZE) {
  const rows = filterAudit(entries, n, f);
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const page = Math.min(f.page, pages);
  return { rows: rows.slice((page - 1) * size, page * size), total: rows.length, page, pages };
}

/** The people who appear as actors in the log, for the actor filter, by name. */
export function auditActors(entries: readonly AuditRecord[], n: AuditNames): AuditParty[] {
  const ids = [...new Set(entries.map((e) => e.actorId))];
  return ids
    .map((id) => n.users.get(id))
    .filter((u): u is NonNullable<typeof u> => !!u)
    .map(person)
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** The names the log refers to, from the store (users, certificates and cohorts are never deleted). */
export async function auditNames(rt: Runtime): Promise<AuditNames> {
  const s = storageOf(rt);
  return {
    users: new Map((await s.listUsers({ includeInactive: true })).map((u) => [u.id, u])),
    certificates: new Map((await everyPage((page) => s.listAllCertificates(page))).map((c) => [c.id, c])),
    cohorts: new Map((await s.listCohorts()).map((c) => [c.id, c])),
  };
}

/** The CSV of the filtered log: header row, then one row per entry (written by the hr CSV helper). */
export function auditCsvRows(rows: readonly AuditRow[]): unknown[][] {
  return [
    [`时间（${timeZoneLabel()}）`, '操作人', '操作人用户名', '操作', '对象', '对象编号', '原因', '详情'],
    ...rows.map((r) => [r.when, r.actor.name, r.actor.code, r.label, r.target.kind === 'certificate' ? `${t.audit.certificate}（${r.target.name}${r.target.holder ? ` ${r.target.holder}` : ''}）` : r.target.name, r.target.code, r.reason, r.details]),
  ];
}

/** Every entry of the log, oldest first. */
export const allAudit = (rt: Runtime) => everyPage((page) => storageOf(rt).listAudit({}, page));

/** The CSV export of the filtered log (audited as an export), or the filter's problem. */
export async function auditCsvExport(rt: Runtime, user: UserRecord, query: URLSearchParams, now: Date): Promise<{ csv: string; name: string } | { problem: string }> {
  const { filters, problem } = auditFiltersFrom(query);
  if (problem) return { problem };
  const rows = filterAudit(await allAudit(rt), await auditNames(rt), filters);
  const { page, ...kept } = filters;
  void page;
  await storageOf(rt).appendAudit({ at: now.toISOString(), actorId: user.id, action: 'export', targetId: 'audit-log.csv', details: { format: 'csv', rows: rows.length, filters: kept } });
  return { csv: toCsv(auditCsvRows(rows)), name: `audit-log-${localDay(now)}.csv` };
}
