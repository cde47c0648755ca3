// What an administrator does to accounts, with the rules that keep the company
// administrable: usernames stay unique, nobody removes their own admin role or
// account, and a new password or a deactivation ends the person's sessions.
import { hashPassword, passwordProblem } from '../auth/password';
import { DuplicateUsernameError, type Store } from '../store/store';
import type { UserRecord } from '../store/types';
import { readUserForm, type FieldErrors, type UserFields } from './user-form';

export type AccountForm = { fields: UserFields; errors: FieldErrors };

const taken = (username: string): FieldErrors => ({ username: `用户名“${username}”已存在` });

/** Creates an account from the admin's form; `errors` is empty when it was created. */
export async function createAccount(store: Store, form: FormData, now: string): Promise<AccountForm> {
  const { fields, password, errors } = readUserForm(form, { withPassword: true });
  if (Object.keys(errors).length) return { fields, errors };
  try {
    // The admin chose this password: the person replaces it at the first sign-in.
    await store.createUsers([{ ...fields, passwordHash: await hashPassword(password!), mustChangePassword: true }], now);
    return { fields, errors };
  } catch (e) {
    if (!(e instanceof DuplicateUsernameError)) throw e;
    return { fields, errors: taken(fields.username) };
  }
}

/** Saves the admin's edit of `target`; `errors` is empty when it was saved. */
export async function updateAccount(store: Store, actor: UserRecord, target: UserRecord, form: FormData, now: string): Promise<AccountForm> {
  const { fields, errors } = readUserForm(form, { withPassword: false });
  if (target.id === actor.id && fields.role !== 'admin') errors.role = '不能取消自己的管理员角色（以免无人管理）';
  if (Object.keys(errors).length) return { fields, errors };
  try {
    await store.updateUser(target.id, fields, now);
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
export async function resetPassword(store: Store, actor: UserRecord, target: UserRecord, password: string, now: string): Promise<string | undefined> {
  const problem = passwordProblem(password, { username: target.username });
  if (problem) return problem;
  await store.setPassword(target.id, await hashPassword(password), { by: actor.id, action: 'user.password.reset', mustChange: true }, now);
}

/** Deactivates (signing the person out) or reactivates an account; returns why not, if refused. */
export async function setActive(store: Store, actor: UserRecord, target: UserRecord, active: boolean, now: string): Promise<string | undefined> {
  if (target.id === actor.id) return '不能停用自己的账号';
  await store.updateUser(target.id, { active }, now);
  if (!active) await store.deleteSessionsOfUser(target.id);
}
