// Demo activity for the demo organisation: a few weeks of training, so every
// role's pages show something real on first start. Only runs when the demo
// company was just seeded (never in production). Everything goes through the
// same services and engine a trainee would use, so the figures are consistent.
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import { startExam, saveAnswer, submitExam } from './exam-service';
import { startPlay, takeStep } from './scenario-service';
import { choiceToken, type Mode } from '../scenarios';
import { responseToPublic } from '../quiz';
import { drawPool } from '../certification';
import { localDay } from '../i18n';

const days = (now: Date, n: number) => new Date(now.getTime() - n * 86_400_000);

export async function seedDemoActivity(rt: Runtime, now: Date): Promise<void> {
  const { course, scenarios } = rt;
  const store = storageOf(rt);
  const users = new Map((await store.listUsers()).map((x) => [x.username, x]));
  const u = (name: string) => users.get(name)!;
  const trainer = u('trainer');

  async function modules(username: string, chapters: number[], at: Date) {
    for (const c of chapters) {
      await store.recordCheckAttempt({ userId: u(username).id, chapter: c, results: [], correct: 5, total: 5, percent: 100, passed: true, at: at.toISOString() });
    }
  }
  /** Plays the best path step by step through the server's dealing, a little under a minute per decision. */
  async function play(username: string, scenarioId: string, at: Date, mode: Mode) {
    const s = scenarios.get(scenarioId)!;
    const user = u(username);
    const p = await startPlay(rt, user, scenarioId, mode, at);
    for (const [i, choiceId] of s.analysis.bestPath.choices.entries()) {
      await takeStep(rt, user, p.id, choiceToken(p.seed, i, choiceId), i, new Date(at.getTime() + (i + 1) * 40_000));
    }
  }
  async function exam(username: string, at: Date, rightShare: number) {
    const user = u(username);
    const a = await startExam(rt, user, at);
    const paper = { seed: a.seed, questions: a.paper };
    const n = Math.round(a.paper.length * rightShare);
    for (const pq of a.paper.slice(0, n)) {
      const q = rt.exam.bank.get(pq.id)!;
      await saveAnswer(rt, user, a.id, q.id, responseToPublic(paper, q, q.answer), at);
    }
    await submitExam(rt, user, a.id, new Date(at.getTime() + 30 * 60_000));
  }

  const all = course.modules.map((m) => m.chapter);
  // 李晓婷: certified three weeks ago.
  await modules('li.xiaoting', all, days(now, 30));
  for (const id of ['ceiling-leak', 'phone-repair-call', 'fire-report']) {
    await play('li.xiaoting', id, days(now, 25), 'practice');
    await play('li.xiaoting', id, days(now, 24), 'assessment');
  }
  // … and the assessment-only scenario(s) drawn for her first round (never practised: they cannot be).
  for (const id of drawPool(rt.certification, `${u('li.xiaoting').id}|`)) await play('li.xiaoting', id, days(now, 23), 'assessment');
  await exam('li.xiaoting', days(now, 21), 0.95);
  // 张伟 (翠湖天地): halfway.
  await modules('zhang.wei', [1, 2, 3, 4], days(now, 12));
  await play('zhang.wei', 'ceiling-leak', days(now, 11), 'practice');
  await play('zhang.wei', 'ceiling-leak', days(now, 10), 'assessment');
  // 赵敏: just started.
  await modules('zhao.min', [1], days(now, 3));
  await store.markModuleOpened(u('zhao.min').id, 2, days(now, 2).toISOString());

  await store.createCohort({ name: '2026年11月新员工 · 阳光花园项目', trainerId: trainer.id, traineeIds: ['trainee', 'li.xiaoting', 'sun.hao'].map((n) => u(n).id), dueDate: localDay(days(now, -20)), createdAt: days(now, 30).toISOString() }, trainer.id);
  await store.createCohort({ name: '2026年10月新员工 · 翠湖天地项目', trainerId: trainer.id, traineeIds: ['zhang.wei', 'zhao.min'].map((n) => u(n).id), dueDate: localDay(days(now, 5)), createdAt: days(now, 45).toISOString() }, trainer.id);
}
