// The trainee side's view functions (one per page, plain data, never a write)
// and the command that records a module was opened.
import { storageOf, type Runtime } from './runtime';
import type { CertificateRecord, UserRecord } from '../store';
import { courseOverview, moduleStatus } from '../modules';
import { summariseAttempts } from '../scenarios';
import { learningPath, type RolePlayNeeds } from '../learning';
import { certificationFor, countingRolePlays, examStatus } from './exam-service';
import { checkAttemptView, dealtQuestions } from './check-service';
import { assessmentAllowance, currentPlay, viewOf } from './scenario-service';
import { NotFound } from './errors';
import { verifyLink } from './certificate-service';
import { t } from '../i18n';
import { verifyThrottle } from '../auth/throttle';
import { certificateStatus, normaliseCode, scenariosNeeded, type CertificationProgress } from '../certification';

/**
 * The learner's home: course overview, the learning path, whether the next
 * chapter was started, and the one next step after the chapters (a role-play
 * the certificate still needs, the exam, or the certificate earned).
 */
export async function learnView(rt: Runtime, user: UserRecord, now: Date) {
  const { course, scenarios } = rt;
  const overview = courseOverview(course.modules, await storageOf(rt).listModuleProgress(user.id));
  const cert = await certificationFor(rt, user, now);
  // Role-plays count on the path as they count for the certificate: assessment plays in this round.
  const path = learningPath(overview, scenarios.list.map((s) => ({ id: s.def.id, title: s.def.title, chapters: s.def.chapters })), rolePlayNeeds(rt, cert), {
    certified: !!cert.certificate,
    open: cert.prerequisitesMet || !!(await storageOf(rt).getWaiver(user.id)),
    certificateId: cert.certificate?.id,
  });
  const nextStarted = !!overview.next && overview.items.find((i) => i.module === overview.next)?.status === 'in_progress';
  // After the chapters, the hero leads on: the first step of the path not yet done, or the certificate.
  const step = path.find((s) => s.key !== 'modules' && !s.done && s.next);
  const lead = overview.next ? undefined : cert.certificate ? { kind: 'certificate' as const, certificate: cert.certificate } : step && { kind: step.key, next: step.next! };
  return { overview, path, nextStarted, lead };
}

/** What the learning path needs of the certificate's role-plays for this person (see RolePlayNeeds). */
function rolePlayNeeds(rt: Runtime, cert: CertificationProgress & { drawn: readonly string[] }): RolePlayNeeds {
  const required = [...rt.certification.scenarios.required, ...cert.drawn];
  return {
    required,
    requiredMissing: cert.requiredScenariosMissing,
    counted: cert.countedScenarios,
    moreNeeded: cert.additionalNeeded - cert.additionalPassed,
    total: scenariosNeeded(rt.certification),
  };
}

/**
 * A module page: the module, the person's status in it, a graded check
 * (only their own, see checkAttemptView), neighbours and role-plays to
 * practise; undefined for no such chapter. `recordsOpen`: the page reports
 * that it was opened (trainees only), see recordModuleOpened.
 */
export async function moduleView(rt: Runtime, user: UserRecord, chapter: number, attemptId: string | null) {
  const { course } = rt;
  const module = Number.isInteger(chapter) ? course.get(chapter) : undefined;
  if (!module) return undefined;
  const progress = (await storageOf(rt).listModuleProgress(user.id)).find((p) => p.chapter === chapter);
  const recordsOpen = user.role === 'trainee';
  const graded = await checkAttemptView(rt, user, chapter, attemptId);
  return {
    module,
    // A trainee's first visit shows the module as it stands once the page has reported the open.
    status: !progress && recordsOpen ? 'in_progress' : moduleStatus(progress),
    graded,
    // The questions the server deals for the person's next attempt (none while a graded attempt is shown).
    questions: graded ? [] : await dealtQuestions(rt, user, module),
    practise: rt.scenarios.list.filter((s) => s.def.chapters.includes(chapter)),
    prev: course.get(chapter - 1),
    next: course.get(chapter + 1),
    recordsOpen,
  };
}

/** Records that a trainee opened a module (a re-open within the module rules' window is not written); 404 for no such chapter. */
export async function recordModuleOpened(rt: Runtime, user: UserRecord, chapter: number, now: Date): Promise<void> {
  if (!Number.isInteger(chapter) || !rt.course.get(chapter)) throw new NotFound('moduleNotFound');
  if (user.role === 'trainee') await storageOf(rt).markModuleOpened(user.id, chapter, now.toISOString());
}

/** The role-play list: each scenario's history, and which were passed in assessment this round (what the certificate counts). */
export async function scenarioListView(rt: Runtime, user: UserRecord) {
  const counting = await countingRolePlays(rt, user);
  return {
    history: summariseAttempts(await storageOf(rt).listScenarioAttempts(user.id)),
    assessed: summariseAttempts(counting.attempts),
    /** Role-plays the certificate asks of this person by name: the rules' required ones and their pool draw. */
    required: new Set([...rt.certification.scenarios.required, ...counting.drawn]),
    list: [...rt.scenarios.list].sort((a, b) => a.def.chapters[0]! - b.def.chapters[0]! || a.def.difficulty - b.def.difficulty),
  };
}

/** One role-play's page: the open play as dealt so far, the assessment allowance, past attempts newest first and the one asked for. */
export async function scenarioPageView(rt: Runtime, user: UserRecord, scenarioId: string, shownId: string | null, now: Date) {
  const play = await currentPlay(rt, user, scenarioId);
  const attempts = (await storageOf(rt).listScenarioAttempts(user.id, scenarioId)).sort((a, b) => b.at.localeCompare(a.at));
  return {
    view: play && viewOf(rt, play, now),
    allowance: await assessmentAllowance(rt, user, scenarioId),
    attempts,
    summary: summariseAttempts(attempts).get(scenarioId),
    shown: shownId ? attempts.find((a) => a.id === shownId) : undefined,
  };
}

/** The exam page: eligibility, attempts (overdue ones as they will be stored) and progress, and whether prerequisites were waived. */
export async function examPageView(rt: Runtime, user: UserRecord, now: Date) {
  return { ...(await examStatus(rt, user, now)), waived: !!(await storageOf(rt).getWaiver(user.id)) };
}

/** The person's certificates newest first, and where they stand. */
export async function certificateListView(rt: Runtime, user: UserRecord, now: Date) {
  return {
    certs: (await storageOf(rt).listCertificates(user.id)).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt)),
    progress: await certificationFor(rt, user, now),
  };
}

/**
 * One certificate with the organisation's name, its public verification
 * address and that address as a QR code (SVG, drawn on the server); trainees
 * see only their own, HR and admins all (undefined otherwise).
 */
export async function certificateView(rt: Runtime, user: UserRecord, id: string): Promise<{ cert: CertificateRecord; orgName: string; verifyUrl: string; qr: string } | undefined> {
  const cert = await storageOf(rt).getCertificate(id);
  if (!cert || (user.role === 'trainee' && cert.userId !== user.id)) return undefined;
  return { cert, orgName: (await storageOf(rt).getOrg()).name, ...verifyLink(rt, cert.code) };
}

/**
 * The public verification page: rate limited per address (every look-up
 * counts, so codes cannot be enumerated), and only what a verifier needs.
 */
export async function verifyView(rt: Runtime, address: string, rawCode: string, now: Date) {
  const throttle = verifyThrottle(storageOf(rt));
  const limited = (await throttle.retryAfter(address, now.getTime())) > 0;
  await throttle.fail(address, now.getTime());
  const code = normaliseCode(rawCode);
  const cert = !limited && code ? await storageOf(rt).getCertificateByCode(code) : undefined;
  // The issuing company, so a verifier knows who vouches for the certificate.
  const issuer = cert ? (await storageOf(rt).getOrg()).name || t.orgFallback : undefined;
  return { limited, code, cert, issuer, status: cert && certificateStatus(cert, now) };
}
