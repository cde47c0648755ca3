// Issue 13, point 4: GET never writes. The trainee side's views are read-only;
// an overdue exam is handed in by the timer (or a command), a module's open is
// recorded by its own command.
import { describe, it, expect } from 'vitest';
import { startPlay, takeStep } from '../../src/app/scenario-service';
import { choiceToken } from '../../src/scenarios';
import { drawPool } from '../../src/certification';
import { startExam, saveAnswer, submitExam, examStatus, examAttemptView, finaliseOverdueExams } from '../../src/app/exam-service';
import { moduleView, recordModuleOpened } from '../../src/app/trainee-view';
import { responseToPublic } from '../../src/quiz';
import { REOPEN_WINDOW_MS } from '../../src/modules';
import type { UserRecord } from '../../src/store';
import { testRuntime } from './runtime-helper';

type TestRuntime = Awaited<ReturnType<typeof testRuntime>>;
const start = new Date('2026-11-28T08:00:00Z');

/** Every chapter's check passed and the assessment role-plays the certificate needs (the required one, the pool's draw, one more) played best, as the pages would. */
async function completePrerequisites(rt: TestRuntime, user: UserRecord, now: Date) {
  for (const m of rt.course.modules) await rt.store.recordCheckAttempt({ userId: user.id, chapter: m.chapter, results: [], correct: 5, total: 5, percent: 100, passed: true, at: now.toISOString() });
  for (const id of ['ceiling-leak', ...drawPool(rt.certification, `${user.id}|`), 'fee-refusal']) {
    const s = rt.scenarios.get(id)!;
    const play = await startPlay(rt, user, id, 'assessment', now);
    for (const [i, choice] of s.analysis.bestPath.choices.entries()) await takeStep(rt, user, play.id, choiceToken(play.seed, i, choice), i, now);
  }
}

/** A started paper with every answer right, and a moment past its deadline and grace. */
async function overduePaper(rt: TestRuntime) {
  const user = (await rt.store.getUserByUsername('trainee'))!;
  await completePrerequisites(rt, user, start);
  const attempt = await startExam(rt, user, start);
  const paper = { seed: attempt.seed, questions: attempt.paper };
  for (const pq of attempt.paper) {
    const q = rt.exam.bank.get(pq.id)!;
    await saveAnswer(rt, user, attempt.id, q.id, responseToPublic(paper, q, q.answer), start);
  }
  const late = new Date(Date.parse(attempt.deadline) + (rt.exam.blueprint.graceSeconds + 5) * 1000);
  return { user, attempt, late };
}

describe('GET never writes: the exam', () => {
  it('rendering the exam view of an overdue attempt writes nothing', async () => {
    const rt = await testRuntime(start);
    const { user, attempt, late } = await overduePaper(rt);
    const writes = rt.store.writeCount();
    const view = await examAttemptView(rt, user, attempt.id, late);
    const status = await examStatus(rt, user, late);
    expect(rt.store.writeCount()).toBe(writes);
    expect((await rt.store.getExamAttempt(attempt.id))!.submittedAt).toBeUndefined();
    expect(await rt.store.listCertificates(user.id)).toEqual([]);
    // Shown as handed in, graded from what was saved, as the timer will store it; no certificate yet.
    expect(view).toMatchObject({ kind: 'result', autoSubmitted: true, result: { percent: 100, passed: true }, certificateId: undefined });
    expect(status.attempts[0]).toMatchObject({ id: attempt.id, autoSubmitted: true, result: { percent: 100 } });
  });

  it('the timer finalises an overdue attempt once and issues the certificate once', async () => {
    const rt = await testRuntime(start);
    const { user, attempt, late } = await overduePaper(rt);
    const shown = await examAttemptView(rt, user, attempt.id, late);
    expect(await finaliseOverdueExams(rt, late)).toBe(1);
    expect(await finaliseOverdueExams(rt, new Date(late.getTime() + 10_000))).toBe(0);
    const stored = (await rt.store.getExamAttempt(attempt.id))!;
    expect(stored).toMatchObject({ autoSubmitted: true, result: { percent: 100, passed: true } });
    expect(shown.kind === 'result' && shown.result).toEqual(stored.result);
    const certs = await rt.store.listCertificates(user.id);
    expect(certs).toHaveLength(1);
    expect(certs[0]).toMatchObject({ examAttemptId: attempt.id });
    expect(await examAttemptView(rt, user, attempt.id, late)).toMatchObject({ certificateId: certs[0]!.id });
    // The person's submit after the timer is refused as handed in by the server.
    await expect(submitExam(rt, user, attempt.id, late)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/自动提交/) });
  });

  it('the timer leaves attempts still open or in their grace alone', async () => {
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    await completePrerequisites(rt, user, start);
    const attempt = await startExam(rt, user, start);
    const inGrace = new Date(Date.parse(attempt.deadline) + 1000);
    expect(await finaliseOverdueExams(rt, inGrace)).toBe(0);
    expect((await rt.store.getExamAttempt(attempt.id))!.submittedAt).toBeUndefined();
  });

  it('an autosave after the deadline is refused and issues nothing', async () => {
    const rt = await testRuntime(start);
    const { user, attempt, late } = await overduePaper(rt);
    const q = rt.exam.bank.get(attempt.paper[0]!.id)!;
    const writes = rt.store.writeCount();
    await expect(saveAnswer(rt, user, attempt.id, q.id, null, late)).rejects.toMatchObject({ status: 409, code: 'examClosed' });
    expect(rt.store.writeCount()).toBe(writes);
    expect(await rt.store.listCertificates(user.id)).toEqual([]);
    expect((await rt.store.getExamAttempt(attempt.id))!.submittedAt).toBeUndefined();
  });
});

describe('GET never writes: a module page', () => {
  it("opening a module page's view writes nothing; the opened command records it once within the re-open window", async () => {
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const writes = rt.store.writeCount();
    const view = await moduleView(rt, user, 2, null);
    expect(rt.store.writeCount()).toBe(writes);
    // Shown as it stands once the page has reported the open, which is not yet recorded.
    expect(view).toMatchObject({ status: 'in_progress', recordsOpen: true });
    expect(await rt.store.listModuleProgress(user.id)).toEqual([]);
    await recordModuleOpened(rt, user, 2, start);
    await recordModuleOpened(rt, user, 2, new Date(start.getTime() + REOPEN_WINDOW_MS - 1000));
    expect(rt.store.writeCount()).toBe(writes + 1);
    expect((await rt.store.listModuleProgress(user.id)).filter((p) => p.chapter === 2)).toEqual([expect.objectContaining({ openedAt: start.toISOString(), lastOpenedAt: start.toISOString() })]);
    expect(await moduleView(rt, user, 2, null)).toMatchObject({ status: 'in_progress' });
  });

  it('the opened command refuses an unknown chapter (404) and records nothing for staff', async () => {
    const rt = await testRuntime(start);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const trainer = (await rt.store.getUserByUsername('trainer'))!;
    await expect(recordModuleOpened(rt, user, 99, start)).rejects.toMatchObject({ status: 404 });
    const writes = rt.store.writeCount();
    await recordModuleOpened(rt, trainer, 2, start);
    expect(rt.store.writeCount()).toBe(writes);
    expect(await moduleView(rt, trainer, 2, null)).toMatchObject({ status: 'not_started', recordsOpen: false });
  });
});
