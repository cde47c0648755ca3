import { hashPassword, generatePassword, passwordProblem } from '../auth/password';
import { DuplicateUsernameError, type Storage } from '../store/ports';
import type { UserRecord } from '../store/types';
import { parseTraineeCsv, type ImportError } from './csv-import';
import { DEMO_ORG, DEMO_PASSWORD, DEMO_USERS, DEMO_LOGINS } from './demo';

export { parseTraineeCsv, USERNAME_RE, decodeCsv, normaliseDate, importTemplateCsv, TEMPLATE_HEADER, TEMPLATE_LINES } from './csv-import';
export type { ImportError, ImportRow, CsvEncoding } from './csv-import';
export { DEMO_LOGINS, DEMO_PASSWORD };
export { changeOwnPassword, type OwnPasswordErrors } from './own-password';

export class BootstrapError extends Error {}

export interface BootstrapEnv {
  production: boolean;
  adminUsername?: string;
  adminPassword?: string;
}

/**
 * Fills an empty store: the demo company outside production; in production
 * only the first administrator, from ADMIN_USERNAME / ADMIN_PASSWORD.
 */
export async function bootstrap(store: Storage, env: BootstrapEnv, now: string): Promise<'demo' | 'admin' | 'none'> {
  if (!await store.isEmpty()) return 'none';
  if (env.production) {
    if (!env.adminUsername || !env.adminPassword) {
      throw new BootstrapError('The store is empty and NODE_ENV=production: set ADMIN_USERNAME and ADMIN_PASSWORD to create the first administrator.');
    }
    if (env.adminPassword.length < 12) throw new BootstrapError('ADMIN_PASSWORD must be at least 12 characters in production.');
    const problem = passwordProblem(env.adminPassword, { username: env.adminUsername });
    if (problem) throw new BootstrapError(`ADMIN_PASSWORD is refused by the password policy (common password, the username, or a repeated run): ${problem}`);
    const made = await seededByAnother(store.createUsers(
      [{ username: env.adminUsername, displayName: '系统管理员', role: 'admin', department: '', site: '', passwordHash: await hashPassword(env.adminPassword) }],
      now,
    ));
    return made ? 'admin' : 'none';
  }
  await store.setOrg(DEMO_ORG);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return (await seededByAnother(store.createUsers(DEMO_USERS.map((u) => ({ ...u, passwordHash })), now))) ? 'demo' : 'none';
}

/**
 * False when another app server filled the same empty database at the same
 * moment (PostgreSQL, servers starting together): its accounts won, all or
 * nothing, so this one has nothing left to seed.
 */
async function seededByAnother(creating: Promise<unknown>): Promise<boolean> {
  try {
    await creating;
    return true;
  } catch (e) {
    if (e instanceof DuplicateUsernameError) return false;
    throw e;
  }
}

export type ImportOutcome =
  | { ok: true; created: Array<{ user: UserRecord; generatedPassword?: string }> }
  | { ok: false; errors: ImportError[] };

/** Up to this many imported usernames are kept in the import's audit entry; a larger import keeps the count only. */
export const IMPORT_AUDIT_NAMES = 50;
const importDetails = (usernames: string[]): Record<string, unknown> => (usernames.length <= IMPORT_AUDIT_NAMES ? { count: usernames.length, usernames } : { count: usernames.length });

/**
 * Imports trainees from CSV all-or-nothing, audited as one entry (the count,
 * the file name, and the usernames when few); generated passwords are returned
 * once, never stored in clear. Every imported person must choose their own
 * password at the first sign-in.
 */
export async function importTrainees(store: Storage, actor: UserRecord, csv: string, fileName: string, now: string): Promise<ImportOutcome> {
  const existing = new Set((await store.listUsers({ includeInactive: true })).map((u) => u.username));
  const parsed = parseTraineeCsv(csv, existing);
  if (!parsed.ok) return parsed;
  const prepared = await Promise.all(
    parsed.rows.map(async (r) => {
      const generated = r.password ? undefined : generatePassword();
      return { row: r, generated, hash: await hashPassword(r.password ?? generated!) };
    }),
  );
  const users = await store.createUsers(
    prepared.map(({ row, hash }) => ({
      username: row.username,
      displayName: row.displayName,
      role: 'trainee' as const,
      department: row.department,
      site: row.site,
      hireDate: row.hireDate,
      passwordHash: hash,
      // Generated or from the file, the admin knows it: the person replaces it at the first sign-in.
      mustChangePassword: true,
    })),
    now,
    [{ actorId: actor.id, action: 'user.import', targetId: fileName.slice(0, 100) || 'CSV', details: importDetails(parsed.rows.map((r) => r.username)) }],
  );
  return { ok: true, created: users.map((user, i) => ({ user, generatedPassword: prepared[i]!.generated })) };
}
export { readUserForm, type UserFields, type FieldErrors } from './user-form';
export { createAccount, updateAccount, resetPassword, setActive } from './accounts';
