// Gathers HR's facts about every person through the reports port, a page of
// people at a time, then leaves the figures to the pure functions in src/hr.
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import { applyFilters, certState, factsOf, selectPeople, statementsFor, toCsv, type PersonFacts } from '../hr';
import { filtersFrom, selectionFrom, type FieldSource } from './hr-filters';
import { certificateStatus } from '../certification';
import { rubricToPercent } from '../live';
import { t } from '../i18n';
import type { PageRequest, UserRecord } from '../store';

/** Facts about every trainee (active or not), read a page of people at a time. */
export async function peopleFacts(rt: Runtime, now: Date, filter: { ids?: readonly string[] } = {}): Promise<PersonFacts[]> {
  const out: PersonFacts[] = [];
  for await (const page of peopleFactPages(rt, now, filter)) out.push(...page);
  return out;
}

/** The same facts a page of people at a time, for figures that need no list of everyone (the dashboard). */
export async function* peopleFactPages(rt: Runtime, now: Date, filter: { ids?: readonly string[] } = {}): AsyncGenerator<PersonFacts[]> {
  const total = rt.course.modules.length;
  for await (const people of storageOf(rt).traineeRecordPages({ ...filter, includeInactive: true })) yield people.map((r) => factsOf(r, total, now));
}

const CSV_STATE = { certified: '已认证', expired: '已过期', inProgress: '培训中', notStarted: '未开始' } as const;
const csvAvg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : '');

/** One CSV row per person: certification status and scores. */
export function csvRows(people: readonly PersonFacts[]): unknown[][] {
  return [
    ['姓名', '用户名', '项目', '部门', '入职日期', '在职', '班级', '课程完成', '情景通过数', '情绪管理', '同理心表达', '解决导向', '考试成绩', ...Object.values(t.exam.categories), '认证状态', '颁发日期', '到期日期'],
    ...people.map((p) => [
      p.name,
      p.username,
      p.site,
      p.department,
      p.hireDate ?? '',
      p.active ? '是' : '否',
      p.cohortNames.join('；'),
      `${p.modulesDone}/${p.modulesTotal}`,
      p.scenarioBest.filter((s) => s.passed).length,
      csvAvg(p.scenarioBest.map((s) => s.calmness)),
      csvAvg(p.scenarioBest.map((s) => s.empathy)),
      csvAvg(p.scenarioBest.map((s) => s.solution)),
      p.exam?.percent ?? '',
      ...(['law', 'process', 'cases', 'professionalism'] as const).map((c) => p.exam?.byCategory[c] ?? ''),
      CSV_STATE[certState(p)],
      p.certificate?.issuedAt.slice(0, 10) ?? '',
      p.certificate?.expiresAt.slice(0, 10) ?? '',
    ]),
  ];
}

/**
 * Certification status and scores as CSV (UTF-8 with BOM for Excel) for the
 * people the posted selection picks — the dashboard's filters, or the people
 * list's filters, status and search (src/app/hr-filters.ts selectionFrom;
 * without `inactive`, deactivated people are in) — the export is audited.
 */
export async function csvExport(rt: Runtime, user: UserRecord, form: FieldSource, now: Date): Promise<{ csv: string; name: string }> {
  const selection = selectionFrom(form, now, true);
  const { status, ...rest } = selection;
  const filters = { ...rest, ...(status && { status: status.is }) };
  const people = selectPeople(await peopleFacts(rt, now), selection);
  const csv = toCsv(csvRows(people));
  await storageOf(rt).appendAudit({ at: now.toISOString(), actorId: user.id, action: 'export', targetId: 'certification-status.csv', details: { format: 'csv', rows: people.length, filters } });
  return { csv, name: `certification-status-${now.toISOString().slice(0, 10)}.csv` };
}

export type TimelineItem = { at: string; kind: string; text: string; tone?: 'good' | 'bad' };

/** Everything one trainee did, newest first, as HR reads it on the person's page. */
export async function personTimeline(rt: Runtime, person: UserRecord, now: Date): Promise<TimelineItem[]> {
  const items: TimelineItem[] = [];
  for (const p of await storageOf(rt).listModuleProgress(person.id)) {
    const m = rt.course.get(p.chapter);
    items.push({ at: p.openedAt, kind: '课程', text: `开始学习 第${p.chapter}章 ${m?.title ?? ''}` });
    if (p.completedAt) items.push({ at: p.completedAt, kind: '课程', text: `完成 第${p.chapter}章（测验最好 ${p.bestPercent ?? '—'}%）`, tone: 'good' });
  }
  for (const a of await storageOf(rt).listScenarioAttempts(person.id)) {
    items.push({ at: a.at, kind: '情景演练', text: `${rt.scenarios.get(a.scenarioId)?.def.title ?? a.scenarioId}：${t.scenario.outcomes[a.outcome]}，情绪管理 ${a.scores.calmness} · 同理心表达 ${a.scores.empathy} · 解决导向 ${a.scores.solution}（综合 ${a.scores.overall}${a.scores.passed ? '，通过' : ''}）`, tone: a.scores.passed ? 'good' : undefined });
  }
  for (const o of await storageOf(rt).listObservations({ agentId: person.id })) {
    items.push({ at: o.at, kind: '课堂观察', text: `${rt.scenarios.get(o.scenarioId)?.def.title ?? ''}：情绪管理 ${o.calmness} · 同理心表达 ${o.empathy} · 解决导向 ${o.solution}（1–5 分，约 ${rubricToPercent((o.calmness + o.empathy + o.solution) / 3)}/100）${o.comment ? `——${o.comment}` : ''}` });
  }
  for (const e of await storageOf(rt).listExamAttempts(person.id)) {
    if (e.result) items.push({ at: e.submittedAt ?? e.startedAt, kind: '结业考试', text: `${e.result.percent}%，${e.result.passed ? '通过' : '未通过'}；最薄弱：${t.exam.categories[e.result.weakest]}${e.autoSubmitted ? '（到时自动交卷）' : ''}`, tone: e.result.passed ? 'good' : 'bad' });
    else items.push({ at: e.startedAt, kind: '结业考试', text: '考试进行中' });
  }
  for (const c of await storageOf(rt).listCertificates(person.id)) {
    items.push({ at: c.issuedAt, kind: '证书', text: `颁发 ${c.title}（验证码 ${c.code}，有效期至 ${c.expiresAt.slice(0, 10)}）——当前${t.cert.status[certificateStatus(c, now)]}`, tone: 'good' });
    if (c.revokedAt) items.push({ at: c.revokedAt, kind: '证书', text: `撤销：${c.revokeReason}`, tone: 'bad' });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

export interface WaiverRow {
  at: string;
  person: { id: string; name: string; username: string; site: string };
  grantedBy: { name: string; role: string };
  reason: string;
}

/** Every prerequisite waiver, newest first, with the person and who granted it (names, not ids). */
export async function waiverRows(rt: Runtime, page: PageRequest = {}): Promise<WaiverRow[]> {
  const store = storageOf(rt);
  const waivers = (await store.listWaivers(page)).items;
  const ids = new Set(waivers.flatMap((w) => [w.userId, w.by]));
  const users = new Map((await Promise.all([...ids].map((id) => store.getUser(id)))).flatMap((u) => (u ? [[u.id, u] as const] : [])));
  return waivers
    .sort((a, b) => b.at.localeCompare(a.at))
    .map((w) => {
      const p = users.get(w.userId);
      const by = users.get(w.by);
      return {
        at: w.at,
        person: { id: w.userId, name: p?.displayName ?? '（已删除）', username: p?.username ?? '', site: p?.site ?? '' },
        grantedBy: { name: by?.displayName ?? '（已删除）', role: by ? t.roles[by.role] : '' },
        reason: w.reason,
      };
    });
}

/** Learning records as xAPI 1.0.3 statements (docs/XAPI.md) for the trainees the dashboard filters pick; the export is audited. */
export async function xapiExport(rt: Runtime, user: UserRecord, form: FieldSource, now: Date): Promise<unknown[]> {
  const { course, scenarios } = rt;
  const ids = new Set(applyFilters(await peopleFacts(rt, now), filtersFrom(form)).map((p) => p.id));
  const statements: unknown[] = [];
  for await (const people of storageOf(rt).traineeRecordPages({ ids: [...ids], includeInactive: true })) {
    for (const r of people) {
      statements.push(
        ...statementsFor({
          origin: rt.config.siteOrigin,
          person: { id: r.user.id, name: r.user.displayName },
          modules: r.moduleProgress.filter((p) => p.completedAt).map((p) => ({ chapter: p.chapter, title: course.get(p.chapter)?.title ?? `第${p.chapter}章`, completedAt: p.completedAt! })),
          scenarios: r.scenarioAttempts.map((a) => ({ recordId: a.id, scenarioId: a.scenarioId, title: scenarios.get(a.scenarioId)?.def.title ?? a.scenarioId, at: a.at, passed: a.scores.passed, outcome: a.outcome, scores: a.scores })),
          exams: r.examAttempts.filter((e) => e.result).map((e) => ({ recordId: e.id, at: e.submittedAt ?? e.startedAt, percent: e.result!.percent, passed: e.result!.passed })),
          certificates: r.certificates.filter((c) => !c.reissuedFrom).map((c) => ({ recordId: c.id, title: c.title, issuedAt: c.issuedAt })),
        }),
      );
    }
  }
  await storageOf(rt).appendAudit({ at: now.toISOString(), actorId: user.id, action: 'export', targetId: 'xapi-statements.json', details: { format: 'xapi', statements: statements.length, people: ids.size } });
  return statements;
}
