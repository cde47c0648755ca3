// OrgPort, AccountsPort and SessionsPort on PostgreSQL. Accounts are kept whole
// in users.doc; the columns beside it (username, role, site, …) are written
// from the same record by tables.ts. A taken user name is the unique index's
// refusal (users_username_key), so two servers creating one name at once
// cannot both succeed.
import { randomUUID } from 'node:crypto';
import { DuplicateUsernameError, type AccountsPort, type AuditNote, type NewUser, type OrgPort, type SessionsPort, type UserFilter, type UserSearch } from '../ports';
import type { OrgRecord, SessionRecord, UserRecord } from '../types';
import { emptyData } from '../migrations';
import { json, uniqueViolation, type Db, type Q } from './db';
import { insertAudit, pageBounds } from './audit';
import { insertOf, insertRecord, updateOf } from './tables';

const USERNAME_KEY = 'users_username_key';

/** Runs one insert or update of a user, turning a clash on the user name into DuplicateUsernameError. */
async function userWrite(q: Q, stmt: { text: string; params: unknown[] }, username: string): Promise<number> {
  try {
    return await q.run(stmt.text, stmt.params);
  } catch (e) {
    if (uniqueViolation(e) === USERNAME_KEY) throw new DuplicateUsernameError(username);
    throw e;
  }
}

/** The audit entries a change carries (AuditNote): at the change's time, about `target` unless they name one. */
async function insertNotes(q: Q, notes: readonly AuditNote[], now: string, target: string): Promise<void> {
  for (const n of notes) await insertAudit(q, { at: now, targetId: target, ...n });
}

export function orgPort(db: Db): OrgPort {
  return {
    async isEmpty() {
      const row = await db.q.one<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM users) AS any`);
      return !row?.any;
    },
    async getOrg(): Promise<OrgRecord> {
      const row = await db.q.one<{ doc: OrgRecord }>(`SELECT doc FROM org`);
      // A database nobody set the organisation of reads as a fresh embedded store does.
      return row?.doc ?? emptyData().org;
    },
    async setOrg(org) {
      await db.q.run(`INSERT INTO org (one, doc) VALUES (true, $1::jsonb) ON CONFLICT (one) DO UPDATE SET doc = excluded.doc`, [json(org)]);
    },
  };
}

export function accountsPort(db: Db): AccountsPort {
  /** Locks the account for a change in this transaction; undefined for an unknown id. */
  const lockUser = async (q: Q, id: string) => (await q.one<{ doc: UserRecord }>(`SELECT doc FROM users WHERE id = $1 FOR UPDATE`, [id]))?.doc;
  const saveUser = (q: Q, u: UserRecord) => userWrite(q, updateOf('users', u, 'id = $W1', [u.id]), u.username);

  return {
    createUsers: (inputs: NewUser[], now: string, notes: AuditNote[] = []) =>
      db.tx(async (q) => {
        // The first name taken (in the batch or already), as the embedded store names it; the
        // unique index still refuses a name another server creates meanwhile.
        const taken = new Set((await q.rows<{ username: string }>(`SELECT username FROM users WHERE username = ANY($1)`, [inputs.map((u) => u.username)])).map((r) => r.username));
        for (const u of inputs) {
          if (taken.has(u.username)) throw new DuplicateUsernameError(u.username);
          taken.add(u.username);
        }
        const created: UserRecord[] = inputs.map((u) => ({ ...u, id: randomUUID(), active: u.active ?? true, createdAt: now, updatedAt: now }));
        for (const u of created) await userWrite(q, insertOf('users', u), u.username);
        await insertNotes(q, notes, now, created[0]?.id ?? '');
        return created;
      }),

    async getUser(id) {
      return (await db.q.one<{ doc: UserRecord }>(`SELECT doc FROM users WHERE id = $1`, [id]))?.doc;
    },
    async getUserByUsername(username) {
      return (await db.q.one<{ doc: UserRecord }>(`SELECT doc FROM users WHERE username = $1`, [username]))?.doc;
    },
    async listUsers(f: UserFilter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      const eq = (col: string, v: unknown) => {
        params.push(v);
        where.push(`${col} = $${params.length}`);
      };
      if (!f.includeInactive) where.push('active');
      if (f.role) eq('role', f.role);
      if (f.site) eq('site', f.site);
      if (f.department) eq('department', f.department);
      // username is COLLATE "C": code point order, as the embedded store's `<`.
      const rows = await db.q.rows<{ doc: UserRecord }>(`SELECT doc FROM users${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY username`, params);
      return rows.map((r) => r.doc);
    },
    async searchUsers(f: UserSearch, req) {
      const { from, limit } = pageBounds(req);
      const where: string[] = ['true'];
      const params: unknown[] = [];
      const arg = (v: unknown) => `$${params.push(v)}`;
      if (f.status === 'active') where.push('active');
      if (f.status === 'inactive') where.push('NOT active');
      if (f.role) where.push(`role = ${arg(f.role)}`);
      if (f.site) where.push(`site = ${arg(f.site)}`);
      const text = f.text?.trim().toLowerCase();
      if (text) {
        // LIKE with its wildcards and escape character taken literally, as the embedded store's includes().
        const p = arg(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        where.push(`(${["doc->>'displayName'", 'username', 'department', 'site'].map((c) => `lower(${c}) LIKE ${p} ESCAPE '\\'`).join(' OR ')})`);
      }
      const sql = where.join(' AND ');
      const filterParams = [...params];
      const [rows, count] = await Promise.all([
        db.q.rows<{ doc: UserRecord }>(`SELECT doc FROM users WHERE ${sql} ORDER BY username OFFSET ${arg(from)} LIMIT ${arg(limit)}`, params),
        db.q.one<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE ${sql}`, filterParams),
      ]);
      return { items: rows.map((r) => r.doc), total: count!.n, next: from + limit < count!.n ? from + limit : undefined };
    },
    async namesOf(ids) {
      const want = [...new Set(ids)];
      const out = new Map<string, string>();
      if (!want.length) return out;
      const rows = await db.q.rows<{ id: string; name: string }>(`SELECT id, doc->>'displayName' AS name FROM users WHERE id = ANY($1)`, [want]);
      const byId = new Map(rows.map((r) => [r.id, r.name]));
      // In the order asked for, as the embedded store gives them.
      for (const id of want) if (byId.has(id)) out.set(id, byId.get(id)!);
      return out;
    },
    updateUser: (id, patch, now, notes: AuditNote[] = []) =>
      db.tx(async (q) => {
        const u = await lockUser(q, id);
        if (!u) return undefined;
        Object.assign(u, patch, { id, updatedAt: now });
        await saveUser(q, u);
        await insertNotes(q, notes, now, id);
        return u;
      }),
    setPassword: (userId, passwordHash, change, now) =>
      db.tx(async (q) => {
        const u = await lockUser(q, userId);
        if (!u) return undefined;
        u.passwordHash = passwordHash;
        if (change.mustChange) u.mustChangePassword = true;
        else delete u.mustChangePassword;
        u.updatedAt = now;
        await saveUser(q, u);
        // In the same transaction: a stolen session never outlives the password change.
        await q.run(`DELETE FROM sessions WHERE user_id = $1 AND ($2::text IS NULL OR id_hash <> $2)`, [userId, change.keepSession ?? null]);
        await insertAudit(q, { at: now, actorId: change.by, action: change.action, targetId: userId, details: { username: u.username } });
        return u;
      }),
  };
}

export function sessionsPort(db: Db): SessionsPort {
  return {
    async createSession(s) {
      await insertRecord(db.q, 'sessions', s);
    },
    async findSession(idHash) {
      return (await db.q.one<{ doc: SessionRecord }>(`SELECT doc FROM sessions WHERE id_hash = $1`, [idHash]))?.doc;
    },
    async findSessionUser(idHash) {
      const row = await db.q.one<{ session: SessionRecord; user: UserRecord | null }>(
        `SELECT s.doc AS session, u.doc AS user FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
        [idHash],
      );
      return row && { session: row.session, user: row.user ?? undefined };
    },
    async touchSession(idHash, now) {
      // The one field only, column and doc together (a request touches its session on every call).
      await db.q.run(`UPDATE sessions SET last_seen_at = $2::timestamptz, doc = jsonb_set(doc, '{lastSeenAt}', to_jsonb($3::text)) WHERE id_hash = $1`, [idHash, now, now]);
    },
    async deleteSession(idHash) {
      await db.q.run(`DELETE FROM sessions WHERE id_hash = $1`, [idHash]);
    },
    async deleteSessionsOfUser(userId) {
      await db.q.run(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
    },
  };
}
