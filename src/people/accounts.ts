// What an administrator does to accounts, with the rules that keep the company
// administrable: usernames stay unique, nobody removes their own admin role or
// account, and a new password or a deactivation ends the person's sessions.
// Every change is audited in the same write as the change itself.
import { hashPassword, passwordProblem } from '../auth/password';
import { DuplicateUsernameError, type AuditNote, type Storage } from '../store';
import type { UserRecord } from '../store/types';
import { readUserForm, type FieldErrors, type UserFields } from './user-form';

export type AccountForm = { fields: UserFields; errors: FieldErrors };

const taken = (username: string): FieldErrors => ({ username: `用户名“${username}”已存在` });

/** The optional reason an admin gives on a form, as the audit log keeps it. */
const reasonOf = (form: FormData) => String(form.get('reason') ?? '').trim().slice(0, 200) || undefined;

/**
 * What an edit changes, as audit entries: a role change is its own entry
 * (from, to), the other changed fields are listed by name in one entry.
 */
export function accountChanges(actor: UserRecord, before: UserRecord, fields: UserFields, reason?: string): AuditNote[] {
  const changed = (Object.keys(fields) as Array<keyof UserFields>).filter((k) => k !== 'role' && (before[k] ?? '') !== (fields[k] ?? ''));
  const notes: AuditNote[] = [];
  if (changed.length) notes.push({ actorId: actor.id, action: 'user.update', reason, details: { fields: changed } });
  if (fields.role !== before.role) notes.push({ actorId: actor.id, action: 'user.role', reason, details: { from: before.role, to: fields.role } });
  return notes;
}

/** Creates an account from the admin's form (audited); `errors` is empty when it was created. */
export async function createAccount(store: Storage, actor: UserRecord, form: FormData, now: string): Promise<AccountForm> {
  const { fields, password, errors } = readUserForm(form, { withPassword: true });
  if (Object.keys(errors).length) return { fields, errors };
  try {
    // The admin chose this password: the person replaces it at the first sign-in.
    await store.createUsers([{ ...fields, passwordHash: await hashPassword(password!), mustChangePassword: true }], now, [{ actorId: actor.id, action: 'user.create', reason: reasonOf(form), details: { role: fields.role } }]);
    return { fields, errors };
  } catch (e) {
    if (!(e instanceof DuplicateUsernameError)) throw e;
    return { fields, errors: taken(fields.username) };
  }
}

/** Saves the admin's edit of `target` (audited, see accountChanges); `errors` is empty when it was saved. */
export async function updateAccount(store: Storage, actor: UserRecord, target: UserRecord, form: FormData, now: string): Promise<AccountForm> {
  const { fields, errors } = readUserForm(form, { withPassword: false });
  if (target.id === actor.id && fields.role !== 'admin') errors.role = '不能取消自己的管理员角色（以免无人管理）';
  if (Object.keys(errors).length) return { fields, errors };
  // Read again right before the write (no await between): the entries name what this save really changed.
  const before = await store.getUser(target.id) ?? target;
  try {
    await store.updateUser(target.id, fields, now, accountChanges(actor, before, fields, reasonOf(form)));
    return { fields, errors };
  } catch (e) {
    if (!(e instanceof DuplicateUsernameError)) throw e;
    return { fields, errors: taken(fields.username) };
  }
}

/**
 * An admin's reset: sets the new password, signs the person out everywhere and
 * makes them choose their own at the next sign-in, audited in the same write.
 * Returns the problem with the password, if any.
 */
export async function resetPassword(store: Storage, actor: UserRecord, target: UserRecord, password: string, now: string): Promise<string | undefined> {
  const problem = passwordProblem(password, { username: target.username });
  if (problem) return problem;
  await store.setPassword(target.id, await hashPassword(password), { by: actor.id, action: 'user.password.reset', mustChange: true }, now);
}

/** Deactivates (signing the person out) or reactivates an account, audited with the reason given; returns why not, if refused. */
export async function setActive(store: Storage, actor: UserRecord, target: UserRecord, active: boolean, now: string, reason?: string): Promise<string | undefined> {
  if (target.id === actor.id) return '不能停用自己的账号';
  if ((await store.getUser(target.id))?.active === active) return active ? '该账号已是在职状态' : '该账号已停用';
  await store.updateUser(target.id, { active }, now, [{ actorId: actor.id, action: active ? 'user.reactivate' : 'user.deactivate', reason: reason?.trim().slice(0, 200) || undefined }]);
  if (!active) await store.deleteSessionsOfUser(target.id);
}
