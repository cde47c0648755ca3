import { createHash } from 'node:crypto';

/** xAPI 1.0.3 statement (the fields we emit). */
export interface Statement {
  id: string;
  version: '1.0.3';
  actor: { objectType: 'Agent'; name: string; account: { homePage: string; name: string } };
  verb: { id: string; display: Record<string, string> };
  object: Activity | { objectType: 'StatementRef'; id: string };
  result?: {
    success?: boolean;
    completion?: boolean;
    score?: { scaled: number; raw?: number; min?: number; max?: number };
    extensions?: Record<string, number>;
  };
  context?: {
    instructor?: Agent;
    contextActivities?: { parent?: Activity[] };
    extensions?: Record<string, string>;
  };
  timestamp: string;
}

type Agent = Statement['actor'];
interface Activity {
  objectType: 'Activity';
  id: string;
  definition: { type: string; name: Record<string, string> };
}

export const VERBS = {
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'zh-CN': '完成', 'en-US': 'completed' } },
  attempted: { id: 'http://adlnet.gov/expapi/verbs/attempted', display: { 'zh-CN': '尝试', 'en-US': 'attempted' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'zh-CN': '通过', 'en-US': 'passed' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { 'zh-CN': '未通过', 'en-US': 'failed' } },
  earned: { id: 'http://id.tincanapi.com/verb/earned', display: { 'zh-CN': '获得', 'en-US': 'earned' } },
  /** ADL vocabulary: "a numerical value related to the actor's performance" (a rubric score someone else gave). */
  scored: { id: 'http://adlnet.gov/expapi/verbs/scored', display: { 'zh-CN': '获评', 'en-US': 'scored' } },
  /** Activity Streams 1.0 (in the xAPI registry): "the actor has retracted the object", here the statement that the certificate was earned. */
  retracted: { id: 'http://activitystrea.ms/schema/1.0/retract', display: { 'zh-CN': '撤销', 'en-US': 'retracted' } },
} as const;

const TYPES = {
  module: 'http://adlnet.gov/expapi/activities/module',
  simulation: 'http://adlnet.gov/expapi/activities/simulation',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  certificate: 'https://w3id.org/xapi/cmi5/activitytype/course',
  meeting: 'http://adlnet.gov/expapi/activities/meeting',
};

/** Name-based UUID (v5 layout) from a record id: re-exporting gives the same statement ids, so an LRS stores each once. */
export function statementId(seed: string): string {
  const h = createHash('sha1').update(`wuye-kefu:${seed}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The IRI scheme (docs/XAPI.md): every activity and extension lives under the platform's public origin. */
export function iris(origin: string) {
  const base = `${origin.replace(/\/+$/, '')}/xapi`;
  return {
    module: (chapter: number) => `${base}/activities/module/${chapter}`,
    check: (chapter: number) => `${base}/activities/module/${chapter}/check`,
    live: (sessionId: string) => `${base}/activities/live/${sessionId}`,
    scenario: (id: string) => `${base}/activities/scenario/${id}`,
    exam: () => `${base}/activities/exam/final`,
    certificate: (slug: string) => `${base}/activities/certificate/${slug}`,
    extension: (name: 'calmness' | 'empathy' | 'solution') => `${base}/extensions/${name}`,
    /** A classroom rubric level (1–5), apart from the 0–100 role-play scores above. */
    rubric: (name: 'calmness' | 'empathy' | 'solution') => `${base}/extensions/rubric/${name}`,
    reason: () => `${base}/extensions/reason`,
  };
}

export interface XapiInput {
  origin: string;
  person: { id: string; name: string };
  modules: Array<{ chapter: number; title: string; completedAt: string }>;
  scenarios: Array<{ recordId: string; scenarioId: string; title: string; at: string; passed: boolean; outcome: string; scores: { calmness: number; empathy: number; solution: number; overall: number } }>;
  exams: Array<{ recordId: string; at: string; percent: number; passed: boolean }>;
  certificates: Array<{ recordId: string; title: string; issuedAt: string }>;
  /** Every graded knowledge check, passed or not. */
  checks?: Array<{ recordId: string; chapter: number; title: string; at: string; correct: number; total: number; passed: boolean }>;
  /** Rubric scores (1–5) others gave this person in live pair role-play; `instructor` when the rater is a trainer or admin. */
  ratings?: Array<{ recordId: string; sessionId: string; scenarioId: string; title: string; at: string; calmness: number; empathy: number; solution: number; instructor?: { id: string; name: string } }>;
  /** Revoked certificates: `earnedRecordId` is the certificate whose earned statement was exported (the first of a reissue chain). */
  revocations?: Array<{ recordId: string; earnedRecordId: string; at: string; by: { id: string; name: string }; reason: string }>;
}

/** Learning records as xAPI statements for a company's LRS or LMS. */
export function statementsFor(x: XapiInput): Statement[] {
  const iri = iris(x.origin);
  const actor = { objectType: 'Agent' as const, name: x.person.name, account: { homePage: x.origin, name: x.person.id } };
  const activity = (id: string, type: string, name: string) => ({ objectType: 'Activity' as const, id, definition: { type, name: { 'zh-CN': name } } });
  const out: Statement[] = [];
  for (const m of x.modules) {
    out.push({ id: statementId(`module:${x.person.id}:${m.chapter}`), version: '1.0.3', actor, verb: VERBS.completed, object: activity(iri.module(m.chapter), TYPES.module, m.title), result: { completion: true }, timestamp: m.completedAt });
  }
  // One statement per attempt, carrying its result: passed or failed (cmi5 sends its score and success only on
  // passed/failed; an "attempted" with the same result would count the attempt twice in an LRS's reports).
  for (const s of x.scenarios) {
    const result = {
      success: s.passed,
      completion: true,
      score: { scaled: s.scores.overall / 100, raw: s.scores.overall, min: 0, max: 100 },
      extensions: { [iri.extension('calmness')]: s.scores.calmness, [iri.extension('empathy')]: s.scores.empathy, [iri.extension('solution')]: s.scores.solution },
    };
    out.push({ id: statementId(`scenario-result:${s.recordId}`), version: '1.0.3', actor, verb: s.passed ? VERBS.passed : VERBS.failed, object: activity(iri.scenario(s.scenarioId), TYPES.simulation, s.title), result, timestamp: s.at });
  }
  for (const c of x.checks ?? []) {
    out.push({
      id: statementId(`check:${c.recordId}`),
      version: '1.0.3',
      actor,
      verb: c.passed ? VERBS.passed : VERBS.failed,
      object: activity(iri.check(c.chapter), TYPES.assessment, `${c.title} · 知识检查`),
      result: { success: c.passed, completion: true, score: { scaled: c.total ? c.correct / c.total : 0, raw: c.correct, min: 0, max: c.total } },
      timestamp: c.at,
    });
  }
  for (const r of x.ratings ?? []) {
    const raw = r.calmness + r.empathy + r.solution;
    out.push({
      id: statementId(`rating:${r.recordId}`),
      version: '1.0.3',
      actor,
      verb: VERBS.scored,
      object: activity(iri.scenario(r.scenarioId), TYPES.simulation, r.title),
      // Three dimensions of 1–5: raw 3–15, scaled over that range.
      result: { score: { scaled: Math.round(((raw - 3) / 12) * 1000) / 1000, raw, min: 3, max: 15 }, extensions: { [iri.rubric('calmness')]: r.calmness, [iri.rubric('empathy')]: r.empathy, [iri.rubric('solution')]: r.solution } },
      context: {
        ...(r.instructor ? { instructor: { objectType: 'Agent' as const, name: r.instructor.name, account: { homePage: x.origin, name: r.instructor.id } } } : {}),
        contextActivities: { parent: [activity(iri.live(r.sessionId), TYPES.meeting, '课堂演练')] },
      },
      timestamp: r.at,
    });
  }
  for (const e of x.exams) {
    out.push({
      id: statementId(`exam:${e.recordId}`),
      version: '1.0.3',
      actor,
      verb: e.passed ? VERBS.passed : VERBS.failed,
      object: activity(iri.exam(), TYPES.assessment, '结业考试'),
      result: { success: e.passed, completion: true, score: { scaled: e.percent / 100, raw: e.percent, min: 0, max: 100 } },
      timestamp: e.at,
    });
  }
  for (const c of x.certificates) {
    out.push({ id: statementId(`certificate:${c.recordId}`), version: '1.0.3', actor, verb: VERBS.earned, object: activity(iri.certificate('shanggang'), TYPES.certificate, c.title), timestamp: c.issuedAt });
  }
  // A revocation is done by HR or an admin to the statement that the certificate was earned: that person is the actor.
  for (const r of x.revocations ?? []) {
    out.push({
      id: statementId(`revocation:${r.recordId}`),
      version: '1.0.3',
      actor: { objectType: 'Agent', name: r.by.name, account: { homePage: x.origin, name: r.by.id } },
      verb: VERBS.retracted,
      object: { objectType: 'StatementRef', id: statementId(`certificate:${r.earnedRecordId}`) },
      ...(r.reason ? { context: { extensions: { [iri.reason()]: r.reason } } } : {}),
      timestamp: r.at,
    });
  }
  return out.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}
