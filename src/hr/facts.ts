import type { CertificateStatus } from '../certification';
import type { Category } from '../quiz/schema';
import type { Dimension } from '../scenarios/constants';

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
