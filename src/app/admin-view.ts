// Views and commands of the admin pages: the accounts list, creating, editing
// and importing accounts, and the audit log with its CSV export. Pages call one
// of these and render what comes back; GET views never write.
import { storageOf, type Runtime } from './runtime';
import { AUDIT_ACTIONS, type UserRecord } from '../store';
import { isRole } from '../auth/roles';
import { createAccount, decodeCsv, importTemplateCsv, importTrainees, TEMPLATE_LINES, resetPassword, setActive, updateAccount, type FieldErrors, type ImportOutcome, type UserFields } from '../people';
import { BadRequest, readForm, refusal } from './http';
import { t } from '../i18n';
import { AUDIT_LABELS, auditActors, auditCsvExport, auditFiltersFrom, auditNames, allAudit, auditPage } from './audit-log';

/** Accounts on one page of /admin. */
export const USERS_PER_PAGE = 50;
const STATUSES = ['all', 'active', 'inactive'] as const;

/** The filters of /admin as its query string gives them; anything unknown reads as "any". */
export function usersQueryOf(q: URLSearchParams) {
  const role = q.get('role');
  const status = q.get('status');
  return {
    text: (q.get('q') ?? '').trim().slice(0, 50),
    role: isRole(role) ? role : undefined,
    site: (q.get('site') ?? '').slice(0, 100) || undefined,
    status: (STATUSES as readonly string[]).includes(status ?? '') ? (status as (typeof STATUSES)[number]) : 'all',
    page: Math.max(1, Math.min(100_000, Math.floor(Number(q.get('page'))) || 1)),
  };
}
export type UsersQuery = ReturnType<typeof usersQueryOf>;

/** The query string of /admin for these filters on page `page` (the defaults left out). */
export function usersHref(f: UsersQuery, page = f.page): string {
  const q = new URLSearchParams();
  if (f.text) q.set('q', f.text);
  if (f.role) q.set('role', f.role);
  if (f.site) q.set('site', f.site);
  if (f.status !== 'all') q.set('status', f.status);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `/admin?${s}` : '/admin';
}

/** One page of the accounts list of /admin (search, role, site, status), the total found and the sites to filter by. */
export async function usersListView(rt: Runtime, query: URLSearchParams) {
  const s = storageOf(rt);
  const filters = usersQueryOf(query);
  const found = await s.searchUsers(
    { text: filters.text || undefined, role: filters.role, site: filters.site, status: filters.status },
    { from: (filters.page - 1) * USERS_PER_PAGE, limit: USERS_PER_PAGE },
  );
  const pages = Math.max(1, Math.ceil(found.total / USERS_PER_PAGE));
  return {
    filters,
    users: found.items,
    total: found.total,
    page: filters.page,
    pages,
    prev: filters.page > 1 ? usersHref(filters, Math.min(filters.page - 1, pages)) : undefined,
    next: found.next !== undefined ? usersHref(filters, filters.page + 1) : undefined,
    sites: (await s.getOrg()).sites,
  };
}

/** The sites and departments an account form offers. */
export async function accountFormView(rt: Runtime) {
  const { sites, departments } = await storageOf(rt).getOrg();
  return { sites, departments };
}

/** Creates an account from the new-account form (audited); `errors` is empty when it was created. */
export const createAccountCommand = (rt: Runtime, actor: UserRecord, form: FormData, now: Date) => createAccount(storageOf(rt), actor, form, now.toISOString());

/** The account an admin edits, with the form's choices; undefined for an unknown id. */
export async function accountEditView(rt: Runtime, id: string) {
  const target = await storageOf(rt).getUser(id);
  return target && { target, ...(await accountFormView(rt)) };
}

export type AccountChange = { redirect: string } | { message?: string; problem?: string; values?: Partial<UserFields>; errors?: FieldErrors };

/**
 * One action of the edit page's forms: save the fields, reset the password,
 * deactivate or reactivate. A refusal comes back as `problem` or field `errors`.
 */
export async function changeAccount(rt: Runtime, actor: UserRecord, target: UserRecord, form: FormData, now: Date): Promise<AccountChange> {
  const s = storageOf(rt);
  const at = now.toISOString();
  const action = String(form.get('action') ?? '');
  if (action === 'save') {
    const r = await updateAccount(s, actor, target, form, at);
    return Object.keys(r.errors).length ? { values: { ...target, ...r.fields }, errors: r.errors } : { redirect: '/admin?saved=1' };
  }
  if (action === 'password') {
    const problem = await resetPassword(s, actor, target, String(form.get('newPassword') ?? ''), at);
    return problem ? { problem } : { message: '密码已重置。该用户的所有登录都已退出；用新密码登录后须先改成自己的密码。' };
  }
  // Deactivating signs the person out everywhere: only the confirmation step's form (confirm=yes) does it.
  if (action === 'deactivate' && form.get('confirm') !== 'yes') return { problem: t.admin.deactivateUnconfirmed };
  if (action === 'deactivate' || action === 'reactivate') {
    const problem = await setActive(s, actor, target, action === 'reactivate', at, String(form.get('reason') ?? ''));
    return problem ? { problem } : { redirect: '/admin?saved=1' };
  }
  return { problem: '未知操作' };
}

/** An import's outcome, and whether the file had to be read as GBK (Excel's "CSV" on Chinese Windows). */
export type ImportResultView = ImportOutcome & { readAsGbk?: boolean };

/**
 * Imports trainees from the uploaded CSV (all or nothing, audited). The file
 * may be UTF-8 (with or without BOM), GBK/GB18030 or UTF-16; a file that is
 * missing or in none of them is a BadRequest.
 */
export async function importAccounts(rt: Runtime, actor: UserRecord, form: FormData, now: Date): Promise<ImportResultView> {
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) throw new BadRequest('请选择一个 CSV 文件');
  const decoded = decodeCsv(new Uint8Array(await file.arrayBuffer()));
  if (!decoded) throw new BadRequest(t.admin.unknownEncoding);
  const outcome = await importTrainees(storageOf(rt), actor, decoded.text, file.name, now.toISOString());
  return decoded.encoding === 'gb18030' ? { ...outcome, readAsGbk: true } : outcome;
}

/** The template's rows as the import page shows them (the same as the download). */
export const importTemplateSample = () => TEMPLATE_LINES.join('\n');

/** GET /admin/import/template.csv: the template to fill in (UTF-8 with BOM), named in Chinese for the browser and in ASCII for old ones. */
export const importTemplateDownload = () =>
  new Response(importTemplateCsv(), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="trainee-import-template.csv"; filename*=UTF-8''${encodeURIComponent('学员导入模板.csv')}`,
      'Cache-Control': 'no-store',
    },
  });

/** The audit log page: one page of the filtered log, the actors and actions to filter by, or the filter's problem. */
export async function auditLogView(rt: Runtime, query: URLSearchParams) {
  const { filters, problem } = auditFiltersFrom(query);
  const entries = await allAudit(rt);
  const names = await auditNames(rt);
  return {
    filters,
    problem,
    page: auditPage(entries, names, filters),
    actors: auditActors(entries, names),
    actions: AUDIT_ACTIONS.map((value) => ({ value, label: AUDIT_LABELS[value] })),
  };
}

const plain = (message: string, status: number, headers: Record<string, string> = {}) =>
  new Response(message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });

/** A file to download, never kept by a browser or proxy. */
const download = (body: string, type: string, name: string) =>
  new Response(body, { headers: { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' } });

/** An export is audited, so it is a POST (the page's form); a GET (a link, a prefetch, a crawler) is refused and logs nothing. */
export const exportByPostOnly = () => plain('导出请使用审计日志页面上的“导出 CSV”按钮（POST 提交）。', 405, { Allow: 'POST' });

/**
 * POST /admin/audit.csv: the filters come as form fields (the page's hidden
 * inputs); answers the CSV of the filtered log, audited once as an export,
 * or a 4xx with the problem in Chinese and nothing logged.
 */
export async function auditCsvDownload(rt: Runtime, user: UserRecord, request: Request, now: Date): Promise<Response> {
  let form: FormData;
  try {
    form = await readForm(request);
  } catch (e) {
    const r = refusal(e);
    if (!r) throw e;
    return plain(r.message, r.status);
  }
  const fields = new URLSearchParams();
  for (const [k, v] of form) if (typeof v === 'string') fields.append(k, v);
  const r = await auditCsvExport(rt, user, fields, now);
  if ('problem' in r) return plain(r.problem, 400);
  return download(r.csv, 'text/csv; charset=utf-8', r.name);
}
