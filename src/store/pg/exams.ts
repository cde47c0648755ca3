// ExamsPort on PostgreSQL: papers, their saved answers and the one guarded
// hand-in. The partial unique index exam_attempts_one_open keeps one open
// paper per person; overdue papers are found through exam_attempts_open_deadline.
import { randomUUID } from 'node:crypto';
import { ConflictError, type ExamsPort } from '../ports';
import type { ExamAttemptRecord } from '../types';
import { json, uniqueViolation, type Db } from './db';
import { insertOf } from './tables';

type Doc = { doc: ExamAttemptRecord };

export function examsPort(db: Db): ExamsPort {
  return {
    async createExamAttempt(a) {
      const { text, params } = insertOf('examAttempts', { ...a, id: randomUUID() }, 'RETURNING doc');
      try {
        return (await db.q.one<Doc>(text, params))!.doc;
      } catch (e) {
        if (uniqueViolation(e) === 'exam_attempts_one_open') throw new ConflictError('exam', a.userId);
        throw e;
      }
    },
    async getExamAttempt(id) {
      return (await db.q.one<Doc>(`SELECT doc FROM exam_attempts WHERE id = $1`, [id]))?.doc;
    },
    async listExamAttempts(userId) {
      return (await db.q.rows<Doc>(`SELECT doc FROM exam_attempts WHERE user_id = $1 ORDER BY seq`, [userId])).map((r) => r.doc);
    },
    async listOverdueExamAttempts(before) {
      return (await db.q.rows<Doc>(`SELECT doc FROM exam_attempts WHERE NOT submitted AND deadline < $1::timestamptz ORDER BY seq`, [before])).map((r) => r.doc);
    },
    async saveExamAnswer(id, questionId, response, now) {
      // One UPDATE guarded by NOT submitted: the answer set (or its key removed) and savedAt, the paper left alone.
      const answers =
        response === undefined
          ? { sql: `doc #- ARRAY['answers', $2::text]`, params: [] as unknown[] }
          : { sql: `jsonb_set(doc, ARRAY['answers', $2::text], $4::jsonb)`, params: [json(response)] };
      const n = await db.q.run(
        `UPDATE exam_attempts SET doc = jsonb_set(${answers.sql}, '{savedAt}', to_jsonb($3::text)) WHERE id = $1 AND NOT submitted`,
        [id, questionId, now, ...answers.params],
      );
      return n > 0;
    },
    async submitExamAttempt(id, graded, now, auto) {
      const patch: Partial<ExamAttemptRecord> = { result: graded.result, submittedAt: now };
      if (auto) patch.autoSubmitted = true;
      // Handed in only while open and still at the answers that were graded (savedAt unchanged).
      const row = await db.q.one<Doc>(
        `UPDATE exam_attempts SET submitted = true, doc = doc || $2::jsonb
         WHERE id = $1 AND NOT submitted AND (doc->>'savedAt') IS NOT DISTINCT FROM $3::text RETURNING doc`,
        [id, json(patch), graded.savedAt ?? null],
      );
      if (row) return { attempt: row.doc, already: false };
      const cur = (await db.q.one<Doc>(`SELECT doc FROM exam_attempts WHERE id = $1`, [id]))?.doc;
      if (!cur) return undefined;
      if (cur.submittedAt) return { attempt: cur, already: true };
      return { moved: true };
    },
  };
}
