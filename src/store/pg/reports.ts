// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function reportsPort(db: Db): any { void db; throw new Error('reportsPort: not implemented'); }
