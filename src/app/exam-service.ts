// Application services for the exam and certificates: they combine the store with
// the pure domain rules (src/quiz, src/certification) so pages stay thin.
import { storageOf } from './runtime';
import { randomBytes } from 'node:crypto';
import type { Runtime } from './runtime';
import type { UserRecord, ExamAttemptRecord, CertificateRecord } from '../store';
import { assemblePaper, shownHistory, attemptState, deadlineFor, examEligibility, gradePaper, paperReview, publicPaper, responseFromPublic, responseToPublic, AnswerError, type AttemptReview, type Eligibility, type ExamResult, type PublicQuestion } from '../quiz';
import { certificationProgress, addMonths, newCode, isInForce, isPrerequisite, roundStart, countedAttempts, drawPool, type CertificationProgress, type MissingItem } from '../certification';
import { completedChapters } from '../modules';
import { summariseAttempts } from '../scenarios';
import { wasMemberBy } from '../cohorts';
import { Conflict, Forbidden, Invalid, NotFound } from './errors';
import { ConflictError } from '../store';

/** The role-play attempts that count for this person now (assessment plays dealt by the server in this round), and the round's pool draw. */
export async function countingRolePlays(rt: Runtime, user: UserRecord) {
  const since = roundStart(await storageOf(rt).listCertificates(user.id));
  const attempts = countedAttempts(rt.certification, await storageOf(rt).listScenarioAttempts(user.id), await storageOf(rt).listPlays(user.id), since);
  return { since, attempts, drawn: drawPool(rt.certification, `${user.id}|${since ?? ''}`) };
}

/** Where a person stands against the certification rules. */
export async function certificationFor(rt: Runtime, user: UserRecord, now: Date): Promise<CertificationProgress & { certificate?: CertificateRecord; drawn: string[] }> {
  const { course, scenarios } = rt;
  const store = storageOf(rt);
  const completed = new Set(completedChapters(await store.listModuleProgress(user.id)));
  // A scenario counts with its best counting attempt; "passed" there means that attempt passed.
  const counting = await countingRolePlays(rt, user);
  const history = summariseAttempts(counting.attempts);
  const best = new Map([...history].map(([id, h]) => [id, { passed: h.best.passed, calmness: h.best.calmness, empathy: h.best.empathy, solution: h.best.solution }]));
  const certs = await store.listCertificates(user.id);
  const current = certs.find((c) => isInForce(c, now));
  const since = counting.since;
  const examPassed = (await store.listExamAttempts(user.id)).some((a) => a.result?.passed && (!since || a.startedAt > since || current));
  const progress = certificationProgress(rt.certification, {
    completedChapters: completed,
    allChapters: course.modules.map((m) => m.chapter),
    scenarioBest: best,
    scenarioTitles: new Map(scenarios.list.map((s) => [s.def.id, s.def.title])),
    examPassed,
    drawn: counting.drawn,
  });
  return { ...progress, certificate: current, drawn: counting.drawn };
}

/** Submits attempts whose deadline and grace have passed, with what was saved: an overdue attempt is never lost. A command: GET views use `asViewed`. */
export async function finaliseOverdue(rt: Runtime, attempts: ExamAttemptRecord[], now: Date): Promise<ExamAttemptRecord[]> {
  const out: ExamAttemptRecord[] = [];
  for (const a of attempts) {
    if (attemptState(a, now, rt.exam.blueprint.graceSeconds) === 'overdue') {
      const r = (await gradeAndSubmit(rt, a.id, now, true))!;
      out.push(r.attempt);
      // Only the call that handed it in issues the certificate (another request or the timer did otherwise).
      const user = !r.already && r.attempt.result?.passed ? await storageOf(rt).getUser(a.userId) : undefined;
      if (user) await issueIfEarned(rt, user, r.attempt, now);
    } else out.push(a);
  }
  return out;
}

/** The timer's command: hands in every attempt past its deadline and grace (see runtime.ts), issuing certificates earned; returns how many. */
export async function finaliseOverdueExams(rt: Runtime, now: Date): Promise<number> {
  const before = new Date(now.getTime() - rt.exam.blueprint.graceSeconds * 1000).toISOString();
  return (await finaliseOverdue(rt, await storageOf(rt).listOverdueExamAttempts(before), now)).length;
}

/**
 * An attempt as it stands at `now`, without writing: an overdue one is shown
 * handed in at its deadline and grace, graded from what was saved, exactly as
 * the timer (or the next command) will store it; grading is deterministic.
 */
export function asViewed(rt: Runtime, a: ExamAttemptRecord, now: Date): ExamAttemptRecord {
  const { bank, blueprint } = rt.exam;
  if (attemptState(a, now, blueprint.graceSeconds) !== 'overdue') return a;
  const result = gradePaper({ seed: a.seed, questions: a.paper }, a.answers, bank, blueprint);
  const submittedAt = new Date(Date.parse(a.deadline) + blueprint.graceSeconds * 1000).toISOString();
  return { ...a, result, submittedAt, autoSubmitted: true };
}

/**
 * Grades what is saved and stores it, guarded: where not yet submitted and
 * with the answers that were graded (an answer saved meanwhile: grade again).
 * A submitted attempt comes back with `already`; undefined for an unknown id.
 */
async function gradeAndSubmit(rt: Runtime, id: string, now: Date, auto: boolean): Promise<{ attempt: ExamAttemptRecord; already: boolean } | undefined> {
  const store = storageOf(rt);
  for (let tries = 0; tries < 10; tries++) {
    const x = await store.getExamAttempt(id);
    if (!x) return undefined;
    if (x.submittedAt) return { attempt: x, already: true };
    const result = gradePaper({ seed: x.seed, questions: x.paper }, x.answers, rt.exam.bank, rt.exam.blueprint);
    const r = await store.submitExamAttempt(id, { result, savedAt: x.savedAt }, now.toISOString(), auto);
    if (!r || !('moved' in r)) return r;
  }
  throw new ConflictError('exam attempt', id);
}

/** Where the person stands for the exam, and their attempts newest first; writes nothing (overdue attempts as `asViewed`). */
export async function examStatus(rt: Runtime, user: UserRecord, now: Date): Promise<{ eligibility: Eligibility<MissingItem>; attempts: ExamAttemptRecord[]; progress: Awaited<ReturnType<typeof certificationFor>> }> {
  return statusOf(rt, user, (await storageOf(rt).listExamAttempts(user.id)).map((a) => asViewed(rt, a, now)), now);
}

async function statusOf(rt: Runtime, user: UserRecord, attempts: ExamAttemptRecord[], now: Date) {
  const progress = await certificationFor(rt, user, now);
  const eligibility = examEligibility({
    blueprint: rt.exam.blueprint,
    now,
    attempts,
    prerequisitesMissing: progress.missing.filter(isPrerequisite),
    waived: !!(await storageOf(rt).getWaiver(user.id)),
    hasValidCertificate: !!progress.certificate,
    countSince: roundStart(await storageOf(rt).listCertificates(user.id)),
  });
  return { eligibility, attempts: attempts.sort((a, b) => b.startedAt.localeCompare(a.startedAt)), progress };
}

/**
 * Draws and stores a new paper if the person may sit the exam now: questions
 * never shown on any of their earlier papers first, then the longest-ago shown.
 */
export async function startExam(rt: Runtime, user: UserRecord, now: Date): Promise<ExamAttemptRecord> {
  // A command: an overdue attempt is handed in (and certified) before the new paper is weighed.
  const { eligibility, attempts } = await statusOf(rt, user, await finaliseOverdue(rt, await storageOf(rt).listExamAttempts(user.id), now), now);
  if (!eligibility.ok) {
    const open = attempts.find((a) => !a.submittedAt);
    if (eligibility.reason === 'in-progress' && open) return open;
    throw new Conflict('examCannotStart', eligibility.reason);
  }
  const seed = randomBytes(12).toString('base64url');
  const paper = assemblePaper(rt.exam.questions, rt.exam.blueprint, seed, shownHistory(attempts));
  try {
    return await storageOf(rt).createExamAttempt({
      userId: user.id,
      seed,
      paper: paper.questions,
      bankVersion: rt.exam.version,
      startedAt: now.toISOString(),
      deadline: deadlineFor(now, rt.exam.blueprint).toISOString(),
      answers: {},
    });
  } catch (e) {
    // Two taps on 开始考试 at once: the other request's paper was stored first; both get that one.
    if (!(e instanceof ConflictError)) throw e;
    const open = (await storageOf(rt).listExamAttempts(user.id)).find((a) => !a.submittedAt);
    if (!open) throw e;
    return open;
  }
}

/** The person's own attempt as stored; 404 for anyone else's. */
async function ownRecord(rt: Runtime, user: UserRecord, id: string): Promise<ExamAttemptRecord> {
  const a = await storageOf(rt).getExamAttempt(id);
  if (!a || a.userId !== user.id) throw new NotFound('examNotFound');
  return a;
}

/** The person's own attempt, finalised if overdue (a command); 404 for anyone else's. */
export async function ownAttempt(rt: Runtime, user: UserRecord, id: string, now: Date): Promise<ExamAttemptRecord> {
  return (await finaliseOverdue(rt, [await ownRecord(rt, user, id)], now))[0]!;
}

export type ExamAttemptView =
  | {
      kind: 'open';
      attemptId: string;
      /** Questions and option tokens only: no key, explanation or source before submission. */
      questions: PublicQuestion[];
      saved: Record<string, unknown>;
      deadline: string;
      serverNow: string;
    }
  | {
      kind: 'result';
      attemptId: string;
      autoSubmitted: boolean;
      result: ExamResult;
      passPercent: number;
      /** Carries keys and explanations only at the level this paper's own result earns. */
      review: AttemptReview;
      /** A failed paper whose keys are held back, while a pass would show them. */
      keysAfterPass: boolean;
      /** The chapters to review (at most three), for the score-only level. */
      reviewChapters: Array<{ chapter: number; title?: string }>;
      certificateId?: string;
    };

/** What the attempt page shows: the runner before submission, the result and its review after (the person's own only); writes nothing. */
export async function examAttemptView(rt: Runtime, user: UserRecord, id: string, now: Date): Promise<ExamAttemptView> {
  const attempt = asViewed(rt, await ownRecord(rt, user, id), now);
  const paper = { seed: attempt.seed, questions: attempt.paper };
  const { bank, blueprint } = rt.exam;
  const result = attempt.result;
  if (!result) {
    return {
      kind: 'open',
      attemptId: attempt.id,
      questions: publicPaper(paper, bank),
      saved: Object.fromEntries(Object.entries(attempt.answers).map(([qid, r]) => [qid, responseToPublic(paper, bank.get(qid)!, r)])),
      deadline: attempt.deadline,
      serverNow: now.toISOString(),
    };
  }
  const review = paperReview(result, attempt.answers, bank, blueprint.review, rt.course.headings);
  return {
    kind: 'result',
    attemptId: attempt.id,
    autoSubmitted: !!attempt.autoSubmitted,
    result,
    passPercent: blueprint.passPercent,
    review,
    keysAfterPass: !result.passed && review.level !== 'explanations' && blueprint.review.passed === 'explanations',
    reviewChapters: result.reviewChapters.slice(0, 3).map((c) => ({ chapter: c, title: rt.course.get(c)?.title })),
    certificateId: result.passed ? (await storageOf(rt).listCertificates(user.id)).find((c) => c.examAttemptId === attempt.id)?.id : undefined,
  };
}

/** Autosaves one answer; refused (409) once the attempt is handed in or past its deadline and grace, which it leaves to the submit command and the timer (an autosave never certifies). */
export async function saveAnswer(rt: Runtime, user: UserRecord, id: string, questionId: string, raw: unknown, now: Date) {
  const a = await ownRecord(rt, user, id);
  if (attemptState(a, now, rt.exam.blueprint.graceSeconds) === 'overdue' || a.submittedAt) throw new Conflict('examClosed');
  let response: unknown;
  try {
    response = responseFromPublic({ seed: a.seed, questions: a.paper }, rt.exam.bank, questionId, raw);
  } catch (e) {
    if (e instanceof AnswerError) throw new Invalid('answerInvalid', e.message);
    throw e;
  }
  const ok = await storageOf(rt).saveExamAnswer(a.id, questionId, response, now.toISOString());
  if (!ok) throw new Conflict('examClosed');
}

/** Grades and stores the attempt (idempotent: a second call is refused with 409), then issues the certificate if earned. */
export async function submitExam(rt: Runtime, user: UserRecord, id: string, now: Date) {
  const before = await storageOf(rt).getExamAttempt(id);
  const a = await ownAttempt(rt, user, id, now);
  // Handed in already — by the person, or by the server when time ran out — before this request: refused.
  // (The attempt page shows the result either way; the runner goes there on a 409.)
  const refuse = (x: ExamAttemptRecord) => new Conflict(x.autoSubmitted ? 'examAutoSubmitted' : 'examSubmitted');
  if (before?.submittedAt) throw refuse(before);
  // Otherwise this request hands it in: graded now, or just now by the server because it came after the deadline and grace.
  const r = a.submittedAt
    ? { attempt: a, already: false }
    : (await gradeAndSubmit(rt, a.id, now, false))!;
  // A concurrent submission got there first.
  if (r.already) throw refuse(r.attempt);
  const certificate = r.attempt.result?.passed ? await issueIfEarned(rt, user, r.attempt, now) : undefined;
  return { attempt: r.attempt, certificate };
}

/** Issues the certificate when every rule is met; the store makes sure it happens once. */
export async function issueIfEarned(rt: Runtime, user: UserRecord, attempt: ExamAttemptRecord, now: Date): Promise<CertificateRecord | undefined> {
  const progress = await certificationFor(rt, user, now);
  const waived = !!await storageOf(rt).getWaiver(user.id);
  if (!attempt.result?.passed || (!progress.prerequisitesMet && !waived)) return undefined;
  const history = summariseAttempts((await countingRolePlays(rt, user)).attempts);
  const bests = progress.countedScenarios.map((id) => ({ scenarioId: id, ...history.get(id)!.best }));
  const avg = (k: 'calmness' | 'empathy' | 'solution') => (bests.length ? Math.round(bests.reduce((n, b) => n + b[k], 0) / bests.length) : 0);
  const r = await storageOf(rt).issueCertificate({
    userId: user.id,
    holderName: user.displayName,
    title: rt.certification.title,
    code: newCode(),
    issuedAt: now.toISOString(),
    expiresAt: addMonths(now, rt.certification.validityMonths).toISOString(),
    examAttemptId: attempt.id,
    examPercent: attempt.result.percent,
    dimensions: { calmness: avg('calmness'), empathy: avg('empathy'), solution: avg('solution') },
    scenarios: progress.countedScenarios,
    prerequisitesWaived: !progress.prerequisitesMet || undefined,
    contentVersions: {
      bank: attempt.bankVersion,
      scenarios: Object.fromEntries(bests.map((b) => [b.scenarioId, b.version ?? 1])),
    },
  });
  return r.certificate;
}

/**
 * Whose prerequisites this person may waive, asked at the time of the request:
 * a trainer, trainees enrolled in one of their cohorts at or before `now`
 * (still there or removed since; one enrolled later does not count); an admin, any trainee.
 */
async function waiverScope(rt: Runtime, actor: UserRecord, now: Date): Promise<(u: UserRecord) => boolean> {
  const at = now.toISOString();
  const mine = actor.role === 'admin' ? undefined : await storageOf(rt).listCohorts(actor.id);
  return (u) => u.role === 'trainee' && (!mine || mine.some((c) => wasMemberBy(c, u.id, at)));
}

/** The active trainees this person may waive prerequisites for; `current`: in one of the trainer's cohorts now (only then is their progress shown). */
export async function waivableTrainees(rt: Runtime, actor: UserRecord, now: Date): Promise<Array<{ user: UserRecord; current: boolean }>> {
  const inCohort = actor.role === 'admin' ? undefined : new Set((await storageOf(rt).listCohorts(actor.id)).flatMap((c) => c.traineeIds));
  return (await storageOf(rt).listUsers({ role: 'trainee' }))
    .filter(await waiverScope(rt, actor, now))
    .map((user) => ({ user, current: !inCohort || inCohort.has(user.id) }));
}

/** Waives a trainee's exam prerequisites with a reason (audited); returns what to tell the trainer, or throws Forbidden (403) or Invalid (400). */
export async function waivePrerequisites(rt: Runtime, actor: UserRecord, userId: string, rawReason: string, now: Date): Promise<string> {
  const reason = rawReason.trim().slice(0, 200);
  const target = await storageOf(rt).getUser(userId);
  if (!target || !(await waiverScope(rt, actor, now))(target)) throw new Forbidden('waiverOutOfScope');
  if (!reason) throw new Invalid('waiverNoReason');
  await storageOf(rt).addWaiver({ userId, by: actor.id, reason, at: now.toISOString() });
  return `已免除 ${target.displayName} 的考前要求。`;
}
