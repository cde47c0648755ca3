// Stub: replaced by the port's implementation.
import type { Db } from './db';
export function playsPort(db: Db): any { void db; throw new Error('playsPort: not implemented'); }
