import { withStorage } from '../../src/app/runtime';
// The business rules, each defined once in its domain (issue 13): pure
// functions tested at their edges, without a store.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import {
  certificateStatus,
  isInForce,
  isStanding,
  latestCertificate,
  roundStart,
  certificationProgress,
  isPrerequisite,
  overallProgress,
  scenariosNeeded,
  parseCertificationRules,
  loadCertificationRules,
  type MissingItem,
} from '../../src/certification';
import { foldCheckAttempt, shouldRecordOpen, completedChapters, REOPEN_WINDOW_MS } from '../../src/modules';
import { observationKey, replacesObservation } from '../../src/live';
import { examEligibility } from '../../src/quiz';
import { ContentError } from '../../src/content/problems';
import { t } from '../../src/i18n';
import { BadRequest, api, refusal, statusFor } from '../../src/app/http';
import { Conflict, Forbidden, Invalid, NotFound } from '../../src/app/errors';
import { cohortRows } from '../../src/app/cohort-service';
import { testRuntime } from './runtime-helper';

// The library's ids: the real certification.yaml names its required and pool scenarios.
const SCENARIO_IDS = new Set(readdirSync('content/scenarios').map((f) => f.replace(/\.ya?ml$/, '')));
const yaml = readFileSync('content/certification.yaml', 'utf8');
const file = (text: string) => ({ path: 'content/certification.yaml', text });

describe('certificate validity', () => {
  const expiresAt = '2028-11-28T08:00:00.000Z';
  const at = (iso: string) => new Date(iso);

  it('is in force until the instant it expires, and not at that instant', () => {
    expect(isInForce({ expiresAt }, at('2028-11-28T07:59:59.999Z'))).toBe(true);
    expect(isInForce({ expiresAt }, at(expiresAt))).toBe(false);
    expect(certificateStatus({ expiresAt }, at(expiresAt))).toBe('expired');
  });

  it('a revoked or superseded certificate is never in force, even before it expires', () => {
    const before = at('2027-01-01T00:00:00Z');
    expect(isInForce({ expiresAt, revokedAt: '2026-12-01T00:00:00Z' }, before)).toBe(false);
    expect(isInForce({ expiresAt, supersededBy: 'newer' }, before)).toBe(false);
    expect(certificateStatus({ expiresAt, revokedAt: 'x', supersededBy: 'y' }, before)).toBe('superseded');
  });

  it('standing (for the round) ignores expiry but not revocation or replacement', () => {
    expect(isStanding({ expiresAt })).toBe(true);
    expect(isStanding({ expiresAt, revokedAt: 'x' })).toBe(false);
    expect(isStanding({ expiresAt, supersededBy: 'y' })).toBe(false);
    expect(roundStart([{ expiresAt }, { expiresAt: '2030-01-01T00:00:00.000Z', revokedAt: 'x' }])).toBe(expiresAt);
  });

  it('the record shows the newest certificate not replaced, revoked or expired ones included', () => {
    const old = { id: 'a', issuedAt: '2026-01-01T00:00:00Z', expiresAt, supersededBy: 'b' };
    const revoked = { id: 'b', issuedAt: '2026-02-01T00:00:00Z', expiresAt, revokedAt: '2026-03-01T00:00:00Z' };
    const earlier = { id: 'c', issuedAt: '2025-06-01T00:00:00Z', expiresAt: '2026-06-01T00:00:00Z' };
    expect(latestCertificate([old, earlier, revoked])?.id).toBe('b');
    expect(latestCertificate([old])).toBeUndefined();
  });
});

describe('module completion', () => {
  const fail = { chapter: 3, percent: 40, passed: false, at: '2026-11-28T08:00:00.000Z' };
  const pass = { chapter: 3, percent: 80, passed: true, at: '2026-11-28T09:00:00.000Z' };

  it('a first check starts the record; a failed one does not complete the module', () => {
    expect(foldCheckAttempt(undefined, fail)).toEqual({ chapter: 3, openedAt: fail.at, lastOpenedAt: fail.at, bestPercent: 40 });
  });

  it('a pass after a fail completes it at the pass; a later pass keeps the first completedAt', () => {
    const afterPass = foldCheckAttempt(foldCheckAttempt(undefined, fail), pass);
    expect(afterPass.completedAt).toBe(pass.at);
    const again = foldCheckAttempt(afterPass, { ...pass, percent: 100, at: '2026-11-29T09:00:00.000Z' });
    expect(again).toMatchObject({ completedAt: pass.at, bestPercent: 100 });
  });

  it('the best percent never drops, and a failed check after completion leaves it completed', () => {
    const done = foldCheckAttempt(undefined, { ...pass, percent: 100 });
    expect(foldCheckAttempt(done, fail)).toMatchObject({ bestPercent: 100, completedAt: pass.at });
  });

  it('keeps the other fields of the stored record and returns a new object', () => {
    const stored = { userId: 'u1', chapter: 3, openedAt: fail.at, lastOpenedAt: fail.at };
    const next = foldCheckAttempt(stored, pass);
    expect(next).toMatchObject({ userId: 'u1', openedAt: fail.at, completedAt: pass.at });
    expect(stored).not.toHaveProperty('completedAt');
  });

  it('a re-open is recorded from 60 s after the last one, not at 59.999 s', () => {
    const last = { lastOpenedAt: '2026-11-28T08:00:00.000Z' };
    expect(REOPEN_WINDOW_MS).toBe(60_000);
    expect(shouldRecordOpen(undefined, new Date('2026-11-28T08:00:00.000Z'))).toBe(true);
    expect(shouldRecordOpen(last, new Date('2026-11-28T08:00:59.999Z'))).toBe(false);
    expect(shouldRecordOpen(last, new Date('2026-11-28T08:01:00.000Z'))).toBe(true);
    // A clock stepped back by less than the window is not a new open either.
    expect(shouldRecordOpen(last, new Date('2026-11-28T07:59:30.000Z'))).toBe(false);
  });

  it('completed chapters are those with a completion time', () => {
    expect(completedChapters([{ chapter: 1, completedAt: 'x' }, { chapter: 2 }, { chapter: 5, completedAt: 'y' }])).toEqual([1, 5]);
  });
});

describe('one score per rater', () => {
  const a = { sessionId: 's1', agentId: 'agent', raterId: 'rater' };

  it('a second score by the same rater for the same agent and session replaces the first', () => {
    expect(replacesObservation({ ...a }, a)).toBe(true);
    expect(observationKey(a)).toBe(observationKey({ ...a }));
  });

  it('another rater, agent or session is a score of its own', () => {
    expect(replacesObservation({ ...a, raterId: 'other' }, a)).toBe(false);
    expect(replacesObservation({ ...a, agentId: 'other' }, a)).toBe(false);
    expect(replacesObservation({ ...a, sessionId: 's2' }, a)).toBe(false);
  });

  it('ids cannot run together into another slot', () => {
    expect(observationKey({ sessionId: 's|1', agentId: 'a', raterId: 'r' })).not.toBe(observationKey({ sessionId: 's', agentId: '1|a', raterId: 'r' }));
  });
});

describe('the exam gate: a structured missing list', () => {
  const rules = loadCertificationRules(file(yaml), SCENARIO_IDS);
  const pass = { passed: true, calmness: 90, empathy: 90, solution: 90 };
  const input = (over: Partial<Parameters<typeof certificationProgress>[1]> = {}) => ({
    completedChapters: new Set([1, 2, 3, 4, 5, 6, 7]),
    allChapters: [1, 2, 3, 4, 5, 6, 7],
    scenarioBest: new Map([['ceiling-leak', pass], ['fee-refusal', pass], ['fire-report', pass]]),
    scenarioTitles: new Map([['ceiling-leak', '楼上漏水']]),
    examPassed: false,
    ...over,
  });

  it('lists modules, scenarios and the exam as data, the exam last', () => {
    const p = certificationProgress(rules, input({ completedChapters: new Set([1, 2, 4, 5, 6, 7]), scenarioBest: new Map() }));
    expect(p.missing).toEqual([
      { kind: 'module', chapter: 3 },
      { kind: 'scenario', id: 'ceiling-leak', title: '楼上漏水' },
      { kind: 'more-scenarios', count: 1 },
      { kind: 'exam' },
    ]);
  });

  it('includes the exam until it is passed, and excludes it after', () => {
    expect(certificationProgress(rules, input()).missing).toEqual([{ kind: 'exam' }]);
    expect(certificationProgress(rules, input({ examPassed: true })).missing).toEqual([]);
  });

  it('the exam is never a prerequisite of itself: the gate opens on kind, whatever the wording', () => {
    const missing = certificationProgress(rules, input()).missing;
    expect(missing.filter(isPrerequisite)).toEqual([]);
    const bp = { attemptsAllowed: 3, hoursBetweenAttempts: 24 } as Parameters<typeof examEligibility>[0]['blueprint'];
    const gate = (m: MissingItem[]) => examEligibility({ blueprint: bp, now: new Date(), attempts: [], prerequisitesMissing: m.filter(isPrerequisite), waived: false, hasValidCertificate: false });
    expect(gate(missing)).toMatchObject({ ok: true });
    const chapter3 = certificationProgress(rules, input({ completedChapters: new Set([1, 2, 4, 5, 6, 7]) })).missing;
    expect(gate(chapter3)).toEqual({ ok: false, reason: 'prerequisites', missing: [{ kind: 'module', chapter: 3 }] });
  });

  it('is worded in one place, src/i18n, as the pages always showed it', () => {
    expect(([{ kind: 'module', chapter: 3 }, { kind: 'scenario', id: 'ceiling-leak', title: '楼上漏水' }, { kind: 'more-scenarios', count: 2 }, { kind: 'exam' }] as MissingItem[]).map(t.cert.missing)).toEqual([
      '完成第 3 章课程',
      '在考核模式下通过情景演练“楼上漏水”',
      '在考核模式下再通过 2 个其他情景演练',
      '通过结业考试',
    ]);
  });
});

describe('progress weights from content/certification.yaml', () => {
  const facts = { modulesDone: 7, modulesTotal: 7, scenariosPassed: 1, examPassed: false };
  const withWeights = (w: string) => yaml.replace(/^progress:\n(?: {2}.*\n)+/m, w);

  it('the content keeps today\'s numbers: modules 50, role-plays 30 (of the 3 needed), exam 20', () => {
    const rules = loadCertificationRules(file(yaml), SCENARIO_IDS);
    expect(rules.progress).toEqual({ modules: 50, scenarios: 30, exam: 20 });
    expect(scenariosNeeded(rules)).toBe(3);
    expect(overallProgress(rules, facts)).toBe(60);
    expect(overallProgress(rules, { modulesDone: 7, modulesTotal: 7, scenariosPassed: 5, examPassed: true })).toBe(100);
    expect(overallProgress(rules, { modulesDone: 0, modulesTotal: 7, scenariosPassed: 0, examPassed: false })).toBe(0);
  });

  it('without a progress block the defaults apply', () => {
    const rules = loadCertificationRules(file(withWeights('')), SCENARIO_IDS);
    expect(rules.progress).toEqual({ modules: 50, scenarios: 30, exam: 20 });
  });

  it('other weights in the file change the progress', () => {
    const rules = loadCertificationRules(file(withWeights('progress:\n  modules: 20\n  scenarios: 30\n  exam: 50\n')), SCENARIO_IDS);
    expect(overallProgress(rules, facts)).toBe(30);
    expect(overallProgress(rules, { ...facts, examPassed: true })).toBe(80);
  });

  it('weights that do not add up to 100 are a content error naming the file, the path and the fix', () => {
    const r = parseCertificationRules(file(withWeights('progress:\n  modules: 50\n  scenarios: 30\n  exam: 30\n')), SCENARIO_IDS);
    expect(r.rules).toBeUndefined();
    expect(r.problems).toEqual([{ file: 'content/certification.yaml', path: 'progress', message: expect.stringMatching(/add up to 110, not 100.*sum to 100/) }]);
    expect(() => loadCertificationRules(file(withWeights('progress:\n  modules: 10\n')), SCENARIO_IDS)).toThrow(ContentError);
  });

  it("the trainer's cohort table weighs progress by the file's weights", async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const trainer = (await rt.store.getUserByUsername('trainer'))!;
    const sun = (await rt.store.getUserByUsername('sun.hao'))!;
    const cohort = await rt.store.createCohort({ name: '权重班', trainerId: trainer.id, traineeIds: [sun.id], createdAt: now.toISOString() }, trainer.id);
    for (const m of rt.course.modules) {
      await rt.store.recordCheckAttempt({ userId: sun.id, chapter: m.chapter, results: [], correct: 5, total: 5, percent: 100, passed: true, at: now.toISOString() });
    }
    // Every module done, no role-play, no exam: the modules' weight.
    expect((await cohortRows(rt, cohort, now))[0]!.progress).toBe(50);
    const weighed = withStorage({ ...rt, certification: loadCertificationRules(file(withWeights('progress:\n  modules: 20\n  scenarios: 30\n  exam: 50\n')), new Set(rt.scenarios.list.map((s) => s.def.id))) }, rt.store);
    expect((await cohortRows(weighed, cohort, now))[0]!.progress).toBe(20);
  });

  it('a weight of the wrong type names its path', () => {
    const r = parseCertificationRules(file(withWeights('progress:\n  modules: half\n  scenarios: 30\n  exam: 20\n')), SCENARIO_IDS);
    expect(r.problems).toEqual([expect.objectContaining({ file: 'content/certification.yaml', path: 'progress.modules' })]);
  });
});

describe('domain errors, mapped once', () => {
  it('each kind gets its status; the wording comes from the code in src/i18n', () => {
    expect(refusal(new Invalid('waiverNoReason'))).toEqual({ status: 400, message: t.refusals.waiverNoReason, code: 'waiverNoReason' });
    expect(refusal(new Forbidden('waiverOutOfScope'))).toMatchObject({ status: 403 });
    expect(refusal(new NotFound('examNotFound'))).toMatchObject({ status: 404, message: '没有这次考试' });
    expect(refusal(new Conflict('examCannotStart', 'attempts'))).toEqual({ status: 409, message: '现在不能开始考试（attempts）', code: 'examCannotStart' });
    expect(statusFor('conflict')).toBe(409);
  });

  it('BadRequest keeps working beside them, and anything else is not a refusal (a 500)', () => {
    expect(refusal(new BadRequest('提交的内容过大', 413))).toEqual({ status: 413, message: '提交的内容过大' });
    expect(new Conflict('examSubmitted')).toBeInstanceOf(BadRequest);
    expect(refusal(new Error('bug'))).toBeUndefined();
    expect(refusal('thrown string')).toBeUndefined();
  });

  it('an API answers a domain error with its status, message and code as JSON', async () => {
    const res = await api(async () => {
      throw new NotFound('examNotFound');
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: '没有这次考试', code: 'examNotFound' });
    await expect(api(async () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
  });
});
