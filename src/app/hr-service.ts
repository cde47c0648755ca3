// Gathers HR's facts about every person through the reports port, a page of
// people at a time, then leaves the figures to the pure functions in src/hr.
import { storageOf } from './runtime';
import type { Runtime } from './runtime';
import { applyFilters, certState, factsOf, personOverdue, selectPeople, statementsFor, toCsv, type PersonFacts } from '../hr';
import { filtersFrom, selectionFrom, type FieldSource } from './hr-filters';
import { certificateStatus } from '../certification';
import { rubricToPercent } from '../live';
import { localDay, t } from '../i18n';
import type { CertificateRecord, CheckAttemptRecord, ExamAttemptRecord, LiveSessionRecord, ObservationRecord, PageRequest, ScenarioAttemptRecord, StoredModuleProgress, UserRecord } from '../store';
import { attemptKind } from '../scenarios';

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

/**
 * One CSV row per person at `now`: certification status and scores. Counts are
 * numbers in their own columns (Excel reads "7/7" as a date), dates are
 * YYYY-MM-DD in the organisation's time zone, 是否逾期 is the dashboard's rule.
 */
export function csvRows(people: readonly PersonFacts[], now: Date): unknown[][] {
  const today = localDay(now);
  return [
    ['姓名', '用户名', '项目', '部门', '入职日期', '在职', '班级', '截止日期', '已完成章数', '总章数', '情景通过数', '情绪管理', '同理心表达', '解决导向', '考试成绩', ...Object.values(t.exam.categories), '认证状态', '是否逾期', '颁发日期', '到期日期'],
    ...people.map((p) => [
      p.name,
      p.username,
      p.site,
      p.department,
      p.hireDate ?? '',
      p.active ? '是' : '否',
      p.cohortNames.join('；'),
      p.dueDate ?? '',
      p.modulesDone,
      p.modulesTotal,
      p.scenarioBest.filter((s) => s.passed).length,
      csvAvg(p.scenarioBest.map((s) => s.calmness)),
      csvAvg(p.scenarioBest.map((s) => s.empathy)),
      csvAvg(p.scenarioBest.map((s) => s.solution)),
      p.exam?.percent ?? '',
      ...(['law', 'process', 'cases', 'professionalism'] as const).map((c) => p.exam?.byCategory[c] ?? ''),
      CSV_STATE[certState(p)],
      personOverdue(p, today) ? '是' : '否',
      p.certificate ? localDay(p.certificate.issuedAt) : '',
      p.certificate ? localDay(p.certificate.expiresAt) : '',
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
  const { status, includeInactive, ...rest } = selection;
  // The audit records what was asked: the dashboard's export posts no `inactive` (its default is not a choice); the list's does.
  const filters = { ...rest, ...(status && { status: status.is }), ...(form.get('inactive') ? { includeInactive } : {}) };
  const people = selectPeople(await peopleFacts(rt, now), selection);
  const csv = toCsv(csvRows(people, now));
  await storageOf(rt).appendAudit({ at: now.toISOString(), actorId: user.id, action: 'export', targetId: 'certification-status.csv', details: { format: 'csv', rows: people.length, filters } });
  return { csv, name: `certification-status-${localDay(now)}.csv` };
}

export type TimelineItem = { at: string; kind: string; text: string; tone?: 'good' | 'bad' };

/** One trainee's records, as the timeline reads them (each list in any order). */
export interface TimelineRecords {
  progress: readonly StoredModuleProgress[];
  /** Knowledge checks of every chapter the person opened. */
  checks: readonly CheckAttemptRecord[];
  attempts: readonly ScenarioAttemptRecord[];
  /** Rubric scores the person received as 客服 in pair role-play. */
  observed: readonly ObservationRecord[];
  /** Rubric scores the person gave others (as owner or observer). */
  given: readonly ObservationRecord[];
  /** Live classroom sessions the person joined. */
  sessions: readonly LiveSessionRecord[];
  exams: readonly ExamAttemptRecord[];
  certificates: readonly CertificateRecord[];
}

/** The names a timeline shows instead of ids. */
export interface TimelineNames {
  chapter(n: number): string | undefined;
  scenario(id: string): string | undefined;
  person(id: string): string | undefined;
}

const MODE = { practice: '练习', assessment: '考核', legacy: '旧版记录，不计入认证' } as const;

/** The role a person had in a pair role-play session, in words (客服, 业主 or 观察员), or undefined when not paired. */
function pairRole(s: LiveSessionRecord, id: string, who: (id: string) => string): string | undefined {
  for (const p of s.pairs) {
    if (p.agent === id) return `扮演客服（业主：${who(p.owner)}）`;
    if (p.owner === id) return `扮演业主（客服：${who(p.agent)}）`;
    if (p.observers.includes(id)) return `担任观察员（客服：${who(p.agent)}）`;
  }
  return undefined;
}

/**
 * Everything one trainee did, newest first: chapters, knowledge checks that
 * failed, role-plays (练习 or 考核), classroom sessions and the ratings given
 * and received there, the exam and certificates. Pure, so it is tested exactly.
 */
export function buildTimeline(personId: string, r: TimelineRecords, names: TimelineNames, now: Date): TimelineItem[] {
  const items: TimelineItem[] = [];
  const who = (id: string) => names.person(id) ?? '（已删除）';
  const scenario = (id: string) => names.scenario(id) ?? id;
  for (const p of r.progress) {
    items.push({ at: p.openedAt, kind: '课程', text: `开始学习 第${p.chapter}章 ${names.chapter(p.chapter) ?? ''}`.trimEnd() });
    if (p.completedAt) items.push({ at: p.completedAt, kind: '课程', text: `完成 第${p.chapter}章（测验最好 ${p.bestPercent ?? '—'}%）`, tone: 'good' });
  }
  // A passed check is the chapter's completion above; the failed ones are what HR would otherwise not see.
  for (const c of r.checks) {
    if (!c.passed) items.push({ at: c.at, kind: '知识测验', text: `第${c.chapter}章 知识测验未通过：${c.percent}%（答对 ${c.correct} / ${c.total} 题）`, tone: 'bad' });
  }
  for (const a of r.attempts) {
    const mode = MODE[attemptKind(a)];
    items.push({ at: a.at, kind: `情景演练 · ${mode}`, text: `${scenario(a.scenarioId)}（${mode}）：${t.scenario.outcomes[a.outcome]}，情绪管理 ${a.scores.calmness} · 同理心表达 ${a.scores.empathy} · 解决导向 ${a.scores.solution}（综合 ${a.scores.overall}${a.scores.passed ? '，通过' : ''}）`, tone: a.scores.passed ? 'good' : undefined });
  }
  for (const s of r.sessions) {
    if (!s.participants.includes(personId)) continue;
    const role = pairRole(s, personId, who);
    const how = s.mode === 'pairs' ? `结对演练${role ? `，${role}` : ''}` : `集体投票演练，全班共做出 ${s.history.length} 个决定`;
    items.push({ at: s.createdAt, kind: '课堂演练', text: `参加课堂《${scenario(s.scenarioId)}》：${how}${s.endedAt ? '' : '（进行中）'}` });
  }
  const rubric = (o: ObservationRecord) => `情绪管理 ${o.calmness} · 同理心表达 ${o.empathy} · 解决导向 ${o.solution}（1–5 分，约 ${rubricToPercent((o.calmness + o.empathy + o.solution) / 3)}/100）${o.comment ? `——${o.comment}` : ''}`;
  for (const o of r.observed) items.push({ at: o.at, kind: '课堂观察', text: `${scenario(o.scenarioId)}：${who(o.raterId)} 评分，${rubric(o)}` });
  for (const o of r.given) items.push({ at: o.at, kind: '课堂观察', text: `为 ${who(o.agentId)} 评分（${scenario(o.scenarioId)}）：${rubric(o)}` });
  for (const e of r.exams) {
    if (e.result) items.push({ at: e.submittedAt ?? e.startedAt, kind: '结业考试', text: `${e.result.percent}%，${e.result.passed ? '通过' : '未通过'}；最薄弱：${t.exam.categories[e.result.weakest]}${e.autoSubmitted ? '（到时自动交卷）' : ''}`, tone: e.result.passed ? 'good' : 'bad' });
    else items.push({ at: e.startedAt, kind: '结业考试', text: '考试进行中' });
  }
  for (const c of r.certificates) {
    items.push({ at: c.issuedAt, kind: '证书', text: `颁发 ${c.title}（验证码 ${c.code}，有效期至 ${localDay(c.expiresAt)}）——当前${t.cert.status[certificateStatus(c, now)]}`, tone: 'good' });
    if (c.revokedAt) items.push({ at: c.revokedAt, kind: '证书', text: `撤销：${c.revokeReason}`, tone: 'bad' });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

/** Everything one trainee did, newest first, as HR reads it on the person's page (read through the ports, built by buildTimeline). */
export async function personTimeline(rt: Runtime, person: UserRecord, now: Date): Promise<TimelineItem[]> {
  const store = storageOf(rt);
  const id = person.id;
  const [progress, attempts, observed, exams, certificates, cohorts] = await Promise.all([
    store.listModuleProgress(id),
    store.listScenarioAttempts(id),
    store.listObservations({ agentId: id }),
    store.listExamAttempts(id),
    store.listCertificates(id),
    store.cohortsOf(id),
  ]);
  const checks = (await Promise.all(progress.map((p) => store.listCheckAttempts(id, p.chapter)))).flat();
  // The sessions of the person's cohorts, and of any session they were rated in (a cohort they have left).
  const sessions = new Map<string, LiveSessionRecord>();
  for (const list of await Promise.all(cohorts.map((c) => store.listLiveSessions(c.id)))) for (const s of list) if (s.participants.includes(id)) sessions.set(s.id, s);
  for (const sid of new Set(observed.map((o) => o.sessionId))) {
    if (sessions.has(sid)) continue;
    const s = await store.getLiveSession(sid);
    if (s) sessions.set(s.id, s);
  }
  const given = (await Promise.all([...sessions.values()].filter((s) => s.mode === 'pairs').map((s) => store.listObservations({ sessionId: s.id })))).flat().filter((o) => o.raterId === id);
  const ids = new Set([...observed.map((o) => o.raterId), ...given.map((o) => o.agentId), ...[...sessions.values()].flatMap((s) => s.pairs.flatMap((p) => [p.owner, p.agent]))]);
  const people = new Map((await Promise.all([...ids].map((u) => store.getUser(u)))).flatMap((u) => (u ? [[u.id, u.displayName] as const] : [])));
  return buildTimeline(
    id,
    { progress, checks, attempts, observed, given, sessions: [...sessions.values()], exams, certificates },
    { chapter: (n) => rt.course.get(n)?.title, scenario: (s) => rt.scenarios.get(s)?.def.title, person: (u) => people.get(u) },
    now,
  );
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
  const store = storageOf(rt);
  // Raters and revokers by id, looked up once per export.
  const staff = new Map<string, Promise<UserRecord | undefined>>();
  const staffMember = (id: string) => (staff.has(id) ? staff : staff.set(id, store.getUser(id))).get(id)!;
  for await (const people of store.traineeRecordPages({ ids: [...ids], includeInactive: true })) {
    for (const r of people) {
      const checks = (await Promise.all(course.modules.map((m) => store.listCheckAttempts(r.user.id, m.chapter)))).flat();
      const ratings = await Promise.all(
        r.observations
          .filter((o) => o.agentId === r.user.id)
          .map(async (o) => {
            const rater = await staffMember(o.raterId);
            const instructor = rater && rater.role !== 'trainee' ? { id: rater.id, name: rater.displayName } : undefined;
            return { recordId: o.id, sessionId: o.sessionId, scenarioId: o.scenarioId, title: scenarios.get(o.scenarioId)?.def.title ?? o.scenarioId, at: o.at, calmness: o.calmness, empathy: o.empathy, solution: o.solution, ...(instructor ? { instructor } : {}) };
          }),
      );
      // A reissued certificate's earned statement is its chain's first (only that one is exported as earned).
      const certs = new Map(r.certificates.map((c) => [c.id, c]));
      const firstOf = (id: string): string => { const from = certs.get(id)?.reissuedFrom; return from && certs.has(from) ? firstOf(from) : id; };
      const revocations = await Promise.all(
        r.certificates
          .filter((c) => c.revokedAt)
          .map(async (c) => ({ recordId: c.id, earnedRecordId: firstOf(c.id), at: c.revokedAt!, by: { id: c.revokedBy ?? '', name: (c.revokedBy && (await staffMember(c.revokedBy))?.displayName) || '（已删除）' }, reason: c.revokeReason ?? '' })),
      );
      statements.push(
        ...statementsFor({
          origin: rt.config.siteOrigin,
          person: { id: r.user.id, name: r.user.displayName },
          modules: r.moduleProgress.filter((p) => p.completedAt).map((p) => ({ chapter: p.chapter, title: course.get(p.chapter)?.title ?? `第${p.chapter}章`, completedAt: p.completedAt! })),
          scenarios: r.scenarioAttempts.map((a) => ({ recordId: a.id, scenarioId: a.scenarioId, title: scenarios.get(a.scenarioId)?.def.title ?? a.scenarioId, at: a.at, passed: a.scores.passed, outcome: a.outcome, scores: a.scores })),
          exams: r.examAttempts.filter((e) => e.result).map((e) => ({ recordId: e.id, at: e.submittedAt ?? e.startedAt, percent: e.result!.percent, passed: e.result!.passed })),
          certificates: r.certificates.filter((c) => !c.reissuedFrom).map((c) => ({ recordId: c.id, title: c.title, issuedAt: c.issuedAt })),
          checks: checks.map((a) => ({ recordId: a.id, chapter: a.chapter, title: course.get(a.chapter)?.title ?? `第${a.chapter}章`, at: a.at, correct: a.correct, total: a.total, passed: a.passed })),
          ratings,
          revocations,
        }),
      );
    }
  }
  await storageOf(rt).appendAudit({ at: now.toISOString(), actorId: user.id, action: 'export', targetId: 'xapi-statements.json', details: { format: 'xapi', statements: statements.length, people: ids.size } });
  return statements;
}
