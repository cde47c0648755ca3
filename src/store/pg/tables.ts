// One place that says how each kind of record is kept in PostgreSQL: its table
// and the columns written beside the whole record (`doc`) — keys, constraints
// and what the reads filter and sort on (migrations/*.sql). Inserts by the
// ports and by store:copy go through here, so the columns always agree with the doc.
import type { DbData } from '../types';
import { json, type Q } from './db';

export type Collection = Exclude<keyof DbData, 'schemaVersion' | 'org' | 'throttles'>;
type Rec<C extends Collection> = DbData[C][number];

interface TableDef<C extends Collection> {
  table: string;
  /** Columns other than doc (and the identity `seq`), from the record. */
  cols: (r: Rec<C>) => Record<string, unknown>;
}

export const TABLES: { [C in Collection]: TableDef<C> } = {
  users: { table: 'users', cols: (u) => ({ id: u.id, username: u.username, role: u.role, site: u.site, department: u.department, active: u.active }) },
  sessions: { table: 'sessions', cols: (s) => ({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, last_seen_at: s.lastSeenAt }) },
  moduleProgress: { table: 'module_progress', cols: (m) => ({ user_id: m.userId, chapter: m.chapter }) },
  checkAttempts: { table: 'check_attempts', cols: (a) => ({ id: a.id, user_id: a.userId, chapter: a.chapter, at: a.at }) },
  scenarioPlays: { table: 'scenario_plays', cols: (p) => ({ id: p.id, user_id: p.userId, scenario_id: p.scenarioId, ended: !!p.end, step_count: p.steps.length, deadline: p.deadline ?? null }) },
  scenarioAttempts: { table: 'scenario_attempts', cols: (a) => ({ id: a.id, user_id: a.userId, scenario_id: a.scenarioId, play_id: a.playId ?? null, at: a.at }) },
  examAttempts: { table: 'exam_attempts', cols: (a) => ({ id: a.id, user_id: a.userId, started_at: a.startedAt, deadline: a.deadline, submitted: !!a.submittedAt }) },
  certificates: { table: 'certificates', cols: (c) => ({ id: c.id, user_id: c.userId, code: c.code, issued_at: c.issuedAt, expires_at: c.expiresAt, revoked: !!c.revokedAt, superseded_by: c.supersededBy ?? null }) },
  waivers: { table: 'waivers', cols: (w) => ({ user_id: w.userId, at: w.at }) },
  audit: { table: 'audit', cols: (a) => ({ id: a.id, at: a.at, actor_id: a.actorId, action: a.action, target_id: a.targetId }) },
  cohorts: { table: 'cohorts', cols: (c) => ({ id: c.id, name: c.name, trainer_id: c.trainerId, trainee_ids: c.traineeIds, created_at: c.createdAt }) },
  liveSessions: { table: 'live_sessions', cols: (s) => ({ id: s.id, code: s.code, cohort_id: s.cohortId, ended: s.status === 'ended', revision: s.revision ?? 0 }) },
  observations: { table: 'observations', cols: (o) => ({ id: o.id, session_id: o.sessionId, cohort_id: o.cohortId, agent_id: o.agentId, rater_id: o.raterId, at: o.at }) },
};

/** The order store:copy loads tables in (a record's references are loaded before it). */
export const LOAD_ORDER: Collection[] = ['users', 'sessions', 'moduleProgress', 'checkAttempts', 'scenarioPlays', 'scenarioAttempts', 'examAttempts', 'certificates', 'waivers', 'audit', 'cohorts', 'liveSessions', 'observations'];

/** `INSERT INTO <table> (cols…, doc) VALUES (…)` for one record, with its parameters; `suffix` adds ON CONFLICT / RETURNING. */
export function insertOf<C extends Collection>(c: C, rec: Rec<C>, suffix = ''): { text: string; params: unknown[] } {
  const def = TABLES[c] as TableDef<C>;
  const cols = def.cols(rec);
  const names = [...Object.keys(cols), 'doc'];
  const params = [...Object.values(cols), json(rec)];
  const marks = names.map((n, i) => (n === 'doc' ? `$${i + 1}::jsonb` : `$${i + 1}`));
  return { text: `INSERT INTO ${def.table} (${names.join(', ')}) VALUES (${marks.join(', ')})${suffix ? ' ' + suffix : ''}`, params };
}

/** Stores one record as it is. */
export async function insertRecord<C extends Collection>(q: Q, c: C, rec: Rec<C>): Promise<void> {
  const { text, params } = insertOf(c, rec);
  await q.run(text, params);
}

/**
 * `UPDATE <table> SET cols…, doc = … WHERE <where>` writing the whole record:
 * `where` uses parameters from $1 after the record's (its first placeholder is
 * passed as `$W1`, `$W2`, … and renumbered here).
 */
export function updateOf<C extends Collection>(c: C, rec: Rec<C>, where: string, whereParams: unknown[] = []): { text: string; params: unknown[] } {
  const def = TABLES[c] as TableDef<C>;
  const cols = def.cols(rec);
  const names = [...Object.keys(cols), 'doc'];
  const params = [...Object.values(cols), json(rec)];
  const sets = names.map((n, i) => `${n} = $${i + 1}${n === 'doc' ? '::jsonb' : ''}`);
  const w = where.replace(/\$W(\d+)/g, (_, k) => `$${params.length + Number(k)}`);
  return { text: `UPDATE ${def.table} SET ${sets.join(', ')} WHERE ${w}`, params: [...params, ...whereParams] };
}
