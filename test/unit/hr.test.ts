import { describe, it, expect } from 'vitest';
import { computeDashboard, peoplePage, selectPeople, PEOPLE_STATUSES, toCsv, csvCell, statementsFor, statementId, type PersonFacts } from '../../src/hr';

const NOW = new Date('2026-11-28T08:00:00Z');
const cats = (n: number) => ({ law: n, process: n, cases: n, professionalism: n });
const cert = (issuedAt: string, expiresAt: string, status: 'valid' | 'expired' | 'revoked' = 'valid') => ({ id: issuedAt, code: 'X', issuedAt, expiresAt, status });
const person = (over: Partial<PersonFacts> & { id: string }): PersonFacts => ({
  name: over.id, username: over.id, site: '阳光花园', department: '客服部', active: true, cohortIds: [], cohortNames: [], modulesDone: 0, modulesTotal: 7,
  started: false, scenarioBest: [], observed: [], issued: [], ...over,
});
/** A fixture company: figures below are worked out by hand. */
const PEOPLE: PersonFacts[] = [
  person({ id: 'a', site: '阳光花园', started: true, modulesDone: 7, certificate: cert('2026-11-10T00:00:00Z', '2028-11-10T00:00:00Z'), issued: ['2026-11-10T00:00:00Z'], exam: { percent: 90, passed: true, at: 'x', byCategory: cats(90) }, scenarioBest: [{ scenarioId: 's', passed: true, calmness: 80, empathy: 100, solution: 60 }], observed: [{ calmness: 5, empathy: 3, solution: 4 }] }),
  person({ id: 'b', site: '阳光花园', started: true, modulesDone: 3, dueDate: '2026-11-20', cohortIds: ['c1'], exam: { percent: 60, passed: false, at: 'x', byCategory: cats(60) }, scenarioBest: [{ scenarioId: 's', passed: false, calmness: 40, empathy: 50, solution: 60 }], observed: [{ calmness: 1, empathy: 3, solution: 2 }] }),
  person({ id: 'c', site: '翠湖天地', hireDate: '2026-10-08', started: false, dueDate: '2026-12-31', cohortIds: ['c1'] }),
  person({ id: 'd', site: '翠湖天地', hireDate: '2024-10-01', started: true, modulesDone: 7, certificate: cert('2024-11-20T00:00:00Z', '2026-11-20T00:00:00Z', 'expired'), issued: ['2024-11-20T00:00:00Z'] }),
  person({ id: 'e', site: '翠湖天地', started: true, modulesDone: 7, certificate: cert('2024-12-15T00:00:00Z', '2026-12-15T00:00:00Z'), issued: ['2024-12-15T00:00:00Z'] }),
  person({ id: 'f', site: '翠湖天地', active: false, started: true, modulesDone: 7, certificate: cert('2026-06-01T00:00:00Z', '2028-06-01T00:00:00Z'), issued: ['2026-06-01T00:00:00Z'] }),
];

describe('HR dashboard figures', () => {
  it('counts a fixture organisation exactly (deactivated people left out)', () => {
    const d = computeDashboard(PEOPLE, {}, NOW);
    expect(d.headline).toEqual({ people: 5, certified: 2, inProgress: 1, notStarted: 1, overdue: 1, expired: 1, expiringSoon: 1, rate: 40 });
    expect(d.bySite).toEqual([
      { site: '翠湖天地', certified: 1, expired: 1, inProgress: 0, notStarted: 1 },
      { site: '阳光花园', certified: 1, expired: 0, inProgress: 1, notStarted: 0 },
    ]);
    expect(d.perMonth).toHaveLength(12);
    expect(d.perMonth.at(-1)).toEqual({ month: '2026-11', count: 1 });
    expect(d.perMonth[0]!.month).toBe('2025-12');
    expect(d.perMonth.find((m) => m.month === '2026-06')!.count).toBe(0); // f is deactivated
  });

  it('averages competencies and exam categories', () => {
    const d = computeDashboard(PEOPLE, {}, NOW);
    expect(d.competency.scenario).toEqual({ calmness: 60, empathy: 75, solution: 60 });
    // Rubric 1–5 as 0–100: calmness (5, 1) → (100, 0) → 50; empathy (3, 3) → 50; solution (4, 2) → (75, 25) → 50.
    expect(d.competency.observed).toEqual({ calmness: 50, empathy: 50, solution: 50 });
    expect(d.examByCategory).toEqual(cats(75));
    expect(d.examN).toBe(2);
  });

  it('every figure follows the filters', () => {
    const d = computeDashboard(PEOPLE, { site: '翠湖天地' }, NOW);
    expect(d.headline).toMatchObject({ people: 3, certified: 1, expired: 1, notStarted: 1, overdue: 0, rate: 33.3 });
    expect(d.bySite.map((r) => r.site)).toEqual(['翠湖天地']);
    expect(computeDashboard(PEOPLE, { cohortId: 'c1' }, NOW).headline).toMatchObject({ people: 2, overdue: 1 });
    expect(computeDashboard(PEOPLE, { hireMonth: '2026-10' }, NOW).headline.people).toBe(1);
    expect(computeDashboard(PEOPLE, { site: '不存在' }, NOW).headline).toMatchObject({ people: 0, rate: 0 });
  });

  it('searches, sorts and pages the people table', () => {
    const p = peoplePage(PEOPLE, { sort: 'exam', pageSize: 2 });
    expect(p).toMatchObject({ total: 5, pages: 3, page: 1 });
    expect(p.rows.map((r) => r.id)).toEqual(['a', 'b']);
    expect(peoplePage(PEOPLE, { q: 'D' }).rows.map((r) => r.id)).toEqual(['d']);
    expect(peoplePage(PEOPLE, { includeInactive: true }).total).toBe(6);
    expect(peoplePage(PEOPLE, { page: 99, pageSize: 2 }).page).toBe(3);
  });

  it('every headline figure opens a list of exactly the people it counts', () => {
    for (const filters of [{}, { site: '翠湖天地' }, { cohortId: 'c1' }]) {
      const h = computeDashboard(PEOPLE, filters, NOW).headline;
      for (const is of PEOPLE_STATUSES) {
        const listed = peoplePage(PEOPLE, { ...filters, status: { is, now: NOW } });
        expect(listed.total, `${is} ${JSON.stringify(filters)}`).toBe(h[is]);
      }
    }
    expect(peoplePage(PEOPLE, { status: { is: 'overdue', now: NOW } }).rows.map((r) => r.id)).toEqual(['b']);
    expect(peoplePage(PEOPLE, { status: { is: 'expiringSoon', now: NOW } }).rows.map((r) => r.id)).toEqual(['e']);
    // Deactivated people are listed only when asked for, as the table's "显示已停用".
    expect(selectPeople(PEOPLE, { status: { is: 'certified', now: NOW }, includeInactive: true }).map((p) => p.id).sort()).toEqual(['a', 'e', 'f']);
  });
});

describe('CSV export', () => {
  it('starts with a BOM, uses CRLF and quotes commas, quotes and line breaks', () => {
    const csv = toCsv([['姓名', '备注'], ['王小明', '说“好”,然后\n离开'], ['李"四', ' 前后空格 ']]);
    expect(csv.startsWith('\uFEFF姓名,备注\r\n')).toBe(true);
    expect(csv).toContain('王小明,"说“好”,然后\n离开"\r\n');
    expect(csv).toContain('"李""四"," 前后空格 "\r\n');
  });
  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell(95)).toBe('95');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('xAPI statements', () => {
  const input = {
    origin: 'https://kefu.example.com',
    person: { id: 'u1', name: '王小明' },
    modules: [{ chapter: 3, title: '客户服务技能提升', completedAt: '2026-11-01T00:00:00.000Z' }],
    scenarios: [{ recordId: 'att1', scenarioId: 'ceiling-leak', title: '楼上漏水', at: '2026-11-02T00:00:00.000Z', passed: true, outcome: 'resolved', scores: { calmness: 88, empathy: 100, solution: 89, overall: 92 } }],
    exams: [{ recordId: 'ex1', at: '2026-11-03T00:00:00.000Z', percent: 85, passed: true }],
    certificates: [{ recordId: 'c1', title: '物业客服上岗认证', issuedAt: '2026-11-03T01:00:00.000Z' }],
    checks: [
      { recordId: 'k1', chapter: 3, title: '客户服务技能提升', at: '2026-10-31T00:00:00.000Z', correct: 2, total: 5, passed: false },
      { recordId: 'k2', chapter: 3, title: '客户服务技能提升', at: '2026-11-01T00:00:00.000Z', correct: 5, total: 5, passed: true },
    ],
    ratings: [{ recordId: 'o1', sessionId: 'live1', scenarioId: 'ceiling-leak', title: '楼上漏水', at: '2026-11-02T02:00:00.000Z', calmness: 4, empathy: 5, solution: 3, instructor: { id: 't1', name: '刘志强' } }],
    revocations: [{ recordId: 'c1', earnedRecordId: 'c1', at: '2026-11-20T00:00:00.000Z', by: { id: 'h1', name: '陈丽华' }, reason: '违规' }],
  };
  const statements = statementsFor(input);
  const iri = /^https?:\/\/\S+$/;
  const by = (verb: string) => statements.filter((s) => s.verb.id.endsWith(verb));
  it('carry the fields xAPI 1.0.3 requires', () => {
    expect(statements).toHaveLength(8);
    for (const s of statements) {
      expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(s.version).toBe('1.0.3');
      expect(s.actor.objectType).toBe('Agent');
      expect(s.actor.account.homePage).toMatch(iri);
      expect(s.actor.account.name).toMatch(/^(u1|h1)$/);
      expect(s.verb.id).toMatch(iri);
      expect(Object.keys(s.verb.display).length).toBeGreaterThan(0);
      if (s.object.objectType === 'Activity') {
        expect(s.object.id).toMatch(iri);
        expect(s.object.definition.type).toMatch(iri);
      } else {
        expect(s.object.id).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(Number.isNaN(Date.parse(s.timestamp))).toBe(false);
      if (s.result?.score) {
        expect(s.result.score.scaled).toBeGreaterThanOrEqual(-1);
        expect(s.result.score.scaled).toBeLessThanOrEqual(1);
        if (s.result.score.raw !== undefined) {
          expect(s.result.score.raw).toBeGreaterThanOrEqual(s.result.score.min!);
          expect(s.result.score.raw).toBeLessThanOrEqual(s.result.score.max!);
        }
      }
    }
  });
  it('describe each learning record with the right verb and result', () => {
    expect(by('/completed')[0]!.object.id).toBe('https://kefu.example.com/xapi/activities/module/3');
    const play = statements.find((s) => s.object.id === 'https://kefu.example.com/xapi/activities/scenario/ceiling-leak' && s.verb.id.endsWith('/passed'))!;
    expect(play.result!.extensions).toEqual({
      'https://kefu.example.com/xapi/extensions/calmness': 88,
      'https://kefu.example.com/xapi/extensions/empathy': 100,
      'https://kefu.example.com/xapi/extensions/solution': 89,
    });
    expect(by('/passed').map((s) => s.result!.score!.scaled)).toEqual([1, 0.92, 0.85]);
    const earned = by('/earned')[0]!;
    expect(earned.object.objectType === 'Activity' && earned.object.definition.name['zh-CN']).toBe('物业客服上岗认证');
  });
  it('give exactly one statement per attempt result (no "attempted" beside "passed"/"failed")', () => {
    expect(by('/attempted')).toEqual([]);
    const results = statements.filter((s) => s.result?.success !== undefined);
    // Two knowledge checks, one role-play, one exam: four attempts, four results.
    expect(results).toHaveLength(4);
    expect(new Set(results.map((s) => `${s.object.id} ${s.timestamp}`)).size).toBe(4);
  });
  it('export knowledge-check attempts, passed and failed, with their score', () => {
    const checks = statements.filter((s) => s.object.id === 'https://kefu.example.com/xapi/activities/module/3/check');
    expect(checks.map((s) => [s.verb.id, s.result!.success, s.result!.score])).toEqual([
      ['http://adlnet.gov/expapi/verbs/failed', false, { scaled: 0.4, raw: 2, min: 0, max: 5 }],
      ['http://adlnet.gov/expapi/verbs/passed', true, { scaled: 1, raw: 5, min: 0, max: 5 }],
    ]);
  });
  it('export classroom ratings for the rated agent, with the rater as instructor and the session as parent', () => {
    const [r, ...more] = by('/scored');
    expect(more).toEqual([]);
    expect(r!.verb.id).toBe('http://adlnet.gov/expapi/verbs/scored');
    expect(r!.actor.account.name).toBe('u1');
    expect(r!.result!.score).toEqual({ scaled: 0.75, raw: 12, min: 3, max: 15 });
    expect(r!.result!.extensions).toEqual({
      'https://kefu.example.com/xapi/extensions/rubric/calmness': 4,
      'https://kefu.example.com/xapi/extensions/rubric/empathy': 5,
      'https://kefu.example.com/xapi/extensions/rubric/solution': 3,
    });
    expect(r!.context!.instructor!.account.name).toBe('t1');
    expect(r!.context!.contextActivities!.parent![0]!.id).toBe('https://kefu.example.com/xapi/activities/live/live1');
  });
  it('export a revocation as the revoker retracting the earned statement', () => {
    const [r] = by('/retract');
    expect(r!.verb.id).toBe('http://activitystrea.ms/schema/1.0/retract');
    expect(r!.actor.account.name).toBe('h1');
    expect(r!.object).toEqual({ objectType: 'StatementRef', id: by('/earned')[0]!.id });
    expect(r!.context!.extensions).toEqual({ 'https://kefu.example.com/xapi/extensions/reason': '违规' });
  });
  it('have stable ids, so a re-export does not duplicate records in an LRS', () => {
    expect(statementId('x')).toBe(statementId('x'));
    expect(statementId('x')).not.toBe(statementId('y'));
    const again = statementsFor(structuredClone(input));
    expect(again.map((s) => s.id)).toEqual(statements.map((s) => s.id));
    expect(new Set(statements.map((s) => s.id)).size).toBe(statements.length);
  });
});
