// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function livePort(db: Db): any { void db; throw new Error('livePort: not implemented'); }
