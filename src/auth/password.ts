import { scrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import commonList from './common-passwords.json';

// scrypt cost: N=2^14, r=8, p=1 (≈16 MiB, tens of ms); stored with the hash so it can be raised later.
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

const derive = (password: string, salt: Buffer, n: number, r: number, p: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** `scrypt$N$r$p$salt$hash` (base64url), with a fresh 16-byte salt per call. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison; false for a malformed hash rather than throwing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash!, 'base64url');
  const key = await derive(password, Buffer.from(salt!, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

// A real hash to verify against when the username is unknown, so both cases take the same time.
let dummy: Promise<string> | undefined;
export const dummyHash = () => (dummy ??= hashPassword('not-a-real-password'));

export const PASSWORD_MIN_LENGTH = 10;
const PASSWORD_MAX_LENGTH = 200;

/** Compared as typed, NFKC-normalised (as hashed) and lower-cased: "Password123" is "password123". */
const canonical = (pw: string) => pw.normalize('NFKC').toLowerCase();

// Built once, when the first password is chosen (see common-passwords.json for the sources).
let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(commonList.passwords));

/** Made of one short unit repeated: "aaaaaaaaaa", "abcabcabca", "1212121212". */
function repeats(pw: string): boolean {
  const chars = [...pw];
  for (let unit = 1; unit <= 4; unit++) {
    if (chars.every((c, i) => c === chars[i % unit])) return true;
  }
  return false;
}

/**
 * The password policy, applied wherever a password is chosen (admin create and
 * reset, CSV import, a person's own change, the first administrator from the
 * environment): at least 10 characters, not a common password, not the
 * username, not one character or a short run repeated. Returns what to fix, or
 * undefined when the password is acceptable.
 */
export function passwordProblem(pw: string, opts: { username?: string } = {}): string | undefined {
  if ([...pw].length < PASSWORD_MIN_LENGTH) return `密码至少 ${PASSWORD_MIN_LENGTH} 个字符`;
  if (pw.length > PASSWORD_MAX_LENGTH) return `密码最多 ${PASSWORD_MAX_LENGTH} 个字符`;
  const c = canonical(pw);
  if (opts.username && c === canonical(opts.username.trim())) return '密码不能与用户名相同';
  if (repeats(c)) return '密码不能只是重复的字符，请换一个';
  if (commonPasswords().has(c)) return '这个密码太常见，请换一个';
  return undefined;
}

/** A readable random password for imports and resets (no 0/O/1/l). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
