// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function certificatesPort(db: Db): any { void db; throw new Error('certificatesPort: not implemented'); }
