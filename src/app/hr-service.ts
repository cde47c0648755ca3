// Gathers HR's facts about every person in one pass over the store, then
// leaves the figures to the pure functions in src/hr.
import type { Runtime } from './runtime';
import type { PersonFacts } from '../hr';
import { certificateStatus, latestCertificate } from '../certification';
import { CATEGORIES, type Category } from '../quiz';
import { summariseAttempts } from '../scenarios';
import { rubricToPercent } from '../live';
import { t } from '../i18n';
import type { UserRecord } from '../store';

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
      const current = latestCertificate(certs.get(u.id) ?? []);
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

export type TimelineItem = { at: string; kind: string; text: string; tone?: 'good' | 'bad' };

/** Everything one trainee did, newest first, as HR reads it on the person's page. */
export function personTimeline(rt: Runtime, person: UserRecord, now: Date): TimelineItem[] {
  const items: TimelineItem[] = [];
  for (const p of rt.store.listModuleProgress(person.id)) {
    const m = rt.course.get(p.chapter);
    items.push({ at: p.openedAt, kind: '课程', text: `开始学习 第${p.chapter}章 ${m?.title ?? ''}` });
    if (p.completedAt) items.push({ at: p.completedAt, kind: '课程', text: `完成 第${p.chapter}章（测验最好 ${p.bestPercent ?? '—'}%）`, tone: 'good' });
  }
  for (const a of rt.store.listScenarioAttempts(person.id)) {
    items.push({ at: a.at, kind: '情景演练', text: `${rt.scenarios.get(a.scenarioId)?.def.title ?? a.scenarioId}：${t.scenario.outcomes[a.outcome]}，情绪管理 ${a.scores.calmness} · 同理心表达 ${a.scores.empathy} · 解决导向 ${a.scores.solution}（综合 ${a.scores.overall}${a.scores.passed ? '，通过' : ''}）`, tone: a.scores.passed ? 'good' : undefined });
  }
  for (const o of rt.store.listObservations({ agentId: person.id })) {
    items.push({ at: o.at, kind: '课堂观察', text: `${rt.scenarios.get(o.scenarioId)?.def.title ?? ''}：情绪管理 ${o.calmness} · 同理心表达 ${o.empathy} · 解决导向 ${o.solution}（1–5 分，约 ${rubricToPercent((o.calmness + o.empathy + o.solution) / 3)}/100）${o.comment ? `——${o.comment}` : ''}` });
  }
  for (const e of rt.store.listExamAttempts(person.id)) {
    if (e.result) items.push({ at: e.submittedAt ?? e.startedAt, kind: '结业考试', text: `${e.result.percent}%，${e.result.passed ? '通过' : '未通过'}；最薄弱：${t.exam.categories[e.result.weakest]}${e.autoSubmitted ? '（到时自动交卷）' : ''}`, tone: e.result.passed ? 'good' : 'bad' });
    else items.push({ at: e.startedAt, kind: '结业考试', text: '考试进行中' });
  }
  for (const c of rt.store.listCertificates(person.id)) {
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
export function waiverRows(rt: Runtime): WaiverRow[] {
  const users = new Map(rt.store.reportView().users.map((u) => [u.id, u]));
  return rt.store
    .listWaivers()
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
