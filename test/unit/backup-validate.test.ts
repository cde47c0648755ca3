import { describe, it, expect } from 'vitest';
import { validateBackup, BackupError } from '../../src/store/backup';
import { storeProblems } from '../../src/store/schemas';
import { readStoreData } from '../../src/store';
import { seedDemoActivity } from '../../src/app/demo-activity';
import { createLiveSession, joinByCode, control, vote } from '../../src/app/live-service';
import { changeCertificate } from '../../src/app/certificate-service';
import { signInThrottle } from '../../src/auth/throttle';
import { testRuntime } from './runtime-helper';

const now = new Date('2026-11-28T08:00:00Z');
/** The demo company after a few weeks of training: every kind of record, as the services write them. */
async function demoStore() {
  const rt = await testRuntime(now);
  await seedDemoActivity(rt, now);
  // What the demo leaves empty: a sign-in session, a waiver, audit entries, a live class that ran and ended, a failed sign-in.
  const { store } = rt;
  await (await signInThrottle(store).begin('admin', '203.0.113.5', now.getTime())).done(false, now.getTime());
  const admin = (await store.listUsers({ role: 'admin' }))[0]!;
  await store.createSession({ idHash: 'h'.repeat(64), userId: admin.id, createdAt: now.toISOString(), lastSeenAt: now.toISOString() });
  const cohort = (await store.listCohorts())[0]!;
  await store.addWaiver({ userId: cohort.traineeIds[0]!, by: admin.id, reason: '测试', at: now.toISOString() });
  const cert = (await store.listAllCertificates({})).items[0]!;
  await changeCertificate(rt, admin, cert.id, 'revoke', '测试撤销原因', now);
  const trainer = (await store.getUser(cohort.trainerId))!;
  const live = await createLiveSession(rt, trainer, cohort.id, rt.scenarios.list[0]!.def.id, 'vote', now);
  const trainee = (await store.getUser(cohort.traineeIds[0]!))!;
  await joinByCode(rt, trainee, live.code);
  await control(rt, trainer, live.id, 'start', undefined, now);
  const first = rt.scenarios.list[0]!;
  const choice = first.def.nodes[first.def.start]!.choices![0]!.id;
  await vote(rt, trainee, live.id, choice);
  await control(rt, trainer, live.id, 'end', undefined, now);
  await store.addObservation({ sessionId: live.id, cohortId: cohort.id, scenarioId: first.def.id, agentId: trainee.id, raterId: trainer.id, calmness: 3, empathy: 4, solution: 5, comment: '', at: now.toISOString() });
  await rt.store.close();
  return readStoreData(rt.store.dataDir);
}
const refusal = (data: unknown) => {
  try {
    validateBackup(JSON.stringify(data));
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    return (e as Error).message;
  }
  return undefined;
};

describe('restore validates every record', () => {
  it('accepts the store as the services write it (every collection filled)', async () => {
    const data = await demoStore();
    expect(storeProblems(data as never)).toEqual([]);
    expect(refusal(data)).toBeUndefined();
    for (const [name, list] of Object.entries(data)) if (Array.isArray(list)) expect(list.length, name).toBeGreaterThan(0);
  });

  it('refuses a null user, a null exam attempt, a missing collection or a broken field, naming its place', async () => {
    const data = await demoStore();
    const clone = () => structuredClone(data) as any;
    let d = clone();
    d.users[3] = null;
    expect(refusal(d)).toMatch(/users\[3\]: .*expected object/);
    d = clone();
    d.examAttempts[0] = null;
    expect(refusal(d)).toMatch(/examAttempts\[0\]: /);
    d = clone();
    delete d.certificates;
    expect(refusal(d)).toMatch(/certificates: the collection is missing/);
    d = clone();
    d.users[3].username = null;
    expect(refusal(d)).toMatch(/users\[3\]\.username: /);
    d = clone();
    d.examAttempts[0].paper[2].order = 'abc';
    expect(refusal(d)).toMatch(/examAttempts\[0\]\.paper\[2\]\.order: /);
    d = clone();
    d.users[1].role = 'root';
    expect(refusal(d)).toMatch(/users\[1\]\.role: /);
  });

  it('refuses duplicate usernames, ids and certificate codes', async () => {
    const data = await demoStore();
    const clone = () => structuredClone(data) as any;
    const admin = data.users.findIndex((u) => u.role === 'admin');
    let d = clone();
    // A second account named like the administrator (which one signs in?): the administrator was locked out.
    d.users.push({ ...d.users[admin], id: 'another-id', role: 'trainee' });
    expect(refusal(d)).toMatch(new RegExp(`users\\[${d.users.length - 1}\\]\\.username: duplicate username .*\\(also users\\[${admin}\\]\\)`));
    d = clone();
    d.users.push({ ...d.users[0], username: 'someone.else' });
    expect(refusal(d)).toMatch(/users\[\d+\]\.id: duplicate id/);
    d = clone();
    d.examAttempts.push({ ...d.examAttempts[0] });
    expect(refusal(d)).toMatch(/examAttempts\[\d+\]\.id: duplicate id/);
    d = clone();
    expect(d.certificates.length).toBeGreaterThan(0);
    d.certificates.push({ ...d.certificates[0], id: 'another-certificate' });
    expect(refusal(d)).toMatch(/certificates\[\d+\]\.code: duplicate code/);
  });

  it('refuses a store whose only administrator is deactivated', async () => {
    const d = structuredClone(await demoStore()) as any;
    for (const u of d.users) if (u.role === 'admin') u.active = false;
    expect(refusal(d)).toMatch(/no active administrator/);
  });
});
