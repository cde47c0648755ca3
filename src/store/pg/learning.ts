// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function learningPort(db: Db): any { void db; throw new Error('learningPort: not implemented'); }
