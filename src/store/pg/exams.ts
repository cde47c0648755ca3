// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function examsPort(db: Db): any { void db; throw new Error('examsPort: not implemented'); }
