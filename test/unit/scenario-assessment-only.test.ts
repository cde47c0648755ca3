// Assessment-only role-plays: never dealt in practice (the server refuses, not just the page),
// and the content check refuses one that no certification rule could ever deal.
import { describe, it, expect, afterEach } from 'vitest';
import { startPlay, takeStep } from '../../src/app/scenario-service';
import { createLiveSession } from '../../src/app/live-service';
import { parseCertificationRules } from '../../src/certification';
import { checkContent } from '../../src/content';
import { readContent } from '../../src/content/read';
import { choiceToken } from '../../src/scenarios';
import { t } from '../../src/i18n';
import { testRuntime } from './runtime-helper';

const now = new Date('2026-11-28T08:00:00Z');
const restore: Array<() => void> = [];
afterEach(() => restore.splice(0).forEach((f) => f()));

/** Marks a loaded scenario assessment-only for one test (the library is shared within this file). */
function markAssessmentOnly(rt: Awaited<ReturnType<typeof testRuntime>>, id: string) {
  const def = rt.scenarios.get(id)!.def;
  const was = def.assessmentOnly;
  def.assessmentOnly = true;
  restore.push(() => (def.assessmentOnly = was));
}

describe('an assessment-only scenario', () => {
  it('refuses a practice start with a clear 403, and writes no play', async () => {
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    markAssessmentOnly(rt, 'contract-expiry');
    await expect(startPlay(rt, user, 'contract-expiry', 'practice', now)).rejects.toMatchObject({ status: 403, message: t.play.errors.assessmentOnly, code: 'assessmentOnly' });
    expect(await rt.store.listPlays(user.id, 'contract-expiry')).toEqual([]);
    // Other scenarios are still practised as before.
    await expect(startPlay(rt, user, 'ceiling-leak', 'practice', now)).resolves.toMatchObject({ mode: 'practice' });
  });

  it('is played in assessment mode and its attempt counts as an assessment', async () => {
    const rt = await testRuntime(now);
    const user = (await rt.store.getUserByUsername('trainee'))!;
    markAssessmentOnly(rt, 'contract-expiry');
    const s = rt.scenarios.get('contract-expiry')!;
    const play = await startPlay(rt, user, 'contract-expiry', 'assessment', now);
    expect(play).toMatchObject({ mode: 'assessment' });
    expect(play.deadline).toBeDefined();
    let last;
    for (const [i, id] of s.analysis.bestPath.choices.entries()) last = await takeStep(rt, user, play.id, choiceToken(play.seed, i, id), i, now);
    expect(last!.attempt).toMatchObject({ mode: 'assessment', scenarioId: 'contract-expiry' });
    expect(last!.attempt!.scores.passed).toBe(true);
  });

  it('cannot be run as a classroom live session', async () => {
    const rt = await testRuntime(now);
    const trainer = (await rt.store.getUserByUsername('trainer'))!;
    const trainee = (await rt.store.getUserByUsername('trainee'))!;
    const cohort = await rt.store.createCohort({ name: '考核班', trainerId: trainer.id, traineeIds: [trainee.id], createdAt: now.toISOString() }, trainer.id);
    markAssessmentOnly(rt, 'contract-expiry');
    await expect(createLiveSession(rt, trainer, cohort.id, 'contract-expiry', 'vote', now)).rejects.toMatchObject({ status: 403 });
  });
});

describe('the content check on assessment-only scenarios', () => {
  const files = readContent(process.cwd());
  const ids = new Set(['ceiling-leak', 'fee-refusal', 'fire-report', 'exam-only-a', 'exam-only-b']);
  const cert = (pool: string) => ({ path: 'content/certification.yaml', text: `title: 物业客服上岗认证\nmodules: all\nscenarios:\n  required: [ceiling-leak]\n  additional: 1\n${pool}exam: passed\n` });

  it('refuses one that is neither required nor in the pool, naming file, path and fix', () => {
    const { problems } = parseCertificationRules(cert('  pool: { from: [exam-only-a], draw: 1 }\n'), ids, new Set(['exam-only-a', 'exam-only-b']));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'content/certification.yaml', path: 'scenarios.pool.from' });
    expect(problems[0]!.message).toMatch(/"exam-only-b" is assessment-only.*add it to scenarios\.pool\.from/);
    expect(parseCertificationRules(cert(''), ids, new Set(['exam-only-a'])).problems).toHaveLength(1);
  });

  it('accepts one that is in the pool or required', () => {
    expect(parseCertificationRules(cert('  pool: { from: [exam-only-a, exam-only-b], draw: 1 }\n'), ids, new Set(['exam-only-a', 'exam-only-b'])).problems).toEqual([]);
    expect(parseCertificationRules(cert(''), ids, new Set(['ceiling-leak'])).problems).toEqual([]);
  });

  it('the real content passes, and the summary says per scenario whether it is assessment-only', () => {
    const { problems, summary } = checkContent(files);
    expect(problems).toEqual([]);
    const only = summary.scenarios.filter((s) => s.assessmentOnly).map((s) => s.id);
    expect(summary.scenarioCount).toEqual({ total: summary.scenarios.length, assessmentOnly: only.length });
  });

  it('the real content fails when an assessment-only scenario is taken out of the pool', () => {
    const scenarios = files.scenarios.map((f) => (f.path.endsWith('/contract-expiry.yaml') ? { ...f, text: f.text.replace(/^difficulty:/m, 'assessmentOnly: true\ndifficulty:') } : f));
    const { problems } = checkContent({ ...files, scenarios });
    expect(problems.some((p) => p.file === 'content/certification.yaml' && p.message.includes('"contract-expiry" is assessment-only'))).toBe(true);
  });
});
