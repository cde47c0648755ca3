// The trainer, live and admin pages read through view functions (src/app):
// rendering a page writes nothing, and a page that names people asks only for
// the names it shows, never a list of every account.
import { describe, it, expect } from 'vitest';
import { testRuntime, watchedRuntime } from './runtime-helper';
import type { Runtime } from '../../src/app/runtime';
import { workbenchView, cohortsView, cohortView, traineeRecordView } from '../../src/app/trainer-view';
import { phoneView } from '../../src/app/live-view';
import { usersListView, accountFormView, accountEditView, auditLogView } from '../../src/app/admin-view';
import { openLiveSessionsFor, waiverPageView } from '../../src/app/views';
import { createLiveSession, joinByCode, viewFor, sessionForTrainer } from '../../src/app/live-service';

const NOW = new Date('2026-11-28T08:00:00Z');
/** Methods of the ports that only read. */
const READS = /^(get|list|find|is|namesOf$|openPlay$|latestCheckAttempt$|cohortsOf$|traineeRecords$|searchUsers$)/;

/** The runtime with its storage watched: every call by name and arguments, and the names of those that write. */
function watched(rt: Runtime) {
  const { rt: spied, calls } = watchedRuntime(rt);
  return { rt: spied, calls, writes: () => calls.filter((c) => !READS.test(c.name)).map((c) => c.name) };
}

/** A cohort of 刘志强 with two trainees, a pair session they joined and a score 孙浩 gave 李晓婷. */
async function classroom() {
  const base = await testRuntime(NOW);
  const s = base.store;
  const by = async (username: string) => (await s.getUserByUsername(username))!;
  const [trainer, admin, li, sun] = [await by('trainer'), await by('admin'), await by('li.xiaoting'), await by('sun.hao')];
  const cohort = await s.createCohort({ name: '十一月新员工', trainerId: trainer.id, traineeIds: [li.id, sun.id], createdAt: NOW.toISOString() }, trainer.id);
  const session = await createLiveSession(base, trainer, cohort.id, base.scenarios.list[0]!.def.id, 'pairs', NOW);
  await joinByCode(base, li, session.code);
  await joinByCode(base, sun, session.code);
  await s.addObservation({ sessionId: session.id, cohortId: cohort.id, scenarioId: session.scenarioId, agentId: li.id, raterId: sun.id, calmness: 4, empathy: 5, solution: 3, comment: '', at: NOW.toISOString() });
  return { base, trainer, admin, li, sun, cohort: (await s.getCohort(cohort.id))!, session: (await s.getLiveSession(session.id))! };
}

describe('staff pages through view functions', () => {
  it('rendering the trainer, live and admin pages writes nothing', async () => {
    const { base, trainer, admin, li, cohort, session } = await classroom();
    const { rt, writes, calls } = watched(base);
    const q = new URLSearchParams('sort=name&filter=all');
    await workbenchView(rt, trainer);
    await cohortsView(rt, trainer, '', NOW);
    await cohortsView(rt, admin, '', NOW);
    await cohortView(rt, trainer, cohort, q, NOW);
    await traineeRecordView(rt, cohort, li.id);
    await waiverPageView(rt, trainer, NOW);
    await phoneView(rt, li, session.id);
    await openLiveSessionsFor(rt, li);
    await viewFor(rt, (await sessionForTrainer(rt, trainer, session.id))!, { userId: trainer.id, full: true });
    await usersListView(rt, new URLSearchParams('role=trainee&q=李&page=2'));
    await accountFormView(rt);
    await accountEditView(rt, li.id);
    await auditLogView(rt, new URLSearchParams('actor=trainer'));
    expect(calls.length).toBeGreaterThan(20);
    expect(writes()).toEqual([]);
  });

  it('the cohort pages and the trainee record ask only for the names they show', async () => {
    const { base, trainer, admin, li, sun, cohort } = await classroom();
    const { rt, calls } = watched(base);
    const everyone = () => calls.filter((c) => c.name === 'listUsers' && (c.args[0] as { includeInactive?: boolean } | undefined)?.includeInactive);

    const list = await cohortsView(rt, admin, '', NOW);
    expect(list.trainerNames).toEqual(new Map([[trainer.id, '刘志强']]));
    const page = await cohortView(rt, trainer, cohort, new URLSearchParams(), NOW);
    expect(page.sessions[0]!.rubric.map((r) => r.agentId)).toEqual([li.id]);
    expect(page.agentNames).toEqual(new Map([[li.id, '李晓婷']]));
    const record = (await traineeRecordView(rt, cohort, li.id))!;
    expect(record.raterNames).toEqual(new Map([[sun.id, '孙浩']]));
    expect(everyone()).toEqual([]);
    expect(calls.filter((c) => c.name === 'namesOf')).toHaveLength(3);
  });

  it('the trainee record is read through the cohort: nobody outside it', async () => {
    const { base, cohort } = await classroom();
    const outsider = (await base.store.getUserByUsername('zhang.wei'))!;
    expect(await traineeRecordView(base, cohort, outsider.id)).toBeUndefined();
    expect(await traineeRecordView(base, cohort, 'no-such-id')).toBeUndefined();
  });
});
