// Certificates as HR manages them: lists by status, revoking, reissuing and reinstating
// (the store writes the audit entry in the same write as the change).
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import type { CertificateRecord, UserRecord } from '../store';
import { certificateStatus, newCode } from '../certification';
import { expiresSoon } from '../hr';
import { BadRequest } from './http';
import { everyPage } from './paging';

export type CertificateView = 'all' | 'expiring' | 'expired' | 'revoked';

/** The certificates one tab shows: expiring ones soonest first, the others newest first. */
export async function certificateList(rt: Runtime, view: CertificateView, now: Date): Promise<CertificateRecord[]> {
  return (await everyPage((page) => storageOf(rt).listAllCertificates(page)))
    .filter((c) => {
      const status = certificateStatus(c, now);
      if (view === 'expiring') return expiresSoon({ status, expiresAt: c.expiresAt }, now);
      if (view === 'expired' || view === 'revoked') return status === view;
      return true;
    })
    .sort((a, b) => (view === 'expiring' ? a.expiresAt.localeCompare(b.expiresAt) : b.issuedAt.localeCompare(a.issuedAt)));
}

/**
 * Revokes, reissues or reinstates a certificate with a reason; returns what to
 * tell HR, or throws BadRequest (400). A revoked certificate is never reissued
 * as a side effect: issuing it again is its own action, 'reinstate'.
 */
export async function changeCertificate(rt: Runtime, actor: UserRecord, id: string, action: string, rawReason: string, now: Date): Promise<string> {
  const reason = rawReason.trim().slice(0, 200);
  if (!reason) throw new BadRequest('请填写原因（会记入审计日志）。');
  const at = now.toISOString();
  if (action === 'revoke') {
    const c = await storageOf(rt).revokeCertificate(id, actor.id, reason, at);
    if (!c) throw new BadRequest('该证书不存在或已撤销。');
    return `已撤销 ${c.holderName} 的证书 ${c.code}。`;
  }
  if (action === 'reissue') {
    if ((await storageOf(rt).getCertificate(id))?.revokedAt) throw new BadRequest('该证书已被撤销，不能直接补发。如确需恢复，请在“已撤销”中使用“恢复证书”，并填写恢复原因。');
    const c = await storageOf(rt).reissueCertificate(id, newCode(), actor.id, reason, at);
    if (!c) throw new BadRequest('该证书不存在或已被取代。');
    return `已为 ${c.holderName} 补发新证书，新验证码 ${c.code}。`;
  }
  if (action === 'reinstate') {
    const old = await storageOf(rt).getCertificate(id);
    if (!old || old.supersededBy) throw new BadRequest('该证书不存在或已被取代。');
    if (!old.revokedAt) throw new BadRequest('只有已撤销的证书才能恢复。');
    const c = await storageOf(rt).reinstateCertificate(id, newCode(), actor.id, reason, at);
    if (!c) throw new BadRequest(`${old.holderName} 已持有有效证书，无需恢复这一张。`);
    return `已恢复 ${c.holderName} 的证书，新验证码 ${c.code}（原证书仍显示为已撤销）。`;
  }
  throw new BadRequest('未知操作');
}
