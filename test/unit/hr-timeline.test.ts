// The HR person timeline: failed knowledge checks, classroom participation and
// the mode of every role-play are part of what HR reads about one trainee.
import { describe, it, expect } from 'vitest';
import { buildTimeline, personTimeline, type TimelineRecords } from '../../src/app/hr-service';
import { createLiveSession, joinByCode } from '../../src/app/live-service';
import type { LiveSessionRecord, ScenarioAttemptRecord } from '../../src/store';
import { testRuntime } from './runtime-helper';

const NOW = new Date('2026-11-28T08:00:00Z');
const none: TimelineRecords = { progress: [], checks: [], attempts: [], observed: [], given: [], sessions: [], exams: [], certificates: [] };
const names = { chapter: (n: number) => `第${n}章标题`, scenario: (id: string) => ({ leak: '楼上漏水' })[id], person: (id: string) => ({ me: '王小明', li: '李晓婷', tr: '刘志强' })[id] };
const attempt = (over: Partial<ScenarioAttemptRecord>): ScenarioAttemptRecord => ({
  id: 'a', userId: 'me', scenarioId: 'leak', version: 1, mode: 'practice', playId: 'p', choiceIds: [], ending: 'e', outcome: 'resolved',
  totals: { calmness: 0, empathy: 0, solution: 0 }, scores: { calmness: 80, empathy: 70, solution: 60, overall: 70, passed: true }, moods: [], at: '2026-11-20T02:00:00Z', ...over,
});
const session = (over: Partial<LiveSessionRecord>): LiveSessionRecord => ({
  id: 's1', code: 'ABC123', cohortId: 'c', scenarioId: 'leak', version: 1, trainerId: 'tr', mode: 'vote', status: 'ended', participants: ['me', 'li'],
  path: [], votes: {}, revealed: false, history: [], pairs: [], createdAt: '2026-11-21T02:00:00Z', endedAt: '2026-11-21T03:00:00Z', ...over,
});

describe('the HR person timeline', () => {
  it('lists a failed knowledge check (a passed one is the chapter completion)', () => {
    const items = buildTimeline('me', {
      ...none,
      checks: [
        { id: 'k1', userId: 'me', chapter: 2, at: '2026-11-19T01:00:00Z', results: [], correct: 2, total: 5, percent: 40, passed: false },
        { id: 'k2', userId: 'me', chapter: 2, at: '2026-11-19T02:00:00Z', results: [], correct: 5, total: 5, percent: 100, passed: true },
      ],
    }, names, NOW);
    expect(items).toEqual([{ at: '2026-11-19T01:00:00Z', kind: '知识测验', text: '第2章 知识测验未通过：40%（答对 2 / 5 题）', tone: 'bad' }]);
  });

  it('says practice or assessment for every role-play', () => {
    const items = buildTimeline('me', { ...none, attempts: [attempt({ id: 'x', mode: 'assessment', at: '2026-11-20T03:00:00Z' }), attempt({ id: 'y' }), attempt({ id: 'z', playId: undefined, at: '2026-11-01T00:00:00Z' })] }, names, NOW);
    expect(items.map((i) => i.kind)).toEqual(['情景演练 · 考核', '情景演练 · 练习', '情景演练 · 旧版记录，不计入认证']);
    expect(items[0]!.text).toMatch(/^楼上漏水（考核）：/);
  });

  it('lists classroom sessions, the role played, and ratings received and given', () => {
    const items = buildTimeline('me', {
      ...none,
      sessions: [
        session({ id: 'v', history: [{ node: 'n', tally: {}, chosen: 'c', by: 'class' }, { node: 'm', tally: {}, chosen: 'd', by: 'class' }] }),
        session({ id: 'p', mode: 'pairs', pairs: [{ owner: 'li', agent: 'me', observers: [] }], createdAt: '2026-11-22T02:00:00Z' }),
        session({ id: 'other', participants: ['li'], createdAt: '2026-11-23T02:00:00Z' }),
      ],
      observed: [{ id: 'o1', sessionId: 'p', cohortId: 'c', scenarioId: 'leak', agentId: 'me', raterId: 'tr', calmness: 5, empathy: 4, solution: 3, comment: '很稳', at: '2026-11-22T03:00:00Z' }],
      given: [{ id: 'o2', sessionId: 'p', cohortId: 'c', scenarioId: 'leak', agentId: 'li', raterId: 'me', calmness: 2, empathy: 2, solution: 2, comment: '', at: '2026-11-22T04:00:00Z' }],
    }, names, NOW);
    expect(items.map((i) => i.text)).toEqual([
      '为 李晓婷 评分（楼上漏水）：情绪管理 2 · 同理心表达 2 · 解决导向 2（1–5 分，约 25/100）',
      '楼上漏水：刘志强 评分，情绪管理 5 · 同理心表达 4 · 解决导向 3（1–5 分，约 75/100）——很稳',
      '参加课堂《楼上漏水》：结对演练，扮演客服（业主：李晓婷）',
      '参加课堂《楼上漏水》：集体投票演练，全班共做出 2 个决定',
    ]);
  });

  it('is read through the ports: a failed check and a live class show on the person page', async () => {
    const rt = await testRuntime(NOW);
    const me = (await rt.store.getUserByUsername('trainee'))!;
    const trainer = (await rt.store.getUserByUsername('trainer'))!;
    const cohort = (await rt.store.cohortsOf(me.id))[0] ?? (await rt.store.createCohort({ name: '测试班', trainerId: trainer.id, traineeIds: [me.id], createdAt: NOW.toISOString() }, trainer.id));
    await rt.store.markModuleOpened(me.id, 1, NOW.toISOString());
    await rt.store.recordCheckAttempt({ userId: me.id, chapter: 1, results: [], correct: 1, total: 5, percent: 20, passed: false, at: NOW.toISOString() });
    const live = await createLiveSession(rt, trainer, cohort.id, 'ceiling-leak', 'vote', NOW);
    await joinByCode(rt, me, live.code);
    await rt.store.addObservation({ sessionId: live.id, cohortId: cohort.id, scenarioId: 'ceiling-leak', agentId: me.id, raterId: trainer.id, calmness: 4, empathy: 4, solution: 4, comment: '', at: NOW.toISOString() });
    const texts = (await personTimeline(rt, me, NOW)).map((i) => `${i.kind}｜${i.text}`);
    expect(texts).toContain('知识测验｜第1章 知识测验未通过：20%（答对 1 / 5 题）');
    expect(texts.some((x) => x.startsWith('课堂演练｜参加课堂《') && x.includes('集体投票演练'))).toBe(true);
    expect(texts.some((x) => x.startsWith('课堂观察｜') && x.includes(`${trainer.displayName} 评分`))).toBe(true);
  });
});
