// Views and commands of the admin pages: the accounts list, creating, editing
// and importing accounts, and the audit log with its CSV export. Pages call one
// of these and render what comes back; GET views never write.
import { storageOf, type Runtime } from './runtime';
import { AUDIT_ACTIONS, type UserRecord } from '../store';
import type { Role } from '../auth/roles';
import { createAccount, importTrainees, resetPassword, setActive, updateAccount, type FieldErrors, type ImportOutcome, type UserFields } from '../people';
import { BadRequest, readForm, refusal } from './http';
import { AUDIT_LABELS, auditActors, auditCsvExport, auditFiltersFrom, auditNames, allAudit, auditPage } from './audit-log';

/** The accounts list of /admin, by role then user name, and the sites to filter by. */
export async function usersListView(rt: Runtime, filter: { role?: Role; site?: string }) {
  const s = storageOf(rt);
  const users = (await s.listUsers({ ...filter, includeInactive: true })).sort((a, b) => a.role.localeCompare(b.role) || a.username.localeCompare(b.username));
  return { users, sites: (await s.getOrg()).sites };
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
  if (action === 'deactivate' || action === 'reactivate') {
    const problem = await setActive(s, actor, target, action === 'reactivate', at, String(form.get('reason') ?? ''));
    return problem ? { problem } : { redirect: '/admin?saved=1' };
  }
  return { problem: '未知操作' };
}

/** Imports trainees from the uploaded CSV (all or nothing, audited); a file that is missing or not UTF-8 is a BadRequest. */
export async function importAccounts(rt: Runtime, actor: UserRecord, form: FormData, now: Date): Promise<ImportOutcome> {
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) throw new BadRequest('请选择一个 CSV 文件');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
  } catch {
    throw new BadRequest('文件不是 UTF-8 编码。请在 Excel 中“另存为 CSV UTF-8”。');
  }
  return importTrainees(storageOf(rt), actor, text, file.name, now.toISOString());
}

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
