// Stub: replaced by the port's implementation.
import type { RateLimiterPort } from '../ports';
import type { Db } from './db';
export function pgLimiter(db: Db): RateLimiterPort { void db; throw new Error('pgLimiter: not implemented'); }
