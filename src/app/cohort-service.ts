import type { Runtime } from './runtime';
import type { CohortRecord, UserRecord } from '../store';
import { isOverdue, type TraineeRow } from '../cohorts';
import { certificateStatus } from '../certification';
import { aggregateRubric } from '../live';
import { summariseAttempts } from '../scenarios';
import { DIMENSIONS } from '../scenarios/constants';
import { BadRequest } from './http';
import { mayViewCohort } from '../cohorts';

/** The cohort if this trainer (or an admin) may see it; 404 otherwise, so ids reveal nothing. */
export function visibleCohort(rt: Runtime, user: UserRecord, id: string): CohortRecord {
  const c = rt.store.getCohort(id);
  if (!c || !mayViewCohort(user, c)) throw new BadRequest('没有这个班级', 404);
  return c;
}

/** One row per trainee: modules, best role-plays, exam, certificate, observed rubric, overdue. */
export function cohortRows(rt: Runtime, cohort: CohortRecord, now: Date): TraineeRow[] {
  const { store, course } = rt;
  const today = now.toISOString().slice(0, 10);
  return cohort.traineeIds.flatMap((id) => {
    const u = store.getUser(id);
    if (!u) return [];
    const modulesDone = store.listModuleProgress(id).filter((p) => p.completedAt).map((p) => p.chapter).sort((a, b) => a - b);
    const scenarios: TraineeRow['scenarios'] = {};
    for (const [sid, h] of summariseAttempts(store.listScenarioAttempts(id))) {
      scenarios[sid] = { passed: h.passed, calmness: h.best.calmness, empathy: h.best.empathy, solution: h.best.solution };
    }
    const exams = store.listExamAttempts(id).filter((a) => a.result);
    const bestExam = exams.sort((a, b) => b.result!.percent - a.result!.percent)[0];
    const certs = store.listCertificates(id).filter((c) => !c.supersededBy).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
    const certificate = certs[0] ? certificateStatus(certs[0], now) : undefined;
    const obs = aggregateRubric(store.listObservations({ agentId: id }))[0];
    const passedScenarios = Object.values(scenarios).filter((s) => s.passed).length;
    const progress = Math.round(
      (modulesDone.length / course.modules.length) * 50 + Math.min(passedScenarios / 3, 1) * 30 + (bestExam?.result!.passed ? 20 : 0),
    );
    return [
      {
        id,
        name: u.displayName,
        site: u.site,
        department: u.department,
        modulesDone,
        modulesTotal: course.modules.length,
        scenarios,
        exam: bestExam ? { percent: bestExam.result!.percent, passed: bestExam.result!.passed } : undefined,
        certificate,
        observed: obs ? { ratings: obs.ratings, ...Object.fromEntries(DIMENSIONS.map((d) => [d, obs[d]])) } as TraineeRow['observed'] : undefined,
        overdue: isOverdue(cohort.dueDate, certificate, today),
        progress,
      },
    ];
  });
}
