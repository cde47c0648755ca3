// Certificates as HR manages them: lists by status, revoking and reissuing
// (the store writes the audit entry in the same write as the change).
import type { Runtime } from './runtime';
import type { CertificateRecord, UserRecord } from '../store';
import { certificateStatus, newCode } from '../certification';
import { expiresSoon } from '../hr';
import { BadRequest } from './http';

export type CertificateView = 'all' | 'expiring' | 'expired' | 'revoked';

/** The certificates one tab shows: expiring ones soonest first, the others newest first. */
export function certificateList(rt: Runtime, view: CertificateView, now: Date): CertificateRecord[] {
  return rt.store
    .listCertificates()
    .filter((c) => {
      const status = certificateStatus(c, now);
      if (view === 'expiring') return expiresSoon({ status, expiresAt: c.expiresAt }, now);
      if (view === 'expired' || view === 'revoked') return status === view;
      return true;
    })
    .sort((a, b) => (view === 'expiring' ? a.expiresAt.localeCompare(b.expiresAt) : b.issuedAt.localeCompare(a.issuedAt)));
}

/** Revokes or reissues a certificate with a reason; returns what to tell HR, or throws BadRequest (400). */
export async function changeCertificate(rt: Runtime, actor: UserRecord, id: string, action: string, rawReason: string, now: Date): Promise<string> {
  const reason = rawReason.trim().slice(0, 200);
  if (!reason) throw new BadRequest('请填写原因（会记入审计日志）。');
  if (action === 'revoke') {
    const c = await rt.store.revokeCertificate(id, actor.id, reason, now.toISOString());
    if (!c) throw new BadRequest('该证书不存在或已撤销。');
    return `已撤销 ${c.holderName} 的证书 ${c.code}。`;
  }
  if (action === 'reissue') {
    const c = await rt.store.reissueCertificate(id, newCode(), actor.id, reason, now.toISOString());
    if (!c) throw new BadRequest('该证书不存在或已被取代。');
    return `已为 ${c.holderName} 补发新证书，新验证码 ${c.code}。`;
  }
  throw new BadRequest('未知操作');
}
