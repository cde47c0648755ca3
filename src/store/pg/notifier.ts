// Stub: replaced by the port's implementation.
import type { NotifierPort } from '../ports';
import type { Db } from './db';
export function pgNotifier(db: Db): NotifierPort & { close(): Promise<void> } { void db; throw new Error('pgNotifier: not implemented'); }
