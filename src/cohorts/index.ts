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
