// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function cohortsPort(db: Db): any { void db; throw new Error('cohortsPort: not implemented'); }
