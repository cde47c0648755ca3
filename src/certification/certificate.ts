import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so codes read aloud and typed from paper survive. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A verification code from 10 random bytes (80 bits), shown grouped: `7K3M-Q9TX-2VBN-H4RD`. */
export function formatCode(bytes: Uint8Array): string {
  if (bytes.length < 10) throw new Error('a verification code needs at least 80 random bits');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes.subarray(0, 10)) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** A fresh verification code for a new or reissued certificate. */
export const newCode = () => formatCode(randomBytes(10));

/** Normalises what a person typed: case, spaces, dashes, and the look-alikes O→0, I/L→1. */
export function normaliseCode(input: string): string | undefined {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(raw)) return undefined;
  return raw.match(/.{4}/g)!.join('-');
}

/** 王小明 → 王*明, 王明 → 王*, 欧阳小明 → 欧**明: enough to recognise, not to identify. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded';

type CertificateLike = { expiresAt: string; revokedAt?: string; supersededBy?: string };

/**
 * The one definition of a certificate's standing at `now`: replaced by a newer
 * one, revoked, expired (from the instant `expiresAt` is reached), else valid.
 */
export function certificateStatus(c: CertificateLike, now: Date): CertificateStatus {
  if (c.supersededBy) return 'superseded';
  if (c.revokedAt) return 'revoked';
  return now.getTime() >= Date.parse(c.expiresAt) ? 'expired' : 'valid';
}

/** In force at `now` (status valid): what "holds a certificate" means for issuing, reinstating and the exam. */
export const isInForce = (c: CertificateLike, now: Date): boolean => certificateStatus(c, now) === 'valid';

/** Neither revoked nor replaced, expired or not: such a certificate ends a certification round when it expires. */
export const isStanding = (c: CertificateLike): boolean => !c.supersededBy && !c.revokedAt;

/** The newest certificate not replaced by another (revoked or expired included): the one a person's record shows. */
export function latestCertificate<C extends CertificateLike & { issuedAt: string }>(certs: readonly C[]): C | undefined {
  return certs.filter((c) => !c.supersededBy).reduce<C | undefined>((b, c) => (!b || c.issuedAt > b.issuedAt ? c : b), undefined);
}
