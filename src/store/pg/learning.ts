// LearningPort on PostgreSQL: module progress (one row per person and module)
// and graded knowledge checks. Progress is changed only inside a transaction
// holding its row (SELECT … FOR UPDATE, or the INSERT that creates it), so two
// servers folding checks into one module never lose one of them.
import { randomUUID } from 'node:crypto';
import type { LearningPort } from '../ports';
import type { CheckAttemptRecord, StoredModuleProgress } from '../types';
import { foldCheckAttempt, shouldRecordOpen } from '../../modules/progress';
import type { Db, Q } from './db';
import { insertOf, insertRecord, updateOf } from './tables';

const progressRow = `SELECT doc FROM module_progress WHERE user_id = $1 AND chapter = $2`;

/**
 * Applies `change` to a person's progress in a module, on the locked row (or
 * creates it); `change` answers undefined to write nothing. When another
 * transaction creates the row between our look and our insert, the insert
 * does nothing and the change is applied again to theirs (now committed and locked).
 */
async function changeProgress(q: Q, userId: string, chapter: number, change: (old: StoredModuleProgress | undefined) => StoredModuleProgress | undefined): Promise<void> {
  for (;;) {
    const old = (await q.one<{ doc: StoredModuleProgress }>(`${progressRow} FOR UPDATE`, [userId, chapter]))?.doc;
    const next = change(old);
    if (!next) return;
    if (old) {
      const { text, params } = updateOf('moduleProgress', next, 'user_id = $W1 AND chapter = $W2', [userId, chapter]);
      await q.run(text, params);
      return;
    }
    const { text, params } = insertOf('moduleProgress', next, 'ON CONFLICT (user_id, chapter) DO NOTHING');
    if (await q.run(text, params)) return;
  }
}

export function learningPort(db: Db): LearningPort {
  return {
    async markModuleOpened(userId, chapter, now) {
      // Most opens are re-opens within the window: a plain read spares them a transaction.
      const seen = (await db.q.one<{ doc: StoredModuleProgress }>(progressRow, [userId, chapter]))?.doc;
      if (!shouldRecordOpen(seen, new Date(now))) return;
      await db.tx((q) =>
        changeProgress(q, userId, chapter, (old) => {
          if (!old) return { userId, chapter, openedAt: now, lastOpenedAt: now };
          // Checked again on the locked row: another server may have recorded this open meanwhile.
          return shouldRecordOpen(old, new Date(now)) ? { ...old, lastOpenedAt: now } : undefined;
        }),
      );
    },
    recordCheckAttempt: (a) =>
      db.tx(async (q) => {
        const rec: CheckAttemptRecord = { ...a, id: randomUUID() };
        await insertRecord(q, 'checkAttempts', rec);
        await changeProgress(q, a.userId, a.chapter, (old) => ({ ...foldCheckAttempt(old, a), userId: a.userId }));
        // A fresh copy: what the caller passed in shares nested objects (results) with `rec`.
        return structuredClone(rec);
      }),
    async listModuleProgress(userId) {
      return (await db.q.rows<{ doc: StoredModuleProgress }>(`SELECT doc FROM module_progress WHERE user_id = $1 ORDER BY seq`, [userId])).map((r) => r.doc);
    },
    async latestCheckAttempt(userId, chapter) {
      return (await db.q.one<{ doc: CheckAttemptRecord }>(`SELECT doc FROM check_attempts WHERE user_id = $1 AND chapter = $2 ORDER BY seq DESC LIMIT 1`, [userId, chapter]))?.doc;
    },
    async listCheckAttempts(userId, chapter) {
      return (await db.q.rows<{ doc: CheckAttemptRecord }>(`SELECT doc FROM check_attempts WHERE user_id = $1 AND chapter = $2 ORDER BY seq`, [userId, chapter])).map((r) => r.doc);
    },
    async getCheckAttempt(id) {
      return (await db.q.one<{ doc: CheckAttemptRecord }>(`SELECT doc FROM check_attempts WHERE id = $1`, [id]))?.doc;
    },
  };
}
