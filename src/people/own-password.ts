// A person changing their own password: the current one proves it is them
// (a session left open on a shared counter PC is not enough), the new one
// follows the policy, and every other session of theirs ends.
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password';
import { WindowThrottle } from '../auth/throttle';
import type { Storage } from '../store';
import type { UserRecord } from '../store/types';

export type OwnPasswordErrors = Partial<Record<'current' | 'password' | 'confirm', string>>;
export type OwnPasswordResult = { ok: true } | { ok: false; status: 400 | 429; errors: OwnPasswordErrors };

/** Wrong current passwords per person: room for typos, too few to guess one from an open session. */
const wrongCurrentOf = (store: Storage) => new WindowThrottle(store.limiter, 'current-password', 5, 15 * 60 * 1000);

/**
 * Checks the form (current password, new one, its confirmation) and sets the
 * new password; the session `keepSession` (the one asking) stays signed in.
 */
export async function changeOwnPassword(store: Storage, user: UserRecord, keepSession: string, form: FormData, now: Date): Promise<OwnPasswordResult> {
  const current = String(form.get('current') ?? '');
  const password = String(form.get('password') ?? '');
  const confirm = String(form.get('confirm') ?? '');
  const t = now.getTime();
  const wrongCurrent = wrongCurrentOf(store);
  const wait = await wrongCurrent.retryAfter(user.id, t);
  if (wait > 0) return { ok: false, status: 429, errors: { current: `当前密码输错次数过多，请 ${Math.ceil(wait / 60000)} 分钟后再试` } };
  const stored = await store.getUser(user.id);
  if (!current) return { ok: false, status: 400, errors: { current: '请输入当前密码' } };
  if (!stored || current.length > 200 || !(await verifyPassword(current, stored.passwordHash))) {
    await wrongCurrent.fail(user.id, t);
    return { ok: false, status: 400, errors: { current: '当前密码不正确' } };
  }
  const errors: OwnPasswordErrors = {};
  const problem = passwordProblem(password, { username: stored.username });
  if (problem) errors.password = problem;
  else if (password === current) errors.password = '新密码不能与当前密码相同';
  if (!errors.password && confirm !== password) errors.confirm = '两次输入的新密码不一致';
  if (Object.keys(errors).length) return { ok: false, status: 400, errors };
  await wrongCurrent.reset(user.id);
  await store.setPassword(stored.id, await hashPassword(password), { by: stored.id, action: 'user.password.change', mustChange: false, keepSession }, now.toISOString());
  return { ok: true };
}
