// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function orgPort(db: Db): any { void db; throw new Error('orgPort: not implemented'); }
export function accountsPort(db: Db): any { void db; throw new Error('accountsPort: not implemented'); }
export function sessionsPort(db: Db): any { void db; throw new Error('sessionsPort: not implemented'); }
