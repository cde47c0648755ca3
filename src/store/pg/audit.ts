// AuditPort on PostgreSQL, and the audit insert that other ports run inside their own transactions.
import { randomUUID } from 'node:crypto';
import { MAX_PAGE, type AuditFilter, type AuditPort, type Page, type PageRequest } from '../ports';
import type { AuditRecord } from '../types';
import { json, type Db, type Q } from './db';

/** Stores one audit entry on `q` (a transaction's client when it goes with a change). */
export async function insertAudit(q: Q, a: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
  const rec: AuditRecord = { ...a, id: randomUUID() };
  await q.run(`INSERT INTO audit (id, at, actor_id, action, target_id, doc) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`, [rec.id, rec.at, rec.actorId, rec.action, rec.targetId, json(rec)]);
  return rec;
}

/** Offset and size of a page, as the embedded store's pageOf reads a PageRequest. */
export function pageBounds(req: PageRequest): { from: number; limit: number } {
  const int = (x: number | undefined, dflt: number) => (Number.isFinite(x) ? Math.floor(x!) : dflt);
  return { from: Math.max(0, int(req.from, 0)), limit: Math.min(MAX_PAGE, Math.max(1, int(req.limit, MAX_PAGE))) };
}

/** The WHERE clause of an audit filter, with its parameters (each filter field hits one of the audit indexes). */
function auditWhere(f: AuditFilter): { where: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    conds.push(sql.replace('?', `$${params.length}`));
  };
  // An empty list of actions matches nothing (= ANY of an empty array is false).
  if (f.actions) add('action = ANY(?::text[])', [...f.actions]);
  if (f.actorId) add('actor_id = ?', f.actorId);
  if (f.targetId) add('target_id = ?', f.targetId);
  if (f.from) add('at >= ?', f.from);
  if (f.to) add('at < ?', f.to);
  return { where: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

export function auditPort(db: Db): AuditPort {
  return {
    async appendAudit(a) {
      await insertAudit(db.q, a);
    },
    async listAudit(f, req): Promise<Page<AuditRecord>> {
      const { from, limit } = pageBounds(req);
      const { where, params } = auditWhere(f);
      const n = params.length;
      // The log's own order is the order entries were stored in (seq), as on the embedded store.
      const order = f.newestFirst ? 'seq DESC' : 'seq';
      // The total comes with the page (one statement, one snapshot); a page past the end has no row to carry it.
      const rows = await db.q.rows<{ doc: AuditRecord; total: number }>(`SELECT doc, count(*) OVER () AS total FROM audit ${where} ORDER BY ${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...params, limit, from]);
      const total = rows.length ? rows[0]!.total : Number((await db.q.one<{ n: number }>(`SELECT count(*) AS n FROM audit ${where}`, params))!.n);
      return { items: rows.map((r) => r.doc), total, next: from + limit < total ? from + limit : undefined };
    },
  };
}
