import type { Storage } from '../store';
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
  const session = await store.findSession(idHash);
  if (!session) return undefined;
  const t = now.getTime();
  if (sessionState(session, t) !== 'valid') {
    await store.deleteSession(idHash);
    return undefined;
  }
  const user = await store.getUser(session.userId);
  if (!user || !user.active) return undefined;
  if (needsTouch(session, t)) await store.touchSession(idHash, now.toISOString());
  return user;
}
