import { StoreUnavailableError, StoreWriteError, type Storage } from '../store/ports';
import type { UserRecord } from '../store/types';
import { verifyPassword, dummyHash } from './password';
import { hashToken, newSessionToken, sessionState, needsTouch } from './session';

export type SignInResult = { ok: true; token: string; user: UserRecord } | { ok: false };

/**
 * Checks credentials and opens a fresh session (a new id every time, so a
 * planted cookie is never promoted). Unknown user, wrong password and
 * deactivated account look the same to the caller and take the same time.
 */
export async function signIn(store: Storage, username: string, password: string, now: Date): Promise<SignInResult> {
  const user = await store.getUserByUsername(username.trim());
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || !ok || !user.active) return { ok: false };
  const token = newSessionToken();
  const iso = now.toISOString();
  await store.createSession({ idHash: hashToken(token), userId: user.id, createdAt: iso, lastSeenAt: iso });
  return { ok: true, token, user };
}

export async function signOut(store: Storage, token: string | undefined): Promise<void> {
  if (token) await store.deleteSession(hashToken(token));
}

/** The signed-in user for a cookie value, or undefined (expired, idle, unknown or deactivated). */
export async function resolveSession(store: Storage, token: string | undefined, now: Date): Promise<UserRecord | undefined> {
  if (!token || token.length > 100) return undefined;
  const idHash = hashToken(token);
  const found = await store.findSessionUser(idHash);
  if (!found) return undefined;
  const { session, user } = found;
  const t = now.getTime();
  if (sessionState(session, t) !== 'valid') {
    await bestEffort(store.deleteSession(idHash));
    return undefined;
  }
  if (!user || !user.active) return undefined;
  if (needsTouch(session, t)) await bestEffort(store.touchSession(idHash, now.toISOString()));
  return user;
}

/**
 * A session's housekeeping write that may fail without failing the request: a
 * store refusing writes (a full disk) still serves pages to signed-in people.
 * A store that cannot be reached at all is no such case: the request gets its
 * 503 instead of being treated as signed out.
 */
async function bestEffort(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (e) {
    if (!(e instanceof StoreWriteError) || e instanceof StoreUnavailableError) throw e;
  }
}
