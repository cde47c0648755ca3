// CohortsPort on PostgreSQL: membership changes lock the cohort row and
// rewrite its doc and trainee_ids with their audit entries in one transaction;
// "the cohorts a trainee is in" reads the GIN index on trainee_ids.
import { randomUUID } from 'node:crypto';
import { stints } from '../../cohorts';
import type { CohortsPort } from '../ports';
import type { CohortRecord } from '../types';
import type { Db, Q } from './db';
import { insertAudit } from './audit';
import { insertRecord, updateOf } from './tables';

type Doc = { doc: CohortRecord };

const lockCohort = async (q: Q, id: string) => (await q.one<Doc>(`SELECT doc FROM cohorts WHERE id = $1 FOR UPDATE`, [id]))?.doc;

async function rewrite(q: Q, c: CohortRecord) {
  const { text, params } = updateOf('cohorts', c, 'id = $W1', [c.id]);
  await q.run(text, params);
}

/** A record as stored (jsonb drops undefined fields, as the port's reads give it). */
const stored = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

export function cohortsPort(db: Db): CohortsPort {
  return {
    createCohort: (c, by) =>
      db.tx(async (q) => {
        const traineeIds = [...new Set(c.traineeIds)];
        const rec: CohortRecord = { ...c, traineeIds, members: traineeIds.map((userId) => ({ userId, joinedAt: c.createdAt })), id: randomUUID() };
        await insertRecord(q, 'cohorts', rec);
        const details = { cohortId: rec.id, cohortName: rec.name };
        await insertAudit(q, { at: c.createdAt, actorId: by, action: 'cohort.create', targetId: rec.id, details: { ...details, count: traineeIds.length } });
        for (const id of traineeIds) await insertAudit(q, { at: c.createdAt, actorId: by, action: 'cohort.enrol', targetId: id, details });
        return stored(rec);
      }),
    async getCohort(id) {
      return (await db.q.one<Doc>(`SELECT doc FROM cohorts WHERE id = $1`, [id]))?.doc;
    },
    async listCohorts(trainerId) {
      const rows = await db.q.rows<Doc>(`SELECT doc FROM cohorts WHERE $1::text IS NULL OR trainer_id = $1 ORDER BY seq`, [trainerId ?? null]);
      return rows.map((r) => r.doc);
    },
    updateCohort: (id, patch) =>
      db.tx(async (q) => {
        const c = await lockCohort(q, id);
        if (!c) return undefined;
        const next = stored({ ...c, ...patch });
        await rewrite(q, next);
        return next;
      }),
    enrol: (id, userIds, by, at) =>
      db.tx(async (q) => {
        const c = await lockCohort(q, id);
        if (!c) return undefined;
        const fresh = [...new Set(userIds)].filter((u) => !c.traineeIds.includes(u));
        const next: CohortRecord = { ...c, members: [...stints(c), ...fresh.map((userId) => ({ userId, joinedAt: at }))], traineeIds: [...c.traineeIds, ...fresh] };
        await rewrite(q, next);
        for (const u of fresh) await insertAudit(q, { at, actorId: by, action: 'cohort.enrol', targetId: u, details: { cohortId: c.id, cohortName: c.name } });
        return { cohort: stored(next), added: fresh.length };
      }),
    unenrol: (id, userId, by, at) =>
      db.tx(async (q) => {
        const c = await lockCohort(q, id);
        if (!c || !c.traineeIds.includes(userId)) return undefined;
        const next: CohortRecord = {
          ...c,
          members: stints(c).map((m) => (m.userId === userId && !m.leftAt ? { ...m, leftAt: at } : m)),
          traineeIds: c.traineeIds.filter((u) => u !== userId),
        };
        await rewrite(q, next);
        await insertAudit(q, { at, actorId: by, action: 'cohort.remove', targetId: userId, details: { cohortId: c.id, cohortName: c.name } });
        return stored(next);
      }),
    async cohortsOf(traineeId) {
      return (await db.q.rows<Doc>(`SELECT doc FROM cohorts WHERE trainee_ids @> ARRAY[$1::text] ORDER BY seq`, [traineeId])).map((r) => r.doc);
    },
  };
}
