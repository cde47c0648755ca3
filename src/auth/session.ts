import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord } from '../store/types';

export const SESSION_COOKIE = 'sid';
/** Signed out after this long without a request. */
export const IDLE_TIMEOUT_MS = 2 * 60 * 60 * 1000;
/** Signed out this long after signing in, however active. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** lastSeenAt is written at most this often, so reading pages does not write the store each time. */
export const TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export const newSessionToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export type SessionState = 'valid' | 'idle' | 'expired';

export function sessionState(s: Pick<SessionRecord, 'createdAt' | 'lastSeenAt'>, now: number): SessionState {
  if (now - Date.parse(s.createdAt) > ABSOLUTE_TIMEOUT_MS) return 'expired';
  if (now - Date.parse(s.lastSeenAt) > IDLE_TIMEOUT_MS) return 'idle';
  return 'valid';
}

export const needsTouch = (s: Pick<SessionRecord, 'lastSeenAt'>, now: number) => now - Date.parse(s.lastSeenAt) > TOUCH_INTERVAL_MS;

export function cookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge: ABSOLUTE_TIMEOUT_MS / 1000 };
}
