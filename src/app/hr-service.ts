// Gathers HR's facts about every person in one pass over the store, then
// leaves the figures to the pure functions in src/hr.
import type { Runtime } from './runtime';
import type { PersonFacts } from '../hr';
import { certificateStatus } from '../certification';
import { CATEGORIES, type Category } from '../quiz';
import { summariseAttempts } from '../scenarios';

function groupBy<T extends { userId?: string; agentId?: string }>(rows: ReadonlyArray<T>, key: (r: T) => string) {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** Facts about every trainee (active or not). O(records), not O(people × records). */
export function peopleFacts(rt: Runtime, now: Date): PersonFacts[] {
  const v = rt.store.reportView();
  const total = rt.course.modules.length;
  const progress = groupBy(v.moduleProgress, (r) => r.userId);
  const attempts = groupBy(v.scenarioAttempts, (r) => r.userId);
  const exams = groupBy(v.examAttempts.filter((a) => a.result), (r) => r.userId);
  const certs = groupBy(v.certificates, (r) => r.userId);
  const observed = groupBy(v.observations, (r) => r.agentId);
  const cohortsOf = new Map<string, Array<{ id: string; name: string; dueDate?: string }>>();
  for (const c of v.cohorts) for (const t of c.traineeIds) cohortsOf.set(t, [...(cohortsOf.get(t) ?? []), c]);

  return v.users
    .filter((u) => u.role === 'trainee')
    .map((u) => {
      const mods = progress.get(u.id) ?? [];
      const att = attempts.get(u.id) ?? [];
      const ex = (exams.get(u.id) ?? []).reduce<(typeof v.examAttempts)[number] | undefined>((b, a) => (!b || a.result!.percent > b.result!.percent ? a : b), undefined);
      const cs = (certs.get(u.id) ?? []).filter((c) => !c.supersededBy);
      const current = cs.reduce<(typeof cs)[number] | undefined>((b, c) => (!b || c.issuedAt > b.issuedAt ? c : b), undefined);
      const cohorts = cohortsOf.get(u.id) ?? [];
      const due = cohorts.map((c) => c.dueDate).filter((d): d is string => !!d).sort()[0];
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
        modulesDone: mods.filter((m) => m.completedAt).length,
        modulesTotal: total,
        started: mods.length > 0 || att.length > 0 || !!ex,
        scenarioBest: [...summariseAttempts(att)].map(([scenarioId, h]) => ({ scenarioId, passed: h.passed, calmness: h.best.calmness, empathy: h.best.empathy, solution: h.best.solution })),
        observed: (observed.get(u.id) ?? []).map((o) => ({ calmness: o.calmness, empathy: o.empathy, solution: o.solution })),
        exam: ex ? { percent: ex.result!.percent, passed: ex.result!.passed, at: ex.submittedAt ?? ex.startedAt, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, ex.result!.byCategory[c].percent])) as Record<Category, number> } : undefined,
        certificate: current ? { id: current.id, code: current.code, issuedAt: current.issuedAt, expiresAt: current.expiresAt, status: certificateStatus(current, now) } : undefined,
        issued: (certs.get(u.id) ?? []).filter((c) => !c.reissuedFrom).map((c) => c.issuedAt),
      };
    });
}
