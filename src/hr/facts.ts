// What HR reads about one person (PersonFacts), and how it is read from their
// records (factsOf): pure, so every adapter's dashboard keeps these rules —
// the embedded store runs them, the PostgreSQL read model
// (migrations/2_person_facts.sql) must equal them.
import { certificateStatus, latestCertificate, type CertificateStatus } from '../certification/certificate';
import { CATEGORIES, type Category } from '../quiz/schema';
import type { Dimension } from '../scenarios/constants';
import type { PersonRecords } from '../store/ports';

/** What HR needs to know about one person, gathered from the store in one pass. */
export interface PersonFacts {
  id: string;
  name: string;
  username: string;
  site: string;
  department: string;
  hireDate?: string;
  active: boolean;
  cohortIds: string[];
  cohortNames: string[];
  /** Earliest due date among the person's cohorts. */
  dueDate?: string;
  modulesDone: number;
  modulesTotal: number;
  /** Started anything at all (a module, a role-play, the exam). */
  started: boolean;
  /** Best attempt per scenario. */
  scenarioBest: Array<{ scenarioId: string; passed: boolean } & Record<Dimension, number>>;
  /** Observed rubric scores (1–5) from classroom pair role-play. */
  observed: Array<Record<Dimension, number>>;
  /** The best submitted exam attempt. */
  exam?: { percent: number; passed: boolean; byCategory: Record<Category, number>; at: string };
  /** The person's current certificate (latest that is not superseded), with its status now. */
  certificate?: { id: string; code: string; issuedAt: string; expiresAt: string; status: CertificateStatus };
  /** All certificates ever issued (for the per-month chart). */
  issued: string[];
}

export type CertState = 'certified' | 'expired' | 'inProgress' | 'notStarted';

/** One status per person, for charts and filters. */
export function certState(p: Pick<PersonFacts, 'certificate' | 'started'>): CertState {
  if (p.certificate?.status === 'valid') return 'certified';
  if (p.certificate?.status === 'expired') return 'expired';
  return p.started ? 'inProgress' : 'notStarted';
}

type ExamAttempt = PersonRecords['examAttempts'][number];

/** The best submitted exam attempt (the first of equal bests). */
export function bestExam(attempts: PersonRecords['examAttempts']): ExamAttempt | undefined {
  let best: ExamAttempt | undefined;
  for (const a of attempts) if (a.result && (!best || a.result.percent > best.result!.percent)) best = a;
  return best;
}

/**
 * The best attempt per scenario and whether any passed, as summariseAttempts
 * (src/scenarios) reads them — the earliest of equal best scores — in one pass
 * without sorting: this runs for every trainee on every dashboard request.
 */
export function bestPerScenario(attempts: PersonRecords['scenarioAttempts']): PersonFacts['scenarioBest'] {
  const out = new Map<string, { a: (typeof attempts)[number]; passed: boolean }>();
  for (const a of attempts) {
    const prev = out.get(a.scenarioId);
    if (!prev) out.set(a.scenarioId, { a, passed: a.scores.passed });
    else {
      if (a.scores.overall > prev.a.scores.overall || (a.scores.overall === prev.a.scores.overall && a.at < prev.a.at)) prev.a = a;
      prev.passed ||= a.scores.passed;
    }
  }
  return [...out].map(([scenarioId, { a, passed }]) => ({ scenarioId, passed, calmness: a.scores.calmness, empathy: a.scores.empathy, solution: a.scores.solution }));
}

/** What HR reads about one trainee, from their records. */
export function factsOf(r: PersonRecords, total: number, now: Date): PersonFacts {
  const u = r.user;
  const ex = bestExam(r.examAttempts);
  const current = latestCertificate(r.certificates);
  const cohorts = r.cohorts;
  let due: string | undefined;
  for (const c of cohorts) if (c.dueDate && (!due || c.dueDate < due)) due = c.dueDate;
  let modulesDone = 0;
  for (const m of r.moduleProgress) if (m.completedAt) modulesDone++;
  return {
    id: u.id,
    name: u.displayName,
    username: u.username,
    site: u.site,
    department: u.department,
    hireDate: u.hireDate,
    active: u.active,
    cohortIds: cohorts.map((c) => c.id),
    cohortNames: cohorts.map((c) => c.name),
    dueDate: due,
    modulesDone,
    modulesTotal: total,
    started: r.moduleProgress.length > 0 || r.scenarioAttempts.length > 0 || !!ex,
    scenarioBest: bestPerScenario(r.scenarioAttempts),
    observed: r.observations.map((o) => ({ calmness: o.calmness, empathy: o.empathy, solution: o.solution })),
    exam: ex ? { percent: ex.result!.percent, passed: ex.result!.passed, at: ex.submittedAt ?? ex.startedAt, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, ex.result!.byCategory[c].percent])) as Record<Category, number> } : undefined,
    certificate: current ? { id: current.id, code: current.code, issuedAt: current.issuedAt, expiresAt: current.expiresAt, status: certificateStatus(current, now) } : undefined,
    issued: r.certificates.filter((c) => !c.reissuedFrom).map((c) => c.issuedAt),
  };
}
