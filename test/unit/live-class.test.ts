// A whole class acting at once on one live session, on PostgreSQL where
// writers really race (the embedded store answers from memory): every join and
// every vote lands, none twice, and none is refused for being crowded out.
import { describe, it, expect, afterEach } from 'vitest';
import { openPgStorage, type PgStorage } from '../../src/store/pg';
import { createLiveSession, joinByCode, vote, control } from '../../src/app/live-service';
import { freshDatabase, pgEnabled, type TestDatabase } from '../pg/database';
import { runtimeOver } from './runtime-helper';
import { tempDir } from './helpers';
import { openStore, type Storage } from '../../src/store';

const CLASS = 120;

(pgEnabled() ? describe : describe.skip)('a class of 120 at once on PostgreSQL', () => {
  let db: TestDatabase | undefined;
  let storage: PgStorage | undefined;
  afterEach(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('every join and every vote counts, with no 503', async () => {
    db = await freshDatabase();
    storage = await openPgStorage(db.url, { poolMax: 10 });
    const now = new Date('2026-11-28T08:00:00Z');
    const rt = await runtimeOver(storage, now);
    const trainer = (await storage.getUserByUsername('trainer'))!;
    const trainees = await storage.createUsers(
      Array.from({ length: CLASS }, (_, i) => ({ username: `class.${i}`, displayName: `学员${i}`, role: 'trainee' as const, department: '客服部', site: trainer.site, passwordHash: 'x' })),
      now.toISOString(),
    );
    const cohort = await storage.createCohort({ name: '大班', trainerId: trainer.id, traineeIds: trainees.map((u) => u.id), createdAt: now.toISOString() }, trainer.id);
    const session = await createLiveSession(rt, trainer, cohort.id, 'ceiling-leak', 'vote', now);

    const joins = await Promise.allSettled(trainees.map((u) => joinByCode(rt, u, session.code)));
    expect(joins.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.message)).toEqual([]);
    await control(rt, trainer, session.id, 'start', undefined, now);
    const choices = rt.scenarios.get('ceiling-leak')!.def.nodes[rt.scenarios.get('ceiling-leak')!.def.start]!.choices!.map((c) => c.id);
    const votes = await Promise.allSettled(trainees.map((u, i) => vote(rt, u, session.id, choices[i % choices.length]!)));
    expect(votes.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.message)).toEqual([]);

    const stored = (await storage.getLiveSession(session.id))!;
    expect([...stored.participants].sort()).toEqual(trainees.map((u) => u.id).sort());
    expect(Object.keys(stored.votes).sort()).toEqual(trainees.map((u) => u.id).sort());
    trainees.forEach((u, i) => expect(stored.votes[u.id]).toBe(choices[i % choices.length]));
  }, 120_000);
});

describe('a class voting at once', () => {
  it('reads the cohort once per batched write, not once per vote', async () => {
    const calls = { getCohort: 0, getLiveSession: 0 };
    const base = await openStore(tempDir(), { lock: false });
    // Counts the two reads a batch makes: the session (once per attempt at the batch) and the cohort.
    const counted = new Proxy(base, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (key === 'getCohort' || key === 'getLiveSession') calls[key]++;
          return v.apply(target, args);
        };
      },
    }) as Storage;
    try {
      const now = new Date('2026-11-28T08:00:00Z');
      const rt = await runtimeOver(counted, now);
      const trainer = (await base.getUserByUsername('trainer'))!;
      const trainees = await base.createUsers(
        Array.from({ length: 60 }, (_, i) => ({ username: `vote.${i}`, displayName: `学员${i}`, role: 'trainee' as const, department: '客服部', site: trainer.site, passwordHash: 'x' })),
        now.toISOString(),
      );
      const cohort = await base.createCohort({ name: '投票班', trainerId: trainer.id, traineeIds: trainees.map((u) => u.id), createdAt: now.toISOString() }, trainer.id);
      const session = await createLiveSession(rt, trainer, cohort.id, 'ceiling-leak', 'vote', now);
      for (const u of trainees) await joinByCode(rt, u, session.code);
      await control(rt, trainer, session.id, 'start', undefined, now);
      const first = rt.scenarios.get('ceiling-leak')!.def;
      const choice = first.nodes[first.start]!.choices![0]!.id;
      calls.getCohort = calls.getLiveSession = 0;
      await Promise.all(trainees.map((u) => vote(rt, u, session.id, choice)));
      expect(Object.keys((await base.getLiveSession(session.id))!.votes)).toHaveLength(trainees.length);
      // Each attempt at a batch reads the session once; the cohort at most as often.
      expect(calls.getLiveSession).toBeLessThan(trainees.length / 2);
      expect(calls.getCohort).toBeLessThanOrEqual(calls.getLiveSession);
    } finally {
      await base.close();
    }
  });
});
