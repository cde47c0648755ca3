import { isRole } from '../auth/roles';
import type { UserRecord } from '../store/types';
import { USERNAME_RE } from './csv-import';
import { passwordProblem } from '../auth/password';

/** The fields an admin edits on the user form. */
export type UserFields = Pick<UserRecord, 'username' | 'displayName' | 'role' | 'department' | 'site' | 'hireDate'>;

export type FieldErrors = Partial<Record<keyof UserFields | 'password', string>>;

const str = (form: FormData, k: string, max = 60) => String(form.get(k) ?? '').trim().slice(0, max);

/** Validates the admin's user form; every message names what to fix. */
export function readUserForm(form: FormData, opts: { withPassword: boolean }): { fields: UserFields; password?: string; errors: FieldErrors } {
  const role = str(form, 'role');
  const hireDate = str(form, 'hireDate') || undefined;
  const fields: UserFields = {
    username: str(form, 'username', 40),
    displayName: str(form, 'displayName', 40),
    role: isRole(role) ? role : 'trainee',
    department: str(form, 'department'),
    site: str(form, 'site'),
    hireDate,
  };
  const errors: FieldErrors = {};
  if (!USERNAME_RE.test(fields.username)) errors.username = '用户名须为 3–32 位字母、数字、点、下划线或连字符';
  if (!fields.displayName || fields.displayName.length > 30) errors.displayName = '姓名必填，最多 30 字';
  if (!isRole(role)) errors.role = '请选择角色';
  if (hireDate && !/^\d{4}-\d{2}-\d{2}$/.test(hireDate)) errors.hireDate = '日期格式应为 YYYY-MM-DD';
  let password: string | undefined;
  if (opts.withPassword) {
    password = String(form.get('password') ?? '');
    const p = passwordProblem(password, { username: fields.username });
    if (p) errors.password = p;
  }
  return { fields, password, errors };
}
