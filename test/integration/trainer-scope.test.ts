// Trainer scope (issue 16 point 3): whom a trainer may enrol, whose records
// they read and whose prerequisites they waive, what a trainee taken out of a
// cohort keeps of its live sessions, and the audit of membership changes.
// The demo organisation: the demo trainer (阳光花园) runs an open cohort
// (王小明, 李晓婷, 孙浩; due in 20 days) and one whose due date has passed
// (张伟, 赵敏 of 翠湖天地).
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, call, form, readDb, newAccount, PASSWORD, OWN_PASSWORD, type Server } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';

const leak = loadScenarios(readContent(process.cwd()).scenarios).get('ceiling-leak')!;
const firstChoice = leak.def.nodes[leak.def.start]!.choices![0]!.id;

let server: Server;
let dir: string;
let admin: string;
let demoTrainer: string;
/** A second trainer at the demo trainer's site, and one at the other site. */
let rival: string;
let far: string;

type Rec = { id: string; username?: string; name?: string; userId?: string; by?: string; trainerId?: string; traineeIds?: string[]; action?: string; actorId?: string; targetId?: string; details?: Record<string, unknown> };
const db = async () => (await readDb(dir)) as { users: Rec[]; cohorts: Rec[]; waivers: Rec[]; audit: Rec[]; liveSessions: Array<Rec & { code: string; pairs: Array<{ owner: string; agent: string; observers: string[] }> }> };
const idOf = async (username: string) => (await db()).users.find((u) => u.username === username)!.id;
const get = (cookie: string, url: string) => fetch(server.base + url, { headers: { cookie }, redirect: 'manual' });
const cohortNamed = async (name: string) => (await db()).cohorts.find((c) => c.name === name);

let made = 0;
/** A new account made through the admin form; returns its username. */
async function newUser(role: 'trainee' | 'trainer', site: string, displayName: string): Promise<string> {
  const username = `scope.${role}.${made++}`;
  await newAccount(server.base, admin, { username, displayName, role, department: role === 'trainer' ? '培训部' : '客服部', site });
  return username;
}

/** A cohort made through the new-cohort form by `cookie`; its id. */
async function newCohort(cookie: string, name: string, trainees: string[]): Promise<string> {
  const body = new URLSearchParams({ name });
  for (const t of trainees) body.append('trainee', await idOf(t));
  const res = await fetch(`${server.base}/trainer/cohorts`, { method: 'POST', redirect: 'manual', headers: { Origin: server.base, cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  expect(res.status, await res.text()).toBe(303);
  return (await cohortNamed(name))!.id;
}

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir);
  admin = await login(server.base, 'admin', PASSWORD);
  demoTrainer = await login(server.base, 'trainer', PASSWORD);
  rival = await login(server.base, await newUser('trainer', '阳光花园', '对手培训师'), OWN_PASSWORD);
  far = await login(server.base, await newUser('trainer', '翠湖天地', '远方培训师'), OWN_PASSWORD);
}, 60_000);

describe('whom a trainer may enrol', () => {
  it("a trainer cannot enrol another trainer's trainee, on create or on add: 403 with a message, nothing written", async () => {
    const before = await db();
    const res = await form(server.base, rival, '/trainer/cohorts', { name: '抢人班', trainee: await idOf('trainee') });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('请联系管理员');
    expect(await cohortNamed('抢人班')).toBeUndefined();
    // Into a cohort of their own, through the add form.
    const own = await newCohort(rival, '对手的班', []);
    const add = await form(server.base, rival, `/trainer/cohorts/${own}`, { action: 'add', trainee: await idOf('trainee') });
    expect(add.status).toBe(403);
    expect(await add.text()).toContain('请联系管理员');
    expect((await cohortNamed('对手的班'))!.traineeIds).toEqual([]);
    // One forbidden name among allowed ones spoils the whole form.
    const free = await newUser('trainee', '阳光花园', '自由学员甲');
    expect((await form(server.base, rival, `/trainer/cohorts/${own}`, { action: 'add', trainee: await idOf(free) })).status).toBe(200);
    const mixed = new URLSearchParams({ action: 'add' });
    mixed.append('trainee', await idOf('sun.hao'));
    const other = await newUser('trainee', '阳光花园', '自由学员乙');
    mixed.append('trainee', await idOf(other));
    const r = await fetch(`${server.base}/trainer/cohorts/${own}`, { method: 'POST', redirect: 'manual', headers: { Origin: server.base, cookie: rival, 'Content-Type': 'application/x-www-form-urlencoded' }, body: mixed });
    expect(r.status).toBe(403);
    expect((await cohortNamed('对手的班'))!.traineeIds).toEqual([await idOf(free)]);
    // The forms list only the people this trainer may enrol.
    const page = await (await get(rival, '/trainer/cohorts')).text();
    expect(page).toContain('自由学员乙');
    for (const taken of ['王小明', '孙浩', '李晓婷']) expect(page).not.toContain(taken);
    const addForm = await (await get(rival, `/trainer/cohorts/${own}`)).text();
    expect(addForm).toContain('自由学员乙');
    expect(addForm).not.toContain('孙浩');
    // The refusals wrote nothing to the audit log: only the empty cohort's creation and the one allowed enrolment.
    const cohortEntries = (await db()).audit.slice(before.audit.length).filter((a) => a.action!.startsWith('cohort.'));
    expect(cohortEntries.map((a) => [a.action, a.targetId])).toEqual([['cohort.create', own], ['cohort.enrol', await idOf(free)]]);
  });

  it('a trainer cannot enrol a trainee of another site; one whose cohort is past its due date is free again', async () => {
    const sunny = await newUser('trainee', '阳光花园', '阳光学员');
    const res = await form(server.base, far, '/trainer/cohorts', { name: '跨项目班', trainee: await idOf(sunny) });
    expect(res.status).toBe(403);
    expect(await cohortNamed('跨项目班')).toBeUndefined();
    const own = await newCohort(far, '翠湖班', []);
    expect((await form(server.base, far, `/trainer/cohorts/${own}`, { action: 'add', trainee: await idOf(sunny) })).status).toBe(403);
    // A CSV import of new trainees is held to the trainer's site too.
    const csv = new FormData();
    csv.set('action', 'import');
    csv.set('file', new File(['用户名,姓名,部门,项目\nscope.csv.1,导入学员,客服部,阳光花园\n'], 'p.csv', { type: 'text/csv' }));
    const imp = await fetch(`${server.base}/trainer/cohorts/${own}`, { method: 'POST', headers: { Origin: server.base, cookie: far }, body: csv });
    expect(await imp.text()).toContain('不是你负责的项目');
    expect((await db()).users.some((u) => u.username === 'scope.csv.1')).toBe(false);
    expect((await cohortNamed('翠湖班'))!.traineeIds).toEqual([]);
    // 张伟 works at 翠湖天地 and sits only in the demo trainer's cohort whose due date has passed.
    expect((await form(server.base, far, `/trainer/cohorts/${own}`, { action: 'add', trainee: await idOf('zhang.wei') })).status).toBe(200);
    expect((await cohortNamed('翠湖班'))!.traineeIds).toEqual([await idOf('zhang.wei')]);
  });
});

describe('whose records a trainer reads', () => {
  it("a trainer cannot read another trainer's trainee on any route, even after trying to enrol them", async () => {
    const target = await idOf('trainee');
    await form(server.base, rival, '/trainer/cohorts', { name: '偷看班', trainee: target });
    const demoTrainerId = await idOf('trainer');
    const demoCohort = (await db()).cohorts.find((c) => c.traineeIds!.includes(target) && c.trainerId === demoTrainerId)!.id;
    const rivalId = await idOf('scope.trainer.0');
    const mine = (await db()).cohorts.filter((c) => c.trainerId === rivalId);
    expect(mine.length).toBeGreaterThan(0);
    for (const c of mine) expect((await get(rival, `/trainer/cohorts/${c.id}/trainees/${target}`)).status, c.name).toBe(404);
    expect((await get(rival, `/trainer/cohorts/${demoCohort}`)).status).toBe(404);
    expect((await get(rival, `/trainer/cohorts/${demoCohort}/trainees/${target}`)).status).toBe(404);
    for (const url of ['/trainer', '/trainer/waivers', '/trainer/cohorts']) {
      const html = await (await get(rival, url)).text();
      expect(html, url).not.toContain('王小明');
    }
  });

  it("a trainee taken out of a cohort is no longer readable there, nor on the trainer's workbench", async () => {
    const name = '移出学员';
    const u = await newUser('trainee', '阳光花园', name);
    const cohort = await newCohort(demoTrainer, '移出测试班', [u]);
    expect((await get(demoTrainer, `/trainer/cohorts/${cohort}/trainees/${await idOf(u)}`)).status).toBe(200);
    expect(await (await get(demoTrainer, '/trainer')).text()).toContain(name);
    expect((await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'remove', trainee: await idOf(u) })).status).toBe(200);
    expect((await get(demoTrainer, `/trainer/cohorts/${cohort}/trainees/${await idOf(u)}`)).status).toBe(404);
    expect(await (await get(demoTrainer, '/trainer')).text()).not.toContain(name);
  });
});

describe('waivers', () => {
  it('a trainer cannot waive for a trainee who was never in their cohort, even after trying to enrol them', async () => {
    const target = await idOf('sun.hao');
    await form(server.base, rival, '/trainer/cohorts', { name: '免除班', trainee: target });
    const res = await form(server.base, rival, '/trainer/waivers', { userId: target, reason: '想直接考试' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('请联系管理员');
    expect((await db()).waivers.filter((w) => w.userId === target)).toEqual([]);
  });

  it('one enrolled before the request counts even when removed since; HR sees every waiver with who granted it', async () => {
    const u = await newUser('trainee', '阳光花园', '曾在班学员');
    const cohort = await newCohort(rival, '曾在班', [u]);
    expect((await form(server.base, rival, `/trainer/cohorts/${cohort}`, { action: 'remove', trainee: await idOf(u) })).status).toBe(200);
    const res = await form(server.base, rival, '/trainer/waivers', { userId: await idOf(u), reason: '有五年物业经验' });
    expect(res.status).toBe(200);
    const waived = await idOf(u);
    expect((await db()).waivers.filter((w) => w.userId === waived).map((w) => w.by)).toEqual([await idOf('scope.trainer.0')]);
    const hr = await login(server.base, 'hr', PASSWORD);
    const table = (await (await get(hr, '/hr')).text()).split('data-testid="waivers"')[1] ?? '';
    expect(table).toContain('曾在班学员');
    expect(table).toContain('对手培训师');
    expect(table).toContain('有五年物业经验');
  });
});

describe('live sessions of a cohort one was taken out of', () => {
  /** Reads an event stream until it ends (true) or a state push arrives once `pushed` has settled (false): no timer decides. */
  async function endsBeforeNextPush(reader: ReadableStreamDefaultReader<Uint8Array>, pushed: Promise<unknown>): Promise<boolean> {
    const decoder = new TextDecoder();
    let after = false;
    void pushed.then(() => (after = true));
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      if (after && decoder.decode(value).includes('event: state')) return false;
    }
  }

  it('a removed trainee is refused on join and vote, and their open event stream ends', async () => {
    const [a, b] = [await newUser('trainee', '阳光花园', '直播甲'), await newUser('trainee', '阳光花园', '直播乙')];
    const cohort = await newCohort(demoTrainer, '直播班', [a, b]);
    const session = (await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = (await db()).liveSessions.find((s) => s.id === session)!.code;
    const [ca, cb] = [await login(server.base, a, OWN_PASSWORD), await login(server.base, b, OWN_PASSWORD)];
    for (const c of [ca, cb]) expect((await call(server.base, c, 'POST', '/api/live/join', { code })).status).toBe(200);
    const stream = await fetch(`${server.base}/api/live/${session}/events`, { headers: { cookie: ca } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('retry');

    expect((await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'remove', trainee: await idOf(a) })).status).toBe(200);
    // The class goes on: a push follows, which the removed trainee must not receive.
    const started = call(server.base, demoTrainer, 'POST', `/api/live/${session}/control`, { action: 'start' });
    expect(await endsBeforeNextPush(reader, started), 'the removed trainee\'s event stream should end').toBe(true);
    expect((await started).status).toBe(200);

    const voted = await call(server.base, ca, 'POST', `/api/live/${session}/vote`, { choiceId: firstChoice });
    expect(voted.status).toBe(403);
    expect((await voted.json()).error).toBeTruthy();
    expect((await call(server.base, ca, 'POST', '/api/live/join', { code })).status).toBe(403);
    expect((await get(ca, `/api/live/${session}/events`)).status).toBe(403);
    expect((await get(ca, `/live/${session}`)).status).toBe(303);
    // The others carry on.
    expect((await call(server.base, cb, 'POST', `/api/live/${session}/vote`, { choiceId: firstChoice })).status).toBe(200);
  });

  it('pairing leaves out a participant taken out of the cohort', async () => {
    const names = [await newUser('trainee', '阳光花园', '分组甲'), await newUser('trainee', '阳光花园', '分组乙'), await newUser('trainee', '阳光花园', '分组丙')];
    const cohort = await newCohort(demoTrainer, '分组班', names);
    const session = (await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'pairs' })).headers.get('location')!.split('/').pop()!;
    const code = (await db()).liveSessions.find((s) => s.id === session)!.code;
    for (const n of names) expect((await call(server.base, await login(server.base, n, OWN_PASSWORD), 'POST', '/api/live/join', { code })).status).toBe(200);
    expect((await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'remove', trainee: await idOf(names[0]!) })).status).toBe(200);
    expect((await call(server.base, demoTrainer, 'POST', `/api/live/${session}/control`, { action: 'pair' })).status).toBe(200);
    const pairs = (await db()).liveSessions.find((s) => s.id === session)!.pairs;
    expect(pairs.flatMap((p) => [p.owner, p.agent, ...p.observers]).sort()).toEqual([await idOf(names[1]!), await idOf(names[2]!)].sort());
  });
});

describe('audit of membership changes', () => {
  it("a trainer's create, enrol and remove are in the audit log with the cohort's id and name", async () => {
    const [x, y] = [await newUser('trainee', '阳光花园', '审计甲'), await newUser('trainee', '阳光花园', '审计乙')];
    const cohort = await newCohort(demoTrainer, '审计班', [x]);
    expect((await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'add', trainee: await idOf(y) })).status).toBe(200);
    expect((await form(server.base, demoTrainer, `/trainer/cohorts/${cohort}`, { action: 'remove', trainee: await idOf(x) })).status).toBe(200);
    const details = { cohortId: cohort, cohortName: '审计班' };
    const entries = (await db())
      .audit.filter((a) => a.details?.cohortId === cohort)
      .map((a) => ({ action: a.action, actorId: a.actorId, targetId: a.targetId, details: a.details }));
    const trainerId = await idOf('trainer');
    expect(entries).toEqual([
      { action: 'cohort.create', actorId: trainerId, targetId: cohort, details: { ...details, count: 1 } },
      { action: 'cohort.enrol', actorId: trainerId, targetId: await idOf(x), details },
      { action: 'cohort.enrol', actorId: trainerId, targetId: await idOf(y), details },
      { action: 'cohort.remove', actorId: trainerId, targetId: await idOf(x), details },
    ]);
  });
});
