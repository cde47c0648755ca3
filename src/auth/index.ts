export { hashPassword, verifyPassword, dummyHash, passwordProblem, generatePassword, PASSWORD_MIN_LENGTH } from './password';
export { SESSION_COOKIE, newSessionToken, hashToken, sessionState, needsTouch, cookieOptions, IDLE_TIMEOUT_MS, ABSOLUTE_TIMEOUT_MS } from './session';
export { ROUTE_ACCESS, BEFORE_PASSWORD_CHANGE, decide, routeFor, matchRoute, type Access, type Decision } from './access';
export { ROLES, HOME_BY_ROLE, isRole, type Role } from './roles';
export { isSameOrigin, isHttps } from './origin';
export { signIn, signOut, resolveSession, type SignInResult } from './signin';
export { WindowThrottle, verifyThrottle, signInThrottle } from './throttle';
export { requestAddress, addressBucket, parseTrustProxy } from './client-address';
