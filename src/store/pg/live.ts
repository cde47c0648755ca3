// LivePort on PostgreSQL: live classroom sessions, updated at a revision in
// one guarded UPDATE, and observed scores, one per (session, agent, rater).
import { randomUUID } from 'node:crypto';
import { ConflictError, DuplicateError, type LivePort } from '../ports';
import type { LiveSessionRecord, ObservationRecord } from '../types';
import { uniqueViolation, type Db } from './db';
import { insertOf, updateOf } from './tables';

type Doc<T> = { doc: T };

/** An open session's code taken (live_sessions_open_code) as the typed error callers know. */
function codeTaken(e: unknown, code: string): never {
  if (uniqueViolation(e) === 'live_sessions_open_code') throw new DuplicateError('liveSession.code', code);
  throw e;
}

export function livePort(db: Db): LivePort {
  return {
    async createLiveSession(s) {
      const { text, params } = insertOf('liveSessions', s, 'RETURNING doc');
      try {
        return (await db.q.one<Doc<LiveSessionRecord>>(text, params))!.doc;
      } catch (e) {
        codeTaken(e, s.code);
      }
    },
    async getLiveSession(id) {
      return (await db.q.one<Doc<LiveSessionRecord>>(`SELECT doc FROM live_sessions WHERE id = $1`, [id]))?.doc;
    },
    async findLiveSessionByCode(code) {
      return (await db.q.one<Doc<LiveSessionRecord>>(`SELECT doc FROM live_sessions WHERE code = $1 AND NOT ended`, [code]))?.doc;
    },
    async listLiveSessions(cohortId) {
      return (await db.q.rows<Doc<LiveSessionRecord>>(`SELECT doc FROM live_sessions WHERE cohort_id = $1 ORDER BY seq`, [cohortId])).map((r) => r.doc);
    },
    async updateLiveSession(id, revision, next) {
      // The revision is the store's: whatever `next` says, the stored one is revision + 1.
      const updated: LiveSessionRecord = { ...next, revision: revision + 1 };
      const { text, params } = updateOf('liveSessions', updated, 'id = $W1 AND revision = $W2 RETURNING doc', [id, revision]);
      let row: Doc<LiveSessionRecord> | undefined;
      try {
        row = await db.q.one<Doc<LiveSessionRecord>>(text, params);
      } catch (e) {
        codeTaken(e, next.code);
      }
      if (row) return row.doc;
      if (await db.q.one(`SELECT 1 FROM live_sessions WHERE id = $1`, [id])) throw new ConflictError('live session', id);
      return undefined;
    },
    async addObservation(o) {
      const rec: ObservationRecord = { ...o, id: randomUUID() };
      // A second score in the slot replaces the first (replacesObservation: same session,
      // agent and rater — the table's unique key); a fresh seq puts it last, as store.ts
      // removes the old record and appends the new one.
      const { text, params } = insertOf(
        'observations',
        rec,
        `ON CONFLICT (session_id, agent_id, rater_id) DO UPDATE SET id = EXCLUDED.id, cohort_id = EXCLUDED.cohort_id, at = EXCLUDED.at, doc = EXCLUDED.doc, seq = DEFAULT RETURNING doc`,
      );
      return (await db.q.one<Doc<ObservationRecord>>(text, params))!.doc;
    },
    async listObservations(f) {
      const rows = await db.q.rows<Doc<ObservationRecord>>(
        `SELECT doc FROM observations WHERE ($1::text IS NULL OR agent_id = $1) AND ($2::text IS NULL OR session_id = $2) AND ($3::text IS NULL OR cohort_id = $3) ORDER BY seq`,
        [f.agentId ?? null, f.sessionId ?? null, f.cohortId ?? null],
      );
      return rows.map((r) => r.doc);
    },
  };
}
