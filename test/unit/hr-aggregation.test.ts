// The one-pass figures agree with the plain definitions: the dashboard's
// counts and means recomputed figure by figure, and the best role-play per
// scenario as summariseAttempts (src/scenarios) reads it.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { computeDashboard, applyFilters, certState, expiresSoon, type PersonFacts, type HrFilters } from '../../src/hr';
import { bestPerScenario } from '../../src/hr/facts';
import { summariseAttempts } from '../../src/scenarios';
import { rubricToPercent } from '../../src/live';
import { localDay, localMonth } from '../../src/i18n';

const NOW = new Date('2026-11-28T08:00:00Z');
// Any hour, and often the hours either side of a month's first midnight in Beijing (16:00 UTC the day before), where a UTC month is the wrong one.
const anyHour = fc.integer({ min: -800 * 24, max: 200 * 24 }).map((h) => new Date(NOW.getTime() + h * 3_600_000).toISOString());
const monthEdge = fc.tuple(fc.integer({ min: -12, max: 1 }), fc.integer({ min: -10, max: 10 })).map(([m, h]) => new Date(Date.UTC(2026, 10 + m, 1) + (h - 8) * 3_600_000).toISOString());
const day = fc.oneof(anyHour, monthEdge);
const MONTHS = ['2025-12', ...Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)];
const score = fc.integer({ min: 0, max: 100 });
const rubric = fc.integer({ min: 1, max: 5 });
const person: fc.Arbitrary<PersonFacts> = fc.record({
  id: fc.uuid(),
  name: fc.constantFrom('王伟', '李娜', '张敏', '刘强'),
  username: fc.string({ minLength: 1, maxLength: 4 }),
  site: fc.constantFrom('阳光花园', '翠湖天地', '金色家园', ''),
  department: fc.constantFrom('客服部', '工程部'),
  hireDate: fc.option(day.map((d) => d.slice(0, 10)), { nil: undefined }),
  active: fc.boolean(),
  cohortIds: fc.subarray(['c1', 'c2']),
  cohortNames: fc.constant([]),
  dueDate: fc.option(day.map((d) => d.slice(0, 10)), { nil: undefined }),
  modulesDone: fc.integer({ min: 0, max: 7 }),
  modulesTotal: fc.constant(7),
  started: fc.boolean(),
  scenarioBest: fc.array(fc.record({ scenarioId: fc.string(), passed: fc.boolean(), calmness: score, empathy: score, solution: score }), { maxLength: 3 }),
  observed: fc.array(fc.record({ calmness: rubric, empathy: rubric, solution: rubric }), { maxLength: 2 }),
  exam: fc.option(fc.record({ percent: score, passed: fc.boolean(), at: day, byCategory: fc.record({ law: score, process: score, cases: score, professionalism: score }) }), { nil: undefined }),
  certificate: fc.option(fc.record({ id: fc.uuid(), code: fc.constant('X'), issuedAt: day, expiresAt: day, status: fc.constantFrom('valid' as const, 'expired' as const, 'revoked' as const, 'superseded' as const) }), { nil: undefined }),
  issued: fc.array(day, { maxLength: 2 }),
});
const filters: fc.Arbitrary<HrFilters> = fc.record({ site: fc.constantFrom(undefined, '阳光花园', ''), cohortId: fc.constantFrom(undefined, 'c1'), hireMonth: fc.constantFrom(undefined, '2026-11', '2025-03') }, { requiredKeys: [] });

/** The dashboard as its definitions read, one figure at a time (the shape the one-pass version replaced). */
function reference(all: PersonFacts[], f: HrFilters) {
  const people = applyFilters(all, f).filter((p) => p.active);
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);
  const count = (s: string) => people.filter((p) => certState(p) === s).length;
  const bests = people.flatMap((p) => p.scenarioBest);
  const obs = people.flatMap((p) => p.observed);
  const exams = people.flatMap((p) => (p.exam ? [p.exam] : []));
  return {
    people: people.length,
    certified: count('certified'),
    overdue: people.filter((p) => p.dueDate && p.dueDate < localDay(NOW) && certState(p) !== 'certified').length,
    expiringSoon: people.filter((p) => p.certificate && expiresSoon(p.certificate, NOW)).length,
    sites: [...new Set(people.map((p) => p.site))].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    issuedThisMonth: people.reduce((n, p) => n + p.issued.filter((d) => localMonth(d) === '2026-11').length, 0),
    // The 12 months up to NOW's, counted by the month in the organisation's zone.
    perMonth: MONTHS.map((month) => ({ month, count: people.reduce((n, p) => n + p.issued.filter((d) => localMonth(d) === month).length, 0) })),
    calmness: mean(bests.map((b) => b.calmness)),
    observedEmpathy: mean(obs.map((o) => rubricToPercent(o.empathy))),
    law: mean(exams.map((e) => e.byCategory.law)),
  };
}

describe('HR figures in one pass', () => {
  it('computeDashboard gives the figures their definitions give, for any people and filters', () => {
    fc.assert(
      fc.property(fc.array(person, { maxLength: 30 }), filters, (all, f) => {
        const d = computeDashboard(all, f, NOW);
        const r = reference(all, f);
        expect(d.headline.people).toBe(r.people);
        expect(d.headline.certified).toBe(r.certified);
        expect(d.headline.overdue).toBe(r.overdue);
        expect(d.headline.expiringSoon).toBe(r.expiringSoon);
        expect(d.bySite.map((s) => s.site)).toEqual(r.sites);
        expect(d.bySite.reduce((n, s) => n + s.certified + s.expired + s.inProgress + s.notStarted, 0)).toBe(r.people);
        expect(d.perMonth.at(-1)).toEqual({ month: '2026-11', count: r.issuedThisMonth });
        expect(d.perMonth).toEqual(r.perMonth);
        expect(d.competency.scenario.calmness).toBe(r.calmness);
        expect(d.competency.observed.empathy).toBe(r.observedEmpathy);
        expect(d.examByCategory.law).toBe(r.law);
      }),
    );
  });

  it('bestPerScenario picks what summariseAttempts picks: the earliest of the best scores, passed if any attempt passed', () => {
    const attempt = fc.record({ id: fc.uuid(), scenarioId: fc.constantFrom('a', 'b', 'c'), at: fc.constantFrom('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'), outcome: fc.constant('resolved' as const), scores: fc.record({ calmness: score, empathy: score, solution: score, overall: fc.integer({ min: 60, max: 62 }), passed: fc.boolean() }) });
    fc.assert(
      fc.property(fc.array(attempt, { maxLength: 12 }), (attempts) => {
        const expected = [...summariseAttempts(attempts as never)].map(([scenarioId, h]) => ({ scenarioId, passed: h.passed, calmness: h.best.calmness, empathy: h.best.empathy, solution: h.best.solution }));
        const byId = (xs: Array<{ scenarioId: string }>) => [...xs].sort((x, y) => x.scenarioId.localeCompare(y.scenarioId));
        expect(byId(bestPerScenario(attempts as never))).toEqual(byId(expected));
      }),
    );
  });
});
