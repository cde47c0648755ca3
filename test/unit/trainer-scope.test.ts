import { auditOf } from './helpers';
import { describe, it, expect } from 'vitest';
import { enrolmentScope, isOpenCohort, wasMemberBy } from '../../src/cohorts';
import { testRuntime } from './runtime-helper';
import { waivePrerequisites } from '../../src/app/exam-service';

const TODAY = '2026-11-28';
const person = (id: string, site = '阳光花园', over: Partial<{ role: string; active: boolean }> = {}) => ({ id, site, role: 'trainee', active: true, ...over });
const trainer = { id: 'tr', role: 'trainer', site: '阳光花园' };
const cohort = (trainerId: string, traineeIds: string[], dueDate?: string) => ({ trainerId, traineeIds, dueDate, createdAt: '2026-11-01T00:00:00Z' });

describe('whom a trainer may enrol (enrolmentScope)', () => {
  it('an active trainee of the trainer\'s own site who is in no other trainer\'s open cohort', () => {
    const may = enrolmentScope(trainer, [cohort('tr', ['mine']), cohort('other', ['held']), cohort('other', ['was'], '2026-11-27')], TODAY);
    expect(may(person('free'))).toBe(true);
    expect(may(person('mine'))).toBe(true);
    expect(may(person('held'))).toBe(false);
    // The other trainer's cohort is past its due date: no longer open.
    expect(may(person('was'))).toBe(true);
    expect(may(person('free', '翠湖天地'))).toBe(false);
    expect(may(person('free', '阳光花园', { active: false }))).toBe(false);
    expect(may(person('free', '阳光花园', { role: 'trainer' }))).toBe(false);
  });
  it('an admin may enrol any active trainee; HR and trainers without a site, no one', () => {
    const cohorts = [cohort('other', ['held'])];
    expect(enrolmentScope({ id: 'a', role: 'admin', site: '' }, cohorts, TODAY)(person('held', '翠湖天地'))).toBe(true);
    expect(enrolmentScope({ id: 'h', role: 'hr', site: '阳光花园' }, cohorts, TODAY)(person('free'))).toBe(false);
    expect(enrolmentScope({ id: 't', role: 'trainer', site: '' }, cohorts, TODAY)(person('free', ''))).toBe(false);
  });
  it('a cohort is open until its due date has passed', () => {
    expect(isOpenCohort({}, TODAY)).toBe(true);
    expect(isOpenCohort({ dueDate: TODAY }, TODAY)).toBe(true);
    expect(isOpenCohort({ dueDate: '2026-11-27' }, TODAY)).toBe(false);
  });
});

describe('membership history', () => {
  it('counts who was enrolled by a time, removed since or not; not one enrolled later', () => {
    const c = { ...cohort('tr', ['now']), members: [{ userId: 'gone', joinedAt: '2026-11-02T00:00:00Z', leftAt: '2026-11-03T00:00:00Z' }, { userId: 'now', joinedAt: '2026-11-05T00:00:00Z' }] };
    expect(wasMemberBy(c, 'gone', '2026-11-10T00:00:00Z')).toBe(true);
    expect(wasMemberBy(c, 'now', '2026-11-10T00:00:00Z')).toBe(true);
    expect(wasMemberBy(c, 'now', '2026-11-04T00:00:00Z')).toBe(false);
    expect(wasMemberBy(c, 'never', '2026-11-10T00:00:00Z')).toBe(false);
    // Cohorts from before the history was kept: their trainees joined at creation.
    expect(wasMemberBy(cohort('tr', ['old']), 'old', '2026-11-01T00:00:00Z')).toBe(true);
  });

  it('the store keeps every stay with the audit entry in the same write; a waiver asks about the time of the request', async () => {
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await testRuntime(now);
    const tr = (await rt.store.getUserByUsername('trainer'))!;
    const sun = (await rt.store.getUserByUsername('sun.hao'))!;
    const c = await rt.store.createCohort({ name: '历史班', trainerId: tr.id, traineeIds: [], createdAt: now.toISOString() }, tr.id);
    const t1 = '2026-11-28T09:00:00.000Z';
    const t2 = '2026-11-28T10:00:00.000Z';
    // A waiver asked for before the enrolment is refused…
    await expect(waivePrerequisites(rt, tr, sun.id, '经验丰富', new Date('2026-11-28T08:30:00Z'))).rejects.toMatchObject({ status: 403 });
    await rt.store.enrol(c.id, [sun.id], tr.id, t1);
    await rt.store.unenrol(c.id, sun.id, tr.id, t2);
    expect((await rt.store.getCohort(c.id))!.members).toEqual([{ userId: sun.id, joinedAt: t1, leftAt: t2 }]);
    expect((await rt.store.getCohort(c.id))!.traineeIds).toEqual([]);
    expect((await auditOf(rt.store)).filter((a) => a.action.startsWith('cohort.')).map((a) => [a.action, a.targetId, a.at])).toEqual([
      ['cohort.create', c.id, now.toISOString()],
      ['cohort.enrol', sun.id, t1],
      ['cohort.remove', sun.id, t2],
    ]);
    // …one after it, by a former member, is granted.
    await waivePrerequisites(rt, tr, sun.id, '经验丰富', new Date('2026-11-28T11:00:00Z'));
    expect(await rt.store.getWaiver(sun.id)).toMatchObject({ by: tr.id });
  });
});
