// PlaysPort on PostgreSQL: role-plays dealt step by step, and scored attempts.
// A step is one guarded UPDATE (open, before the deadline, at the expected
// count); the partial unique index scenario_plays_one_open keeps one open play
// per person and scenario.
import { randomUUID } from 'node:crypto';
import type { PlaysPort, PlayStepResult } from '../ports';
import type { PlayStepRecord, ScenarioAttemptRecord, ScenarioPlayRecord } from '../types';
import { json, type Db, type Q } from './db';
import { insertOf, insertRecord } from './tables';

/** Why a step's guarded UPDATE matched nothing, checked in store.ts's order. */
async function whyRefused(q: Q, playId: string, step: PlayStepRecord): Promise<PlayStepResult> {
  const row = await q.one<{ doc: ScenarioPlayRecord }>(`SELECT doc FROM scenario_plays WHERE id = $1`, [playId]);
  if (!row) return { ok: false, reason: 'gone' };
  const p = row.doc;
  if (p.end) return { ok: false, reason: 'ended' };
  if (p.deadline && step.at > p.deadline) return { ok: false, reason: 'timed-out' };
  // Either the count differs, or a concurrent step moved it between the UPDATE and this read.
  return { ok: false, reason: 'moved' };
}

// Appends the step while open, at `expected` steps and not past the deadline
// (ISO strings compare as the instants they name, as store.ts compares them).
const STEP_SQL = `UPDATE scenario_plays
  SET step_count = step_count + 1, ended = ended OR $5::boolean,
      doc = jsonb_set(doc, '{steps}', (doc->'steps') || $2::jsonb) || $6::jsonb
  WHERE id = $1 AND NOT ended AND step_count = $3 AND (deadline IS NULL OR deadline >= $4::timestamptz)
  RETURNING doc`;

export function playsPort(db: Db): PlaysPort {
  return {
    /** The person's open play of the scenario is given up and the new one stored, in one transaction. */
    startPlay: (p) =>
      db.tx(async (q) => {
        // The person's row serialises their starts: a start that ran its UPDATE before another's
        // insert committed would otherwise meet that open play in scenario_plays_one_open.
        await q.run(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [p.userId]);
        await q.run(
          `UPDATE scenario_plays SET ended = true, doc = doc || $3::jsonb WHERE user_id = $1 AND scenario_id = $2 AND NOT ended`,
          [p.userId, p.scenarioId, json({ end: 'abandoned', endedAt: p.startedAt })],
        );
        const { text, params } = insertOf('scenarioPlays', { ...p, id: randomUUID(), steps: [] }, 'RETURNING doc');
        return (await q.one<{ doc: ScenarioPlayRecord }>(text, params))!.doc;
      }),
    async openPlay(userId, scenarioId) {
      const row = await db.q.one<{ doc: ScenarioPlayRecord }>(`SELECT doc FROM scenario_plays WHERE user_id = $1 AND scenario_id = $2 AND NOT ended`, [userId, scenarioId]);
      return row?.doc;
    },
    async getPlay(id) {
      return (await db.q.one<{ doc: ScenarioPlayRecord }>(`SELECT doc FROM scenario_plays WHERE id = $1`, [id]))?.doc;
    },
    async listPlays(userId, scenarioId) {
      const rows = await db.q.rows<{ doc: ScenarioPlayRecord }>(
        `SELECT doc FROM scenario_plays WHERE user_id = $1 AND ($2::text IS NULL OR scenario_id = $2) ORDER BY seq`,
        [userId, scenarioId ?? null],
      );
      return rows.map((r) => r.doc);
    },
    async recordPlayStep(playId, expected, step, attempt) {
      const params = (end: object) => [playId, json([step]), expected, step.at, Object.keys(end).length > 0, json(end)];
      if (!attempt) {
        const row = await db.q.one<{ doc: ScenarioPlayRecord }>(STEP_SQL, params({}));
        return row ? { ok: true, play: row.doc } : whyRefused(db.q, playId, step);
      }
      // The play's end and its attempt: one transaction, the guarded UPDATE first.
      const rec: ScenarioAttemptRecord = { ...attempt, id: randomUUID(), playId };
      const done = await db.tx(async (q) => {
        const row = await q.one<{ doc: ScenarioPlayRecord }>(STEP_SQL, params({ end: 'finished', endedAt: step.at, attemptId: rec.id }));
        if (!row) return undefined;
        const { text, params: p } = insertOf('scenarioAttempts', rec, 'RETURNING doc');
        const a = (await q.one<{ doc: ScenarioAttemptRecord }>(text, p))!.doc;
        return { ok: true as const, play: row.doc, attempt: a };
      });
      return done ?? whyRefused(db.q, playId, step);
    },
    async recordScenarioAttempt(a) {
      const rec: ScenarioAttemptRecord = { ...a, id: randomUUID() };
      await insertRecord(db.q, 'scenarioAttempts', rec);
      return JSON.parse(json(rec)) as ScenarioAttemptRecord;
    },
    async listScenarioAttempts(userId, scenarioId) {
      const rows = await db.q.rows<{ doc: ScenarioAttemptRecord }>(
        `SELECT doc FROM scenario_attempts WHERE user_id = $1 AND ($2::text IS NULL OR scenario_id = $2) ORDER BY seq`,
        [userId, scenarioId ?? null],
      );
      return rows.map((r) => r.doc);
    },
    async getScenarioAttempt(id) {
      return (await db.q.one<{ doc: ScenarioAttemptRecord }>(`SELECT doc FROM scenario_attempts WHERE id = $1`, [id]))?.doc;
    },
  };
}
