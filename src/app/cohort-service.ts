import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import type { CohortRecord, Storage, UserRecord } from '../store';
import { everyPage } from './paging';
import { isOverdue, type TraineeRow } from '../cohorts';
import { certificateStatus, latestCertificate, overallProgress } from '../certification';
import { completedChapters } from '../modules';
import { aggregateRubric } from '../live';
import { summariseAttempts } from '../scenarios';
import { DIMENSIONS } from '../scenarios/constants';
import { BadRequest } from './http';
import { mayViewCohort, enrolmentScope } from '../cohorts';
import { decodeCsv, importTrainees, parseTraineeCsv, type ImportOutcome } from '../people';
import { localDay, t } from '../i18n';
import { createLiveSession, endLiveAccess } from './live-service';

/** The cohort if this trainer (or an admin) may see it; 404 otherwise, so ids reveal nothing. */
export async function visibleCohort(rt: Runtime, user: UserRecord, id: string): Promise<CohortRecord> {
  const c = await storageOf(rt).getCohort(id);
  if (!c || !mayViewCohort(user, c)) throw new BadRequest('没有这个班级', 404);
  return c;
}

/** One row per trainee: modules, best role-plays, exam, certificate, observed rubric, overdue. */
export async function cohortRows(rt: Runtime, cohort: CohortRecord, now: Date): Promise<TraineeRow[]> {
  const { course } = rt;
  const today = localDay(now);
  const people = await everyPage((page) => storageOf(rt).traineeRecords({ ids: cohort.traineeIds, includeInactive: true }, page));
  const byId = new Map(people.map((p) => [p.user.id, p]));
  return cohort.traineeIds.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const u = r.user;
    const modulesDone = completedChapters(r.moduleProgress).sort((a, b) => a - b);
    const scenarios: TraineeRow['scenarios'] = {};
    for (const [sid, h] of summariseAttempts(r.scenarioAttempts)) {
      scenarios[sid] = { passed: h.passed, calmness: h.best.calmness, empathy: h.best.empathy, solution: h.best.solution };
    }
    const exams = r.examAttempts.filter((a) => a.result);
    const bestExam = [...exams].sort((a, b) => b.result!.percent - a.result!.percent)[0];
    const latest = latestCertificate(r.certificates);
    const certificate = latest ? certificateStatus(latest, now) : undefined;
    const obs = aggregateRubric(r.observations)[0];
    const passedScenarios = Object.values(scenarios).filter((s) => s.passed).length;
    const progress = overallProgress(rt.certification, { modulesDone: modulesDone.length, modulesTotal: course.modules.length, scenariosPassed: passedScenarios, examPassed: !!bestExam?.result!.passed });
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

/** The organisation's calendar day: due dates are days there, not in UTC. */
const today = (now: Date) => localDay(now);

/** Whom this trainer (or admin) may enrol now: the rule in src/cohorts `enrolmentScope`. */
const mayEnrol = async (rt: Runtime, actor: UserRecord, now: Date) => enrolmentScope(actor, await storageOf(rt).listCohorts(), today(now));

/** The people the forms offer: active trainees this person may enrol, by site and name. */
export async function enrolableTrainees(rt: Runtime, actor: UserRecord, now: Date): Promise<UserRecord[]> {
  return (await storageOf(rt).listUsers({ role: 'trainee' }))
    .filter(await mayEnrol(rt, actor, now))
    .sort((a, b) => a.site.localeCompare(b.site, 'zh-CN') || a.displayName.localeCompare(b.displayName, 'zh-CN'));
}

const OUT_OF_SCOPE = '只能加入本项目、在职、且不在其他培训师进行中班级里的学员；其他人员请联系管理员安排。';

/** The ids a form names, every one of them enrolable by this person; otherwise 403 and nothing is written (a form can name anyone). */
async function enrolable(rt: Runtime, actor: UserRecord, ids: string[], now: Date): Promise<string[]> {
  const may = await mayEnrol(rt, actor, now);
  for (const id of ids) {
    const u = await storageOf(rt).getUser(id);
    if (!u || !may(u)) throw new BadRequest(OUT_OF_SCOPE, 403);
  }
  return [...new Set(ids)];
}

/** A due date as typed: empty for none, else YYYY-MM-DD. */
function dueDateFrom(raw: string): string | undefined {
  const due = raw.trim();
  if (due && !/^\d{4}-\d{2}-\d{2}$/.test(due)) throw new BadRequest('截止日期格式应为 YYYY-MM-DD。');
  return due || undefined;
}

/** Creates a cohort run by `trainer` from the new-cohort form; throws BadRequest (400) on bad input. */
export async function createCohort(rt: Runtime, trainer: UserRecord, form: FormData, now: Date): Promise<CohortRecord> {
  const name = String(form.get('name') ?? '').trim().slice(0, 60);
  if (!name) throw new BadRequest('请填写班级名称。');
  const dueDate = dueDateFrom(String(form.get('dueDate') ?? ''));
  const traineeIds = await enrolable(rt, trainer, form.getAll('trainee').map(String), now);
  return storageOf(rt).createCohort({ name, trainerId: trainer.id, traineeIds, dueDate, createdAt: now.toISOString() }, trainer.id);
}

export type CohortChange = { cohort: CohortRecord; message?: string; imported?: ImportOutcome; redirect?: string };

/**
 * One action of the cohort page's forms (the caller has checked the cohort is
 * the trainer's): add or remove trainees, set the due date, import a CSV of new
 * trainees, or start a live session. Throws BadRequest (400) on bad input.
 */
export async function changeCohort(rt: Runtime, trainer: UserRecord, cohort: CohortRecord, form: FormData, now: Date): Promise<CohortChange> {
  const update = async (patch: Parameters<Storage['updateCohort']>[1]) => (await storageOf(rt).updateCohort(cohort.id, patch))!;
  switch (String(form.get('action') ?? '')) {
    case 'live': {
      const mode = form.get('mode') === 'pairs' ? 'pairs' : 'vote';
      const s = await createLiveSession(rt, trainer, cohort.id, String(form.get('scenario') ?? ''), mode, now);
      return { cohort, redirect: `/trainer/live/${s.id}` };
    }
    case 'add': {
      const ids = await enrolable(rt, trainer, form.getAll('trainee').map(String), now);
      const r = (await storageOf(rt).enrol(cohort.id, ids, trainer.id, now.toISOString()))!;
      return { cohort: r.cohort, message: `已加入 ${r.added} 名学员。` };
    }
    case 'remove': {
      const id = String(form.get('trainee') ?? '');
      const after = await storageOf(rt).unenrol(cohort.id, id, trainer.id, now.toISOString());
      if (!after) throw new BadRequest('这名学员不在本班级。');
      // Their open live screens of this cohort close now, not at the next request.
      await endLiveAccess(rt, cohort.id, id);
      return { cohort: after, message: '已移出班级（学习记录保留）。' };
    }
    case 'due':
      return { cohort: await update({ dueDate: dueDateFrom(String(form.get('dueDate') ?? '')) }), message: '截止日期已更新。' };
    case 'import': {
      const file = form.get('file');
      if (!(file instanceof File) || !file.size) throw new BadRequest('请选择一个 CSV 文件');
      // UTF-8 or GBK (Excel on Chinese Windows), as the admin's import reads it.
      const text = decodeCsv(new Uint8Array(await file.arrayBuffer()))?.text;
      if (text === undefined) throw new BadRequest(t.admin.unknownEncoding);
      const elsewhere = await otherSiteRows(rt, trainer, text);
      if (elsewhere) return { cohort, imported: elsewhere };
      const imported = await importTrainees(storageOf(rt), trainer, text, file.name, now.toISOString());
      if (!imported.ok) return { cohort, imported };
      const r = (await storageOf(rt).enrol(cohort.id, imported.created.map((c) => c.user.id), trainer.id, now.toISOString()))!;
      return { cohort: r.cohort, imported };
    }
    default:
      throw new BadRequest('未知操作');
  }
}

/** A trainer imports trainees of their own site only (the enrolment rule); the rows naming another, as import errors. */
async function otherSiteRows(rt: Runtime, actor: UserRecord, text: string): Promise<ImportOutcome | undefined> {
  if (actor.role === 'admin') return undefined;
  const parsed = parseTraineeCsv(text, new Set((await storageOf(rt).listUsers({ includeInactive: true })).map((u) => u.username)));
  if (!parsed.ok) return undefined;
  const errors = parsed.rows.filter((r) => r.site !== actor.site).map((r) => ({ line: r.line, message: `项目“${r.site}”不是你负责的项目（${actor.site || '未设置'}），请联系管理员导入` }));
  return errors.length ? { ok: false, errors } : undefined;
}
