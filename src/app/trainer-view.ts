// Views of the trainer pages: the workbench, the cohorts list, one cohort and
// one trainee's record. Each returns plain data for its page and never writes;
// the actions are the commands in ./cohort-service. Names are read only for
// the people a page shows (`namesOf`), never a map of every account.
import { storageOf, type Runtime } from './runtime';
import type { CohortRecord, UserRecord } from '../store';
import { cohortRows, enrolableTrainees } from './cohort-service';
import { courseOverview } from '../modules';
import { aggregateRubric } from '../live';
import { sortRows, filterRows, type SortKey } from '../cohorts';
import { certificateStatus, latestCertificate } from '../certification';

const newestFirst = <T>(xs: T[], at: (x: T) => string) => xs.sort((a, b) => at(b).localeCompare(at(a)));

/** Whose progress the workbench shows: a trainer, the people in their own cohorts; an admin, everyone (undefined). */
export async function workbenchView(rt: Runtime, me: UserRecord): Promise<{ only?: ReadonlySet<string> }> {
  if (me.role === 'admin') return {};
  return { only: new Set((await storageOf(rt).listCohorts(me.id)).flatMap((c) => c.traineeIds)) };
}

/**
 * The workbench's certification per cohort: how many of its people hold a valid
 * certificate, how many are behind the due date; a trainer's own cohorts (an admin's: all), newest first.
 */
export async function workbenchCohorts(rt: Runtime, me: UserRecord, now: Date) {
  const cohorts = newestFirst(await storageOf(rt).listCohorts(me.role === 'admin' ? undefined : me.id), (c) => c.createdAt);
  return Promise.all(
    cohorts.map(async (cohort) => {
      const rows = await cohortRows(rt, cohort, now);
      return {
        cohort,
        total: rows.length,
        certified: rows.filter((r) => r.certificate === 'valid').length,
        overdue: rows.filter((r) => r.overdue).length,
        modulesDone: rows.filter((r) => r.modulesDone.length === r.modulesTotal).length,
      };
    }),
  );
}

/** The cohorts list: a trainer's own cohorts (an admin's: all, with their trainers' names), newest first, and the people the new-cohort form offers. */
export async function cohortsView(rt: Runtime, me: UserRecord, site: string, now: Date) {
  const s = storageOf(rt);
  const cohorts = newestFirst(await s.listCohorts(me.role === 'admin' ? undefined : me.id), (c) => c.createdAt);
  const trainerNames = me.role === 'admin' ? await s.namesOf(new Set(cohorts.map((c) => c.trainerId))) : new Map<string, string>();
  // Only the people this trainer may enrol (src/cohorts enrolmentScope); the server checks again on submit.
  const candidates = await enrolableTrainees(rt, me, now);
  return {
    cohorts,
    trainerNames,
    trainees: candidates.filter((u) => !site || u.site === site),
    sites: [...new Set(candidates.map((u) => u.site))],
  };
}

const SORTS: readonly SortKey[] = ['name', 'progress', 'exam', 'overdue'];
const FILTERS = ['all', 'overdue', 'certified', 'open'] as const;

/** One cohort's page: the progress grid as sorted and filtered, its live sessions with their rubric averages, and whom the add form offers. */
export async function cohortView(rt: Runtime, me: UserRecord, cohort: CohortRecord, q: URLSearchParams, now: Date) {
  const s = storageOf(rt);
  const sort = SORTS.find((k) => k === q.get('sort')) ?? 'overdue';
  const filter = FILTERS.find((k) => k === q.get('filter')) ?? 'all';
  const site = q.get('site') || undefined;
  const allRows = await cohortRows(rt, cohort, now);
  const sessions = await Promise.all(
    newestFirst(await s.listLiveSessions(cohort.id), (x) => x.createdAt).map(async (x) => ({ ...x, rubric: aggregateRubric(await s.listObservations({ sessionId: x.id })) })),
  );
  const agentNames = await s.namesOf(new Set(sessions.flatMap((x) => x.rubric.map((r) => r.agentId))));
  // Only the people this trainer may enrol (src/cohorts enrolmentScope); the server checks again on submit.
  const outside = (await enrolableTrainees(rt, me, now)).filter((u) => !cohort.traineeIds.includes(u.id));
  return {
    sort,
    filter,
    site,
    allRows,
    rows: sortRows(filterRows(allRows, filter, site), sort),
    sessions,
    agentNames,
    outside,
    sites: [...new Set(allRows.map((r) => r.site))],
  };
}

/**
 * One trainee's record as their trainer reads it, through the cohort: only a
 * person in it now (changing the id in the URL shows nobody else); undefined otherwise.
 */
export async function traineeRecordView(rt: Runtime, cohort: CohortRecord, userId: string, now: Date = new Date()) {
  const s = storageOf(rt);
  const person = cohort.traineeIds.includes(userId) ? await s.getUser(userId) : undefined;
  if (!person) return undefined;
  const observations = newestFirst(await s.listObservations({ agentId: person.id }), (o) => o.at);
  const latest = latestCertificate(await s.listCertificates(person.id));
  return {
    person,
    overview: courseOverview(rt.course.modules, await s.listModuleProgress(person.id)),
    attempts: newestFirst(await s.listScenarioAttempts(person.id), (a) => a.at),
    exams: newestFirst((await s.listExamAttempts(person.id)).filter((a) => a.result), (a) => a.startedAt),
    observations,
    raterNames: await s.namesOf(new Set(observations.map((o) => o.raterId))),
    certificate: latest ? { record: latest, status: certificateStatus(latest, now) } : undefined,
  };
}
