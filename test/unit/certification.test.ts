import { auditOf } from './helpers';
import { describe, it, expect } from 'vitest';
import { certificationProgress, formatCode, normaliseCode, maskName, certificateStatus, addMonths, countedAttempts, drawPool, assessmentsLeft, roundStart } from '../../src/certification';
import { startPlay, takeStep } from '../../src/app/scenario-service';
import { choiceToken, type Mode } from '../../src/scenarios';
import { startExam, saveAnswer, submitExam, certificationFor, examStatus, examAttemptView, finaliseOverdueExams } from '../../src/app/exam-service';
import { responseToPublic } from '../../src/quiz';
import { BadRequest } from '../../src/app/http';
import type { Runtime } from '../../src/app/runtime';
import type { UserRecord } from '../../src/store';
import { testRuntime } from './runtime-helper';
type TestRuntime = Awaited<ReturnType<typeof testRuntime>>;
import { t } from '../../src/i18n';

const rules = { title: '物业客服上岗认证', modules: 'all' as const, scenarios: { required: ['ceiling-leak'], additional: 2, minEach: 60 }, assessment: { timeLimitMinutes: 15, maxPlaysPerRound: 2, notPractisedFirst: false }, exam: 'passed' as const, validityMonths: 24 };
const pass = { passed: true, calmness: 90, empathy: 90, solution: 90 };
const input = (over: Partial<Parameters<typeof certificationProgress>[1]> = {}) => ({
  completedChapters: new Set([1, 2, 3, 4, 5, 6, 7]),
  allChapters: [1, 2, 3, 4, 5, 6, 7],
  scenarioBest: new Map([['ceiling-leak', pass], ['fee-refusal', pass], ['fire-report', pass]]),
  scenarioTitles: new Map([['ceiling-leak', '楼上漏水']]),
  examPassed: true,
  ...over,
});

describe('certification rules', () => {
  it('are met with all modules, the required scenario plus two others, and the exam', () => {
    const p = certificationProgress(rules, input());
    expect(p).toMatchObject({ complete: true, prerequisitesMet: true, missing: [] });
    expect(p.countedScenarios).toEqual(['ceiling-leak', 'fee-refusal', 'fire-report']);
  });
  it('each missing prerequisite blocks, and says what is missing', () => {
    expect(certificationProgress(rules, input({ completedChapters: new Set([1, 2, 3, 4, 5, 6]) }))).toMatchObject({ complete: false, modulesMissing: [7] });
    const noLeak = new Map(input().scenarioBest);
    noLeak.delete('ceiling-leak');
    noLeak.set('power-outage', pass);
    expect(certificationProgress(rules, input({ scenarioBest: noLeak })).missing).toEqual([{ kind: 'scenario', id: 'ceiling-leak', title: '楼上漏水' }]);
    expect(certificationProgress(rules, input({ scenarioBest: noLeak })).missing.map(t.cert.missing)).toEqual(['在考核模式下通过情景演练“楼上漏水”']);
    const oneOther = new Map([['ceiling-leak', pass], ['fee-refusal', pass]]);
    expect(certificationProgress(rules, input({ scenarioBest: oneOther })).missing.map(t.cert.missing)).toEqual(['在考核模式下再通过 1 个其他情景演练']);
    const lowDimension = new Map([...input().scenarioBest, ['fire-report', { ...pass, empathy: 55 }]]);
    expect(certificationProgress(rules, input({ scenarioBest: lowDimension })).prerequisitesMet).toBe(false);
    const failed = new Map([...input().scenarioBest, ['ceiling-leak', { ...pass, passed: false }]]);
    expect(certificationProgress(rules, input({ scenarioBest: failed })).prerequisitesMet).toBe(false);
    expect(certificationProgress(rules, input({ examPassed: false }))).toMatchObject({ prerequisitesMet: true, complete: false, missing: [{ kind: 'exam' }] });
    expect(certificationProgress(rules, input({ examPassed: false })).missing.map(t.cert.missing)).toEqual(['通过结业考试']);
  });
});

describe('certificate details', () => {
  it('codes carry 80 bits, read in groups and survive retyping', () => {
    const code = formatCode(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(normaliseCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(normaliseCode('too-short')).toBeUndefined();
    expect(() => formatCode(new Uint8Array(8))).toThrow();
    expect(formatCode(new Uint8Array(10).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  });
  it('masks names and knows its status', () => {
    expect(maskName('王小明')).toBe('王*明');
    expect(maskName('王明')).toBe('王*');
    expect(maskName('欧阳小明')).toBe('欧**明');
    const c = { expiresAt: '2028-11-28T00:00:00.000Z' };
    expect(certificateStatus(c, new Date('2027-01-01'))).toBe('valid');
    expect(certificateStatus(c, new Date('2028-11-28T00:00:00.000Z'))).toBe('expired');
    expect(certificateStatus({ ...c, revokedAt: 'x' }, new Date('2027-01-01'))).toBe('revoked');
    expect(certificateStatus({ ...c, supersededBy: 'y' }, new Date('2027-01-01'))).toBe('superseded');
    expect(addMonths(new Date('2026-11-28T08:00:00Z'), 24).toISOString()).toBe('2028-11-28T08:00:00.000Z');
    expect(addMonths(new Date('2026-08-31T00:00:00Z'), 6).toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });
});

async function completePrerequisites(rt: TestRuntime, user: UserRecord, now: Date) {
  for (const m of rt.course.modules) {
    await rt.store.recordCheckAttempt({ userId: user.id, chapter: m.chapter, results: [], correct: 5, total: 5, percent: 100, passed: true, at: now.toISOString() });
  }
  // The required one, the assessment-only scenario drawn for this trainee's round, and one more.
  for (const id of ['ceiling-leak', ...drawPool(rt.certification, `${user.id}|`), 'fee-refusal']) await playBest(rt, user, id, 'assessment', now);
}

/** Plays a scenario's best path through the server's dealing, as the page would. */
async function playBest(rt: Runtime, user: UserRecord, scenarioId: string, mode: Mode, now: Date) {
  const s = rt.scenarios.get(scenarioId)!;
  const play = await startPlay(rt, user, scenarioId, mode, now);
  let last;
  for (const [i, id] of s.analysis.bestPath.choices.entries()) last = await takeStep(rt, user, play.id, choiceToken(play.seed, i, id), i, now);
  return last!.attempt!;
}

async function answerAll(rt: TestRuntime, user: UserRecord, attemptId: string, now: Date, right: (i: number) => boolean) {
  const a = (await rt.store.getExamAttempt(attemptId))!;
  const paper = { seed: a.seed, questions: a.paper };
  for (const [i, pq] of a.paper.entries()) {
    const q = rt.exam.bank.get(pq.id)!;
    if (right(i)) await saveAnswer(rt, user, attemptId, q.id, responseToPublic(paper, q, q.answer), now);
  }
}

describe('exam and certificate flow (services over a real store)', () => {
  it('blocks the exam until prerequisites are met, then issues a certificate exactly once', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    await expect(startExam(rt, user, now)).rejects.toThrow(BadRequest);
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    expect(await startExam(rt, user, now)).toMatchObject({ id: attempt.id }); // resumes, no second paper
    await answerAll(rt, user, attempt.id, now, () => true);
    const { attempt: done, certificate } = await submitExam(rt, user, attempt.id, new Date('2026-11-28T08:30:00Z'));
    expect(done.result).toMatchObject({ percent: 100, passed: true });
    expect(certificate).toMatchObject({ holderName: '王小明', title: '物业客服上岗认证', examPercent: 100 });
    expect(certificate!.expiresAt.startsWith('2028-11-28')).toBe(true);
    expect(certificate!.dimensions.calmness).toBeGreaterThanOrEqual(60);
    await expect(submitExam(rt, user, attempt.id, new Date('2026-11-28T08:31:00Z'))).rejects.toThrow(/已经提交过了/);
    await expect(saveAnswer(rt, user, attempt.id, done.paper[0]!.id, null, new Date('2026-11-28T08:32:00Z'))).rejects.toThrow(/已经提交/);
    expect(await rt.store.listCertificates(user.id)).toHaveLength(1);
    expect((await examStatus(rt, user, new Date('2026-12-01T00:00:00Z'))).eligibility).toMatchObject({ ok: false, reason: 'certified' });
  });

  it('a failing attempt names the weakest category and issues nothing', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('li.xiaoting'))!;
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    const a = (await rt.store.getExamAttempt(attempt.id))!;
    const lawIdx = new Set(a.paper.map((pq, i) => (rt.exam.bank.get(pq.id)!.category === 'law' ? i : -1)));
    await answerAll(rt, user, attempt.id, now, (i) => !lawIdx.has(i));
    const { attempt: done, certificate } = await submitExam(rt, user, attempt.id, now);
    expect(done.result).toMatchObject({ passed: false, weakest: 'law' });
    expect(certificate).toBeUndefined();
    expect((await examStatus(rt, user, new Date('2026-11-28T20:00:00Z'))).eligibility).toMatchObject({ ok: false, reason: 'wait' });
    expect((await examStatus(rt, user, new Date('2026-11-29T09:00:00Z'))).eligibility).toMatchObject({ ok: true, attemptsLeft: 2 });
  });

  it('an overdue attempt is submitted with what was saved, never lost', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('zhang.wei'))!;
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    await answerAll(rt, user, attempt.id, now, (i) => i < 10);
    const late = new Date(Date.parse(attempt.deadline) + (rt.exam.blueprint.graceSeconds + 5) * 1000);
    await expect(saveAnswer(rt, user, attempt.id, attempt.paper[20]!.id, true, late)).rejects.toThrow(/已经提交/);
    // The refused autosave writes nothing; the timer hands the paper in.
    await finaliseOverdueExams(rt, late);
    const stored = (await rt.store.getExamAttempt(attempt.id))!;
    expect(stored).toMatchObject({ autoSubmitted: true });
    expect(Object.keys(stored.answers)).toHaveLength(10);
    expect(stored.result!.percent).toBe(25);
    // In the grace period a save is still accepted.
    const other = (await rt.store.getUserByUsername('zhao.min'))!;
    await completePrerequisites(rt, other, now);
    const b = await startExam(rt, other, now);
    const graceTime = new Date(Date.parse(b.deadline) + 10_000);
    await saveAnswer(rt, other, b.id, b.paper[0]!.id, null, graceTime);
  });

  it('after an automatic submission, handing the paper in again is refused (409) and the result page still works', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('zhang.wei'))!;
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    await answerAll(rt, user, attempt.id, now, (i) => i < 10);
    // An answer nested 7,000 deep is a bad request (400), not a server error.
    let deep: unknown = 'x';
    for (let i = 0; i < 7000; i++) deep = [deep];
    await expect(saveAnswer(rt, user, attempt.id, attempt.paper[0]!.id, deep, now)).rejects.toMatchObject({ status: 400 });
    const late = new Date(Date.parse(attempt.deadline) + (rt.exam.blueprint.graceSeconds + 5) * 1000);
    // The first submit after the deadline and grace is the one that hands it in (graded with what was saved).
    const first = await submitExam(rt, user, attempt.id, late);
    expect(first.attempt).toMatchObject({ autoSubmitted: true, result: { percent: 25 } });
    const again = submitExam(rt, user, attempt.id, new Date(late.getTime() + 1000));
    await expect(again).rejects.toBeInstanceOf(BadRequest);
    await expect(again).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/自动提交/) });
    // Auto-submitted by the server first (the timer; a GET page only shows it): the next submit is refused too.
    const other = (await rt.store.getUserByUsername('zhao.min'))!;
    await completePrerequisites(rt, other, now);
    const b = await startExam(rt, other, now);
    const lateB = new Date(Date.parse(b.deadline) + (rt.exam.blueprint.graceSeconds + 5) * 1000);
    await finaliseOverdueExams(rt, lateB);
    await expect(submitExam(rt, other, b.id, lateB)).rejects.toMatchObject({ status: 409 });
    const view = await examAttemptView(rt, other, b.id, lateB);
    expect(view.kind).not.toBe('open');
  });

  it('a waiver lets a person sit the exam without prerequisites, and is recorded', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('sun.hao'))!;
    const trainer = (await rt.store.getUserByUsername('trainer'))!;
    expect((await certificationFor(rt, user, now)).prerequisitesMet).toBe(false);
    await rt.store.addWaiver({ userId: user.id, by: trainer.id, reason: '有五年物业客服经验', at: now.toISOString() });
    const attempt = await startExam(rt, user, now);
    expect(attempt.paper).toHaveLength(40);
    expect(await auditOf(rt.store)).toEqual([expect.objectContaining({ action: 'prerequisites.waive', actorId: trainer.id, targetId: user.id })]);
  });

  it('revocation and reissue are audited; a revoked certificate no longer counts', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const hr = (await rt.store.getUserByUsername('hr'))!;
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    await answerAll(rt, user, attempt.id, now, () => true);
    const { certificate } = await submitExam(rt, user, attempt.id, now);
    const fresh = await rt.store.reissueCertificate(certificate!.id, 'AAAA-BBBB-CCCC-DDDD', hr.id, '姓名更正', now.toISOString());
    expect(fresh).toMatchObject({ code: 'AAAA-BBBB-CCCC-DDDD', reissuedFrom: certificate!.id });
    expect(certificateStatus((await rt.store.getCertificate(certificate!.id))!, now)).toBe('superseded');
    await rt.store.revokeCertificate(fresh!.id, hr.id, '考试作弊', now.toISOString());
    expect(certificateStatus((await rt.store.getCertificateByCode('AAAA-BBBB-CCCC-DDDD'))!, now)).toBe('revoked');
    expect((await auditOf(rt.store)).map((a) => [a.action, a.reason])).toEqual([['certificate.reissue', '姓名更正'], ['certificate.revoke', '考试作弊']]);
    expect((await certificationFor(rt, user, now)).certificate).toBeUndefined();
  });

  it('a revoked certificate comes back only by reinstating it with a reason, and not while another is in force', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const at = now.toISOString();
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    const hr = (await rt.store.getUserByUsername('hr'))!;
    await completePrerequisites(rt, user, now);
    const attempt = await startExam(rt, user, now);
    await answerAll(rt, user, attempt.id, now, () => true);
    const { certificate } = await submitExam(rt, user, attempt.id, now);
    await rt.store.revokeCertificate(certificate!.id, hr.id, '考试作弊', at);
    expect(await rt.store.reissueCertificate(certificate!.id, 'AAAA-BBBB-CCCC-DDDD', hr.id, '重新发放', at)).toBeUndefined();
    const { id: _, ...earned } = certificate!;
    void _;
    const { certificate: second } = await rt.store.issueCertificate({ ...earned, code: 'EEEE-FFFF-GGGG-HHHH' });
    expect(await rt.store.reinstateCertificate(certificate!.id, 'AAAA-BBBB-CCCC-DDDD', hr.id, '复核无误', at)).toBeUndefined();
    await rt.store.revokeCertificate(second.id, hr.id, '重复发放', at);
    const back = await rt.store.reinstateCertificate(certificate!.id, 'AAAA-BBBB-CCCC-DDDD', hr.id, '复核无误', at);
    expect(back).toMatchObject({ code: 'AAAA-BBBB-CCCC-DDDD', reissuedFrom: certificate!.id, expiresAt: certificate!.expiresAt });
    expect(await rt.store.getCertificate(certificate!.id)).toMatchObject({ revokeReason: '考试作弊', supersededBy: back!.id });
    expect((await auditOf(rt.store)).map((a) => [a.action, a.reason])).toEqual([['certificate.revoke', '考试作弊'], ['certificate.revoke', '重复发放'], ['certificate.reinstate', '复核无误']]);
    expect((await certificationFor(rt, user, now)).certificate?.id).toBe(back!.id);
  });
});

describe('what counts towards certification', () => {
  const A = (over: Record<string, unknown>) => ({ scenarioId: 'ceiling-leak', mode: 'assessment', playId: 'p1', at: '2026-11-28T09:00:00Z', ...over });
  const P = (over: Record<string, unknown>) => ({ id: 'p1', scenarioId: 'ceiling-leak', mode: 'assessment', startedAt: '2026-11-28T08:50:00Z', ...over });

  it('only assessment plays dealt by the server, started in this round', () => {
    expect(countedAttempts(rules, [A({})], [P({})])).toHaveLength(1);
    expect(countedAttempts(rules, [A({ mode: 'practice' })], [P({ mode: 'practice' })])).toHaveLength(0);
    // Posted before server-dealt plays (no playId), or naming a play that is not this person's: never.
    expect(countedAttempts(rules, [A({ playId: undefined })], [P({})])).toHaveLength(0);
    expect(countedAttempts(rules, [A({ playId: 'someone-elses' })], [P({})])).toHaveLength(0);
    expect(countedAttempts(rules, [A({})], [P({})], '2026-11-28T08:55:00Z')).toHaveLength(0);
  });

  it('with notPractisedFirst, an assessment counts only on a scenario not practised before it', () => {
    const strict = { ...rules, assessment: { ...rules.assessment, notPractisedFirst: true } };
    const practiceBefore = P({ id: 'p0', mode: 'practice', startedAt: '2026-11-28T08:00:00Z' });
    const practiceAfter = P({ id: 'p2', mode: 'practice', startedAt: '2026-11-28T10:00:00Z' });
    expect(countedAttempts(strict, [A({})], [P({}), practiceBefore])).toHaveLength(0);
    expect(countedAttempts(strict, [A({})], [P({}), practiceAfter])).toHaveLength(1);
    expect(countedAttempts(rules, [A({})], [P({}), practiceBefore])).toHaveLength(1);
  });

  it('limits assessment plays per scenario and round, and draws a pool per person and round', () => {
    const plays = [P({}), P({ id: 'p2' }), P({ id: 'p3', scenarioId: 'fee-refusal' })];
    expect(assessmentsLeft(rules, plays, 'ceiling-leak')).toBe(0);
    expect(assessmentsLeft(rules, plays, 'fee-refusal')).toBe(1);
    expect(assessmentsLeft(rules, plays, 'ceiling-leak', '2026-11-28T09:00:00Z')).toBe(2);
    expect(roundStart([{ expiresAt: '2028-01-01' }, { expiresAt: '2029-01-01', revokedAt: 'x' }])).toBe('2028-01-01');
    const pooled = { ...rules, scenarios: { ...rules.scenarios, pool: { from: ['a', 'b', 'c', 'd', 'e'], draw: 2 } } };
    expect(drawPool(pooled, 'u1|')).toEqual(drawPool(pooled, 'u1|'));
    expect(drawPool(pooled, 'u1|')).toHaveLength(2);
    const draws = new Set(Array.from({ length: 12 }, (_, i) => drawPool(pooled, `u${i}|`).join()));
    expect(draws.size).toBeGreaterThan(1);
    expect(certificationProgress(rules, input({ drawn: ['contract-expiry'] })).requiredScenariosMissing).toEqual(['contract-expiry']);
  });

  it('practice passes earn nothing; the same passes in assessment mode open the exam', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    for (const m of rt.course.modules) {
      await rt.store.recordCheckAttempt({ userId: user.id, chapter: m.chapter, results: [], correct: 5, total: 5, percent: 100, passed: true, at: now.toISOString() });
    }
    for (const id of ['ceiling-leak', 'fee-refusal', 'fire-report']) expect((await playBest(rt, user, id, 'practice', now)).scores.passed).toBe(true);
    expect((await certificationFor(rt, user, now)).prerequisitesMet).toBe(false);
    await expect(startExam(rt, user, now)).rejects.toThrow(BadRequest);
    for (const id of ['ceiling-leak', 'fee-refusal', 'fire-report']) await playBest(rt, user, id, 'assessment', now);
    // Not yet: the assessment-only scenario drawn for this trainee cannot be practised, and must be passed as well.
    const drawn = drawPool(rt.certification, `${user.id}|`);
    expect(drawn).toHaveLength(1);
    expect((await certificationFor(rt, user, now)).missing).toEqual([{ kind: 'scenario', id: drawn[0], title: rt.scenarios.get(drawn[0]!)!.def.title }, { kind: 'exam' }]);
    await expect(startPlay(rt, user, drawn[0], 'practice', now)).rejects.toMatchObject({ status: 403 });
    await playBest(rt, user, drawn[0]!, 'assessment', now);
    expect((await certificationFor(rt, user, now)).prerequisitesMet).toBe(true);
  });

  it('refuses a third assessment play of a scenario in one round', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('sun.hao'))!;
    await startPlay(rt, user, 'ceiling-leak', 'assessment', now);
    await startPlay(rt, user, 'ceiling-leak', 'assessment', now);
    await expect(startPlay(rt, user, 'ceiling-leak', 'assessment', now)).rejects.toMatchObject({ status: 409 });
    // The first was given up when the second started: one open play per scenario.
    expect((await rt.store.listPlays(user.id, 'ceiling-leak')).map((p) => p.end)).toEqual(['abandoned', undefined]);
    await expect(startPlay(rt, user, 'ceiling-leak', 'practice', now)).resolves.toMatchObject({ mode: 'practice' });
  });
});
