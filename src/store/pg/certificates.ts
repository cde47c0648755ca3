// CertificatesPort on PostgreSQL: issue at most one certificate in force per
// person (the person's users row is locked while that is checked), revoke,
// reissue and reinstate with their audit entries in the same transaction.
import { randomUUID } from 'node:crypto';
import { isInForce } from '../../certification/certificate';
import { DuplicateError, type CertificatesPort } from '../ports';
import type { AuditRecord, CertificateRecord, WaiverRecord } from '../types';
import { uniqueViolation, type Db, type Q } from './db';
import { insertAudit } from './audit';
import { insertRecord, updateOf } from './tables';

type Doc = { doc: CertificateRecord };

/** A code collision (certificates_code_key) as the typed error callers know. */
async function codeChecked<T>(code: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (uniqueViolation(e) === 'certificates_code_key') throw new DuplicateError('certificate.code', code);
    throw e;
  }
}

/** Serialises issuing for one person: whoever holds the lock sees every certificate committed before it. */
const lockHolder = (q: Q, userId: string) => q.run(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);

const certificatesOf = async (q: Q, userId: string) => (await q.rows<Doc>(`SELECT doc FROM certificates WHERE user_id = $1 ORDER BY seq`, [userId])).map((r) => r.doc);

const lockCertificate = async (q: Q, id: string) => (await q.one<Doc>(`SELECT doc FROM certificates WHERE id = $1 FOR UPDATE`, [id]))?.doc;

/** The new certificate of a reissue or reinstatement, the old one superseded, and the audit entry (as store.ts's replaceCertificate). */
async function replaceCertificate(q: Q, old: CertificateRecord, newCode: string, entry: Omit<AuditRecord, 'id'>): Promise<CertificateRecord> {
  const { revokedAt, revokedBy, revokeReason, ...rest } = old;
  void revokedAt; void revokedBy; void revokeReason;
  const fresh: CertificateRecord = { ...rest, id: randomUUID(), code: newCode, issuedAt: entry.at, reissuedFrom: old.id };
  // The new one first: superseded_by references it.
  await insertRecord(q, 'certificates', fresh);
  const { text, params } = updateOf('certificates', { ...old, supersededBy: fresh.id }, 'id = $W1', [old.id]);
  await q.run(text, params);
  await insertAudit(q, { ...entry, details: { userId: old.userId, code: old.code, newCertificateId: fresh.id, newCode } });
  return fresh;
}

export function certificatesPort(db: Db): CertificatesPort {
  return {
    issueCertificate: (c) =>
      codeChecked(c.code, () =>
        db.tx(async (q) => {
          await lockHolder(q, c.userId);
          const held = (await certificatesOf(q, c.userId)).find((y) => isInForce(y, new Date(c.issuedAt)));
          if (held) return { certificate: held, issued: false };
          const rec: CertificateRecord = { ...c, id: randomUUID() };
          await insertRecord(q, 'certificates', rec);
          return { certificate: JSON.parse(JSON.stringify(rec)) as CertificateRecord, issued: true };
        }),
      ),
    listCertificates: (userId) => certificatesOf(db.q, userId),
    async getCertificate(id) {
      return (await db.q.one<Doc>(`SELECT doc FROM certificates WHERE id = $1`, [id]))?.doc;
    },
    async getCertificateByCode(code) {
      return (await db.q.one<Doc>(`SELECT doc FROM certificates WHERE code = $1`, [code]))?.doc;
    },
    revokeCertificate: (id, by, reason, now) =>
      db.tx(async (q) => {
        const c = await lockCertificate(q, id);
        if (!c || c.revokedAt || c.supersededBy) return undefined;
        const revoked: CertificateRecord = { ...c, revokedAt: now, revokedBy: by, revokeReason: reason };
        const { text, params } = updateOf('certificates', revoked, 'id = $W1', [id]);
        await q.run(text, params);
        await insertAudit(q, { at: now, actorId: by, action: 'certificate.revoke', targetId: id, reason, details: { userId: c.userId, code: c.code } });
        return revoked;
      }),
    reissueCertificate: (id, newCode, by, reason, now) =>
      codeChecked(newCode, () =>
        db.tx(async (q) => {
          const old = await lockCertificate(q, id);
          if (!old || old.supersededBy || old.revokedAt) return undefined;
          return replaceCertificate(q, old, newCode, { at: now, actorId: by, action: 'certificate.reissue', targetId: old.id, reason });
        }),
      ),
    reinstateCertificate: (id, newCode, by, reason, now) =>
      codeChecked(newCode, () =>
        db.tx(async (q) => {
          const peek = (await q.one<{ user_id: string }>(`SELECT user_id FROM certificates WHERE id = $1`, [id]))?.user_id;
          if (!peek) return undefined;
          // The holder's lock first (as issueCertificate takes it): "none other in force" holds until commit.
          await lockHolder(q, peek);
          const old = await lockCertificate(q, id);
          if (!old || old.supersededBy || !old.revokedAt) return undefined;
          if ((await certificatesOf(q, old.userId)).some((y) => isInForce(y, new Date(now)))) return undefined;
          return replaceCertificate(q, old, newCode, { at: now, actorId: by, action: 'certificate.reinstate', targetId: old.id, reason });
        }),
      ),
    addWaiver: (w: WaiverRecord) =>
      db.tx(async (q) => {
        await insertRecord(q, 'waivers', { ...w });
        await insertAudit(q, { at: w.at, actorId: w.by, action: 'prerequisites.waive', targetId: w.userId, reason: w.reason });
      }),
    async getWaiver(userId) {
      return (await db.q.one<{ doc: WaiverRecord }>(`SELECT doc FROM waivers WHERE user_id = $1 ORDER BY seq DESC LIMIT 1`, [userId]))?.doc;
    },
  };
}
