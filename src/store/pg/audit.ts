// AuditPort on PostgreSQL, and the audit insert that other ports run inside their own transactions.
import { randomUUID } from 'node:crypto';
import type { AuditPort } from '../ports';
import type { AuditRecord } from '../types';
import { json, type Db, type Q } from './db';

/** Stores one audit entry on `q` (a transaction's client when it goes with a change). */
export async function insertAudit(q: Q, a: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
  const rec: AuditRecord = { ...a, id: randomUUID() };
  await q.run(`INSERT INTO audit (id, at, actor_id, action, target_id, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [rec.id, rec.at, rec.actorId, rec.action, rec.targetId, json(rec)]);
  return rec;
}

export function auditPort(db: Db): AuditPort {
  void db;
  throw new Error('not implemented');
}
