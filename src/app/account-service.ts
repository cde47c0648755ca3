// The account commands behind the sign-in, sign-out and password pages, and
// the middleware's look-up of who is asking.
import { storageOf, type Runtime } from './runtime';
import type { UserRecord } from '../store';
import { hashToken, resolveSession, signIn, signInThrottle, signOut } from '../auth';
import { changeOwnPassword } from '../people';

/** The signed-in person for a session cookie at `now`, or undefined (none, expired, unknown, deactivated); a store that cannot be read throws (a 503). */
export async function resolveRequestUser(rt: Runtime, cookie: string | undefined, now: Date): Promise<UserRecord | undefined> {
  // Store faults propagate: the middleware answers 503 rather than sending a signed-in person to the sign-in page.
  return resolveSession(storageOf(rt), cookie, now);
}

export type SignInOutcome = { kind: 'wait'; wait: number } | { kind: 'failed'; again: number } | { kind: 'ok'; token: string; user: UserRecord };

/**
 * Signs in, slowed down per account and address and never locked
 * (src/auth/throttle.ts): `wait` before any check while held back, `failed`
 * with how long the next try must wait, or the new session's token.
 */
export async function signInCommand(rt: Runtime, username: string, password: string, address: string, now = Date.now()): Promise<SignInOutcome> {
  const attempt = await signInThrottle(storageOf(rt)).begin(username, address, now);
  if (attempt.wait > 0) return { kind: 'wait', wait: attempt.wait };
  let result: Awaited<ReturnType<typeof signIn>>;
  try {
    result = await signIn(storageOf(rt), username, password, new Date(now));
  } catch (e) {
    await attempt.done(null, Date.now());
    throw e;
  }
  const again = await attempt.done(result.ok, Date.now());
  return result.ok ? { kind: 'ok', token: result.token, user: result.user } : { kind: 'failed', again };
}

/** Ends the session of this cookie, if any. */
export async function signOutCommand(rt: Runtime, cookie: string | undefined): Promise<void> {
  await signOut(storageOf(rt), cookie);
}

/** Changes the person's own password from the form, keeping the session of this cookie (others end). */
export async function changePasswordCommand(rt: Runtime, me: UserRecord, cookie: string | undefined, form: FormData, now: Date) {
  return changeOwnPassword(storageOf(rt), me, hashToken(cookie ?? ''), form, now);
}
