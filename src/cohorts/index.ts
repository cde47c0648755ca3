import type { CertificateStatus } from '../certification';
import type { Dimension } from '../scenarios/constants';

export interface TraineeRow {
  id: string;
  name: string;
  site: string;
  department: string;
  modulesDone: number[];
  modulesTotal: number;
  /** Best attempt per scenario: the three dimensions and whether it passed. */
  scenarios: Record<string, { passed: boolean } & Record<Dimension, number>>;
  exam?: { percent: number; passed: boolean };
  certificate?: CertificateStatus;
  observed?: Record<Dimension, number> & { ratings: number };
  overdue: boolean;
  /** 0–100: modules, role-plays and exam together, for sorting. */
  progress: number;
}

export type SortKey = 'name' | 'progress' | 'exam' | 'overdue';

/** Behind the due date and not yet certified. */
export const isOverdue = (dueDate: string | undefined, certificate: CertificateStatus | undefined, today: string) =>
  !!dueDate && dueDate < today && certificate !== 'valid';

export function sortRows(rows: TraineeRow[], key: SortKey): TraineeRow[] {
  const by: Record<SortKey, (a: TraineeRow, b: TraineeRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
    progress: (a, b) => b.progress - a.progress,
    exam: (a, b) => (b.exam?.percent ?? -1) - (a.exam?.percent ?? -1),
    overdue: (a, b) => Number(b.overdue) - Number(a.overdue) || a.progress - b.progress,
  };
  return [...rows].sort((a, b) => by[key](a, b) || a.name.localeCompare(b.name, 'zh-CN'));
}

export function filterRows(rows: TraineeRow[], filter: 'all' | 'overdue' | 'certified' | 'open', site?: string): TraineeRow[] {
  return rows.filter(
    (r) =>
      (!site || r.site === site) &&
      (filter === 'all' ||
        (filter === 'overdue' && r.overdue) ||
        (filter === 'certified' && r.certificate === 'valid') ||
        (filter === 'open' && r.certificate !== 'valid')),
  );
}

/** A trainer sees their own cohorts; admins see all. */
export const mayViewCohort = (user: { id: string; role: string }, cohort: { trainerId: string }) => user.role === 'admin' || cohort.trainerId === user.id;

type Membership = { userId: string; joinedAt: string; leftAt?: string };
type CohortLike = { trainerId: string; traineeIds: readonly string[]; members?: readonly Membership[]; dueDate?: string; createdAt: string };
type Person = { id: string; role: string; site: string; active: boolean };

/** Open: its due date has not passed (a cohort without one stays open). `today` is YYYY-MM-DD. */
export const isOpenCohort = (c: { dueDate?: string }, today: string) => !c.dueDate || c.dueDate >= today;

/**
 * Who `actor` may enrol, as a test on a person — the one rule (docs/SECURITY.md,
 * "Trainer scope"). An admin: any active trainee. A trainer: an active trainee
 * of the trainer's own site (a user has one `site`) who is in no other
 * trainer's open cohort. Anything else goes through an admin (HR has no
 * cohort pages). Being in the trainer's own cohorts is no obstacle.
 */
export function enrolmentScope(actor: { id: string; role: string; site: string }, cohorts: readonly CohortLike[], today: string): (p: Person) => boolean {
  const isTrainee = (p: Person) => p.role === 'trainee' && p.active;
  if (actor.role === 'admin') return isTrainee;
  if (actor.role !== 'trainer' || !actor.site) return () => false;
  const held = new Set(cohorts.filter((c) => c.trainerId !== actor.id && isOpenCohort(c, today)).flatMap((c) => c.traineeIds));
  return (p) => isTrainee(p) && p.site === actor.site && !held.has(p.id);
}

/** A cohort's membership history; cohorts from before it was kept count their trainees as enrolled at creation. */
export const stints = (c: CohortLike): readonly Membership[] => c.members ?? c.traineeIds.map((userId) => ({ userId, joinedAt: c.createdAt }));

/** Was this person enrolled in the cohort at or before `at` (removed since or not)? */
export const wasMemberBy = (c: CohortLike, userId: string, at: string) => stints(c).some((m) => m.userId === userId && m.joinedAt <= at);
