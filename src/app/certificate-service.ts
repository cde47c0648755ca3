// Certificates as HR manages them: lists by status, revoking, reissuing and reinstating
// (the store writes the audit entry in the same write as the change).
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import type { CertificateRecord, UserRecord } from '../store';
import { certificateStatus, newCode } from '../certification';
import { expiresSoon } from '../hr';
import { Invalid } from './errors';
import { everyPage } from './paging';
import { qrSvg } from './qr';
import { t } from '../i18n';

/** A certificate's public verification address and its QR code (server-drawn SVG), as printed on the certificate. */
export function verifyLink(rt: Runtime, code: string): { verifyUrl: string; qr: string } {
  const verifyUrl = `${rt.config.siteOrigin}/verify/${code}`;
  return { verifyUrl, qr: qrSvg(verifyUrl, 4, t.cert.qrLabel(verifyUrl)) };
}

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
 * tell HR, or throws Invalid (400). A revoked certificate is never reissued
 * as a side effect: issuing it again is its own action, 'reinstate'.
 */
export async function changeCertificate(rt: Runtime, actor: UserRecord, id: string, action: string, rawReason: string, now: Date): Promise<string> {
  const reason = rawReason.trim().slice(0, 200);
  if (!reason) throw new Invalid('certificateNoReason');
  const at = now.toISOString();
  if (action === 'revoke') {
    const c = await storageOf(rt).revokeCertificate(id, actor.id, reason, at);
    if (!c) throw new Invalid('certificateNotRevocable');
    return `已撤销 ${c.holderName} 的证书 ${c.code}。`;
  }
  if (action === 'reissue') {
    if ((await storageOf(rt).getCertificate(id))?.revokedAt) throw new Invalid('certificateRevokedNoReissue');
    const c = await storageOf(rt).reissueCertificate(id, newCode(), actor.id, reason, at);
    if (!c) throw new Invalid('certificateGone');
    return `已为 ${c.holderName} 补发新证书，新验证码 ${c.code}。`;
  }
  if (action === 'reinstate') {
    const old = await storageOf(rt).getCertificate(id);
    const status = old && certificateStatus(old, now);
    if (!old || status === 'superseded') throw new Invalid('certificateGone');
    if (status !== 'revoked') throw new Invalid('certificateNotRevoked');
    const c = await storageOf(rt).reinstateCertificate(id, newCode(), actor.id, reason, at);
    if (!c) throw new Invalid('certificateHeldAlready', old.holderName);
    return `已恢复 ${c.holderName} 的证书，新验证码 ${c.code}（原证书仍显示为已撤销）。`;
  }
  throw new Invalid('unknownAction');
}

/**
 * The certificate whose revocation HR is asked to confirm (the page's
 * confirmation step), with its holder's site and department; undefined when
 * it cannot be revoked (unknown, already revoked, or replaced by a newer one).
 */
export async function revokeConfirmView(rt: Runtime, id: string, now: Date) {
  const c = id ? await storageOf(rt).getCertificate(id) : undefined;
  if (!c || c.supersededBy || certificateStatus(c, now) === 'revoked') return undefined;
  const u = await storageOf(rt).getUser(c.userId);
  return { c, holder: u && { site: u.site, department: u.department } };
}

/**
 * One action of the certificates page's forms. Revoking is final for the
 * holder (the verify page says so at once), so only the confirmation step's
 * form does it: a revoke without confirm=yes is refused and changes nothing.
 */
export async function certificateFormCommand(rt: Runtime, actor: UserRecord, form: FormData, now: Date): Promise<string> {
  const action = String(form.get('action') ?? '');
  if (action === 'revoke' && form.get('confirm') !== 'yes') throw new Invalid('certificateRevokeUnconfirmed');
  return changeCertificate(rt, actor, String(form.get('id') ?? ''), action, String(form.get('reason') ?? ''), now);
}
