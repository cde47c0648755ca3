// The storage contract suite: what every adapter of src/store/ports.ts must do,
// written against the port interface only (no adapter's files, tables or
// internals), so the embedded store and the PostgreSQL adapter run the same
// tests. An adapter's test file calls describeStorageContract with a function
// that opens a fresh, empty storage (see embedded.contract.test.ts).
//
// Times are injected (`now`, `at`), never read from the clock; nothing waits a
// fixed time. The notifier tests assume that an adapter delivers publications
// in the order they were published (in-process calls, LISTEN/NOTIFY alike).
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { ConflictError, DuplicateError, DuplicateUsernameError, MAX_PAGE, type NewUser, type Page, type PageRequest, type Storage } from '../../src/store/ports';
import type { AuditRecord, CertificateRecord, CheckAttemptRecord, ExamAttemptRecord, LiveSessionRecord, ObservationRecord, PlayStepRecord, ScenarioAttemptRecord, ScenarioPlayRecord } from '../../src/store/types';
import type { ExamResult } from '../../src/quiz/exam';

/** A storage opened for one test: `reopen` (adapters that keep data across opens) closes it and opens the same data again. */
export interface OpenedStorage {
  storage: Storage;
  reopen?: () => Promise<Storage>;
  close: () => Promise<void>;
}

// ---------------------------------------------------------------- fixtures

const T0 = Date.parse('2026-11-28T08:00:00.000Z');
/** The time `min` minutes after the start of every test. */
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const NOW = at(0);
const YEAR = 60 * 24 * 365;

const person = (username: string, over: Partial<NewUser> = {}): NewUser => ({ username, displayName: `员工${username}`, role: 'trainee', department: '客服部', site: '阳光花园', passwordHash: 'hash-1', ...over });

const certificate = (userId: string, code: string, over: Partial<Omit<CertificateRecord, 'id'>> = {}): Omit<CertificateRecord, 'id'> => ({
  userId,
  holderName: '王小明',
  title: '物业客服上岗证',
  code,
  issuedAt: at(0),
  expiresAt: at(YEAR),
  examAttemptId: 'exam-1',
  examPercent: 90,
  dimensions: { calmness: 80, empathy: 70, solution: 75 },
  scenarios: ['s1', 's2'],
  contentVersions: { bank: 'bank-1', scenarios: { s1: 1, s2: 3 } },
  ...over,
});

const examAttempt = (userId: string, over: Partial<Omit<ExamAttemptRecord, 'id'>> = {}): Omit<ExamAttemptRecord, 'id'> => ({
  userId,
  seed: 'seed-1',
  paper: [
    { id: 'q1', order: ['a', 'b', 'c'] },
    { id: 'q2', order: ['d', 'e'] },
  ],
  bankVersion: 'bank-1',
  startedAt: at(0),
  deadline: at(60),
  answers: {},
  ...over,
});

const examResult = (percent: number): ExamResult => ({
  earned: percent / 50,
  total: 2,
  percent,
  passed: percent >= 80,
  byCategory: { law: { earned: 1, total: 1, percent: 100 }, process: { earned: 0, total: 1, percent: 0 }, cases: { earned: 0, total: 0, percent: 0 }, professionalism: { earned: 0, total: 0, percent: 0 } },
  weakest: 'process',
  reviewChapters: [2],
  questions: [
    { id: 'q1', credit: 1, correct: true },
    { id: 'q2', credit: 0, correct: false },
  ],
});

const scenarioAttempt = (userId: string, scenarioId: string, over: Partial<Omit<ScenarioAttemptRecord, 'id'>> = {}): Omit<ScenarioAttemptRecord, 'id'> => ({
  userId,
  scenarioId,
  version: 1,
  mode: 'practice',
  choiceIds: ['c1', 'c2'],
  ending: 'resolved-ending',
  outcome: 'resolved',
  totals: { calmness: 3, empathy: 2, solution: 1 },
  scores: { calmness: 80, empathy: 70, solution: 60, overall: 70, passed: true },
  moods: [0, 1, 2],
  at: at(0),
  ...over,
});

const play = (userId: string, scenarioId: string, over: Partial<Omit<ScenarioPlayRecord, 'id' | 'steps'>> = {}): Omit<ScenarioPlayRecord, 'id' | 'steps'> => ({
  userId,
  scenarioId,
  version: 1,
  mode: 'practice',
  seed: 'play-seed',
  startedAt: at(0),
  ...over,
});
const step = (n: number, over: Partial<PlayStepRecord> = {}): PlayStepRecord => ({ node: `n${n}`, choice: `c${n}`, mood: n, at: at(n), ms: 1000 * n, ...over });

const liveSession = (id: string, code: string, over: Partial<LiveSessionRecord> = {}): LiveSessionRecord => ({
  id,
  code,
  cohortId: 'cohort-1',
  scenarioId: 's1',
  version: 1,
  trainerId: 'trainer-1',
  mode: 'vote',
  status: 'lobby',
  participants: [],
  path: [],
  votes: {},
  revealed: false,
  history: [],
  pairs: [],
  createdAt: at(0),
  ...over,
});

/** Agent and rater are accounts (per-person records belong to real people). */
const observation = (agentId: string, raterId: string, over: Partial<Omit<ObservationRecord, 'id'>> = {}): Omit<ObservationRecord, 'id'> => ({
  sessionId: 'live-1',
  cohortId: 'cohort-1',
  scenarioId: 's1',
  agentId,
  raterId,
  calmness: 4,
  empathy: 3,
  solution: 5,
  comment: '处理得当',
  at: at(0),
  ...over,
});

const checkAttempt = (userId: string, chapter: number, percent: number, when: string): Omit<CheckAttemptRecord, 'id'> => ({
  userId,
  chapter,
  results: [{ id: 'q1', correct: percent >= 80, answered: true, given: ['a'] }],
  correct: Math.round(percent / 20),
  total: 5,
  percent,
  passed: percent >= 80,
  at: when,
});

const auditEntry = (over: Partial<Omit<AuditRecord, 'id'>> = {}): Omit<AuditRecord, 'id'> => ({ at: at(0), actorId: 'admin-1', action: 'export', targetId: 'target-1', ...over });

// ---------------------------------------------------------------- helpers

/** Every item of a paged read, following `next`. */
async function allPages<T>(read: (p: PageRequest) => Promise<Page<T>>, limit = MAX_PAGE): Promise<T[]> {
  const out: T[] = [];
  let from: number | undefined = 0;
  for (let pages = 0; from !== undefined; pages++) {
    if (pages > 10_000) throw new Error('paging does not end');
    const page: Page<T> = await read({ from, limit });
    out.push(...page.items);
    from = page.next;
  }
  return out;
}

/**
 * A paged read gives `expected` (keys in order) whole in one page, and page by
 * page with `limit`: each page full but the last, the right total on each,
 * every item once, none missing; a page past the end is empty.
 */
async function expectPaging<T>(read: (p: PageRequest) => Promise<Page<T>>, expected: string[], key: (x: T) => string, limit = 3) {
  const whole = await read({});
  expect(whole.items.map(key)).toEqual(expected);
  expect(whole.total).toBe(expected.length);
  expect(whole.next).toBeUndefined();
  const seen: string[] = [];
  let from: number | undefined = 0;
  let pages = 0;
  while (from !== undefined) {
    const page: Page<T> = await read({ from, limit });
    pages++;
    expect(page.total).toBe(expected.length);
    if (page.next !== undefined) expect(page.items).toHaveLength(limit);
    else expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map(key));
    from = page.next;
    if (pages > expected.length + 1) throw new Error('paging does not end');
  }
  expect(seen).toEqual(expected);
  expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
  const past = await read({ from: expected.length + 5, limit });
  expect(past.items).toEqual([]);
  expect(past.next).toBeUndefined();
}

/** Settles every promise; the fulfilled values and the rejection reasons. */
async function settle<T>(ps: Array<Promise<T>>) {
  const all = await Promise.allSettled(ps);
  return {
    ok: all.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: all.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : [])),
  };
}

/** A listener that records what it gets, and a promise for the moment it has `n` payloads. */
function recorder() {
  const got: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const listener = (payload: string) => {
    got.push(payload);
    for (const w of waiters.filter((x) => got.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const received = (n: number) => (got.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  return { got, listener, received };
}

const ids = (xs: ReadonlyArray<{ id: string }>) => xs.map((x) => x.id).sort();

// ---------------------------------------------------------------- the suite

/** Registers the contract's tests for one adapter; `open` gives a fresh, empty storage per test. */
export function describeStorageContract(name: string, open: () => Promise<OpenedStorage>) {
  describe(`storage contract: ${name}`, () => {
    let opened: OpenedStorage;
    let s: Storage;
    let people: Map<string, Promise<string>>;
    beforeEach(async () => {
      opened = await open();
      s = opened.storage;
      people = new Map();
    });
    afterEach(async () => {
      await opened.close();
    });
    const audit = (filter: Parameters<Storage['listAudit']>[0] = {}) => allPages((p) => s.listAudit(filter, p));
    /**
     * The id of the account named `name`, created (without audit notes) on the
     * first ask in a test: records of a person name a real account, as the
     * PostgreSQL schema's foreign keys require. Ids a test only reads may stay made up.
     */
    const who = (name: string, over: Partial<NewUser> = {}): Promise<string> => {
      let id = people.get(name);
      if (!id) {
        id = s.createUsers([person(name, over)], NOW).then(([u]) => u!.id);
        people.set(name, id);
      }
      return id;
    };

    describe('lifecycle', () => {
      it('names where its data lives, and a fresh storage was not migrated', async () => {
        expect(typeof s.location).toBe('string');
        expect(s.location.length).toBeGreaterThan(0);
        expect(s.location).not.toMatch(/:[^:@/]+@/); // a database URL without its password
        expect(s.migratedFrom).toBeUndefined();
      });
    });

    describe('OrgPort', () => {
      it('is empty until an account exists', async () => {
        expect(await s.isEmpty()).toBe(true);
        await s.createUsers([person('first.admin', { role: 'admin' })], NOW);
        expect(await s.isEmpty()).toBe(false);
      });

      it('stores the organisation and hands out copies, in and out', async () => {
        const org = { name: '阳光物业', sites: ['阳光花园', '翠湖天地'], departments: ['客服部'] };
        await s.setOrg(org);
        org.sites.push('改了输入');
        expect(await s.getOrg()).toEqual({ name: '阳光物业', sites: ['阳光花园', '翠湖天地'], departments: ['客服部'] });
        const got = await s.getOrg();
        got.sites.push('改了输出');
        got.departments.length = 0;
        got.name = '篡改';
        expect(await s.getOrg()).toEqual({ name: '阳光物业', sites: ['阳光花园', '翠湖天地'], departments: ['客服部'] });
      });
    });

    describe('AccountsPort', () => {
      it('creates accounts and reads them back by id and by user name', async () => {
        const created = await s.createUsers([person('wang.xm', { hireDate: '2026-11-01', mustChangePassword: true }), person('li.na', { active: false })], NOW);
        expect(created).toHaveLength(2);
        expect(created[0]).toMatchObject({ ...person('wang.xm', { hireDate: '2026-11-01', mustChangePassword: true }), active: true, createdAt: NOW, updatedAt: NOW });
        expect(created[1]).toMatchObject({ username: 'li.na', active: false });
        expect(created[0]!.id).not.toBe(created[1]!.id);
        for (const u of created) {
          expect(await s.getUser(u.id)).toEqual(u);
          expect(await s.getUserByUsername(u.username)).toEqual(u);
        }
      });

      it('hands out copies: changing a returned account changes nothing stored', async () => {
        const [u] = await s.createUsers([person('copy.me')], NOW);
        const original = { ...u! };
        u!.displayName = '篡改';
        const byId = (await s.getUser(original.id))!;
        byId.role = 'admin';
        const byName = (await s.getUserByUsername('copy.me'))!;
        byName.active = false;
        (await s.listUsers())[0]!.site = '别处';
        expect(await s.getUser(original.id)).toEqual(original);
      });

      it('answers undefined for unknown ids and names, and an unknown update writes nothing', async () => {
        expect(await s.getUser('no-such-id')).toBeUndefined();
        expect(await s.getUserByUsername('nobody')).toBeUndefined();
        expect(await s.updateUser('no-such-id', { active: false }, NOW, [{ actorId: 'admin-1', action: 'user.deactivate' }])).toBeUndefined();
        expect(await s.setPassword('no-such-id', 'h', { by: 'admin-1', action: 'user.password.reset', mustChange: true }, NOW)).toBeUndefined();
        expect(await audit()).toEqual([]);
        expect(await s.isEmpty()).toBe(true);
      });

      it('writes the audit notes of a creation with it (at now, the first account as target unless named)', async () => {
        const created = await s.createUsers([person('a1'), person('a2')], NOW, [
          { actorId: 'admin-1', action: 'user.import', details: { count: 2 } },
          { actorId: 'admin-1', action: 'user.create', targetId: 'explicit-target', reason: '入职' },
        ]);
        expect(await audit()).toEqual([
          { id: expect.any(String), at: NOW, actorId: 'admin-1', action: 'user.import', targetId: created[0]!.id, details: { count: 2 } },
          { id: expect.any(String), at: NOW, actorId: 'admin-1', action: 'user.create', targetId: 'explicit-target', reason: '入职' },
        ]);
      });

      it('refuses a taken user name all-or-nothing: nothing of the batch is created, no note written', async () => {
        await s.createUsers([person('taken')], NOW);
        const err = await s.createUsers([person('fresh.one'), person('taken')], at(1), [{ actorId: 'admin-1', action: 'user.import' }]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateUsernameError);
        expect(err).toBeInstanceOf(DuplicateError);
        expect(err).toMatchObject({ field: 'user.username', value: 'taken', username: 'taken' });
        expect(await s.getUserByUsername('fresh.one')).toBeUndefined();
        expect(await s.listUsers({ includeInactive: true })).toHaveLength(1);
        expect(await audit()).toEqual([]);
      });

      it('refuses a user name twice in one batch, creating none', async () => {
        const err = await s.createUsers([person('twin'), person('other'), person('twin')], NOW).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateUsernameError);
        expect(await s.listUsers({ includeInactive: true })).toEqual([]);
      });

      it('lists accounts by user name, filtered by role, site, department and activity', async () => {
        await s.createUsers(
          [
            person('zhou', { role: 'trainer', site: '翠湖天地' }),
            person('chen', { department: '工程部' }),
            person('ai', { active: false }),
            person('bai'),
            person('he', { role: 'hr', site: '翠湖天地', department: '人事部' }),
          ],
          NOW,
        );
        const names = async (f?: Parameters<Storage['listUsers']>[0]) => (await s.listUsers(f)).map((u) => u.username);
        expect(await names()).toEqual(['bai', 'chen', 'he', 'zhou']);
        expect(await names({ includeInactive: true })).toEqual(['ai', 'bai', 'chen', 'he', 'zhou']);
        expect(await names({ role: 'trainee' })).toEqual(['bai', 'chen']);
        expect(await names({ role: 'trainee', includeInactive: true })).toEqual(['ai', 'bai', 'chen']);
        expect(await names({ site: '翠湖天地' })).toEqual(['he', 'zhou']);
        expect(await names({ department: '工程部' })).toEqual(['chen']);
        expect(await names({ site: '翠湖天地', role: 'trainer' })).toEqual(['zhou']);
        expect(await names({ site: '阳光花园', department: '客服部', includeInactive: true })).toEqual(['ai', 'bai']);
      });

      it('searches accounts by a piece of name, user name, department or site, any case, wildcards literal; paged with the total', async () => {
        await s.createUsers(
          [
            person('Wang.Fang', { displayName: '王芳', site: '阳光花园' }),
            person('li_na', { displayName: '李娜', department: '工程部' }),
            person('lixa', { displayName: '李晓', active: false }),
            person('zhang.100pct', { displayName: '张三%', role: 'trainer', site: '翠湖天地' }),
            person('back.slash', { displayName: 'A\\B', role: 'hr', department: '人事部', site: '翠湖天地' }),
          ],
          NOW,
        );
        const names = async (f: Parameters<Storage['searchUsers']>[0]) => (await allPages((p) => s.searchUsers(f, p))).map((u) => u.username);
        // Code point order (capitals first), inactive included unless asked otherwise.
        expect(await names({})).toEqual(['Wang.Fang', 'back.slash', 'li_na', 'lixa', 'zhang.100pct']);
        expect(await names({ text: 'wang' })).toEqual(['Wang.Fang']);
        expect(await names({ text: '  FANG ' })).toEqual(['Wang.Fang']);
        expect(await names({ text: '李' })).toEqual(['li_na', 'lixa']);
        expect(await names({ text: '工程' })).toEqual(['li_na']);
        expect(await names({ text: '翠湖' })).toEqual(['back.slash', 'zhang.100pct']);
        // LIKE's wildcards and escape character match only themselves.
        expect(await names({ text: 'li_' })).toEqual(['li_na']);
        expect(await names({ text: '%' })).toEqual(['zhang.100pct']);
        expect(await names({ text: '\\' })).toEqual(['back.slash']);
        expect(await names({ text: '没有这个人' })).toEqual([]);
        expect(await names({ status: 'active' })).toEqual(['Wang.Fang', 'back.slash', 'li_na', 'zhang.100pct']);
        expect(await names({ status: 'inactive' })).toEqual(['lixa']);
        expect(await names({ text: '李', status: 'active' })).toEqual(['li_na']);
        expect(await names({ role: 'trainee', site: '阳光花园' })).toEqual(['Wang.Fang', 'li_na', 'lixa']);
        expect(await names({ role: 'hr', text: 'b' })).toEqual(['back.slash']);
        const first = await s.searchUsers({ role: 'trainee' }, { limit: 2 });
        expect([first.items.map((u) => u.username), first.total, first.next]).toEqual([['Wang.Fang', 'li_na'], 3, 2]);
        const last = await s.searchUsers({ role: 'trainee' }, { from: first.next, limit: 2 });
        expect([last.items.map((u) => u.username), last.total, last.next]).toEqual([['lixa'], 3, undefined]);
        expect(last.items[0]).toEqual(await s.getUserByUsername('lixa'));
        expect(await s.searchUsers({ text: '李' }, { from: 10, limit: 2 })).toEqual({ items: [], total: 2 });
      });

      it('gives the display names of the accounts asked for, leaving out unknown ids', async () => {
        const [a, b] = await s.createUsers([person('n1', { displayName: '王小明' }), person('n2', { displayName: '李娜', active: false })], NOW);
        const names = await s.namesOf([a!.id, 'no-such-id', b!.id]);
        expect([...names.entries()].sort()).toEqual([
          [a!.id, '王小明'],
          [b!.id, '李娜'],
        ].sort());
      });

      it('updates an account with its notes, keeping id and createdAt; a rename frees the old name', async () => {
        const [u] = await s.createUsers([person('old.name')], NOW);
        const updated = await s.updateUser(u!.id, { username: 'new.name', site: '翠湖天地', role: 'trainer' }, at(5), [{ actorId: 'admin-1', action: 'user.role', reason: '调岗', details: { from: 'trainee', to: 'trainer' } }]);
        expect(updated).toEqual({ ...u, username: 'new.name', site: '翠湖天地', role: 'trainer', updatedAt: at(5) });
        expect(await s.getUser(u!.id)).toEqual(updated);
        expect(await s.getUserByUsername('new.name')).toEqual(updated);
        expect(await s.getUserByUsername('old.name')).toBeUndefined();
        expect(await audit()).toEqual([{ id: expect.any(String), at: at(5), actorId: 'admin-1', action: 'user.role', targetId: u!.id, reason: '调岗', details: { from: 'trainee', to: 'trainer' } }]);
        const [again] = await s.createUsers([person('old.name')], at(6));
        expect(again!.id).not.toBe(u!.id);
        // Keeping one's own name is not a clash.
        expect(await s.updateUser(u!.id, { username: 'new.name', displayName: '新名字' }, at(7))).toMatchObject({ username: 'new.name', displayName: '新名字' });
      });

      it('refuses a rename to a taken name and changes nothing, notes included', async () => {
        const [a, b] = await s.createUsers([person('alpha'), person('beta')], NOW);
        const err = await s.updateUser(b!.id, { username: 'alpha', displayName: '不该保存' }, at(1), [{ actorId: 'admin-1', action: 'user.update' }]).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateUsernameError);
        expect(err).toMatchObject({ username: 'alpha' });
        expect(await s.getUser(b!.id)).toEqual(b);
        expect(await s.getUserByUsername('alpha')).toEqual(a);
        expect(await audit()).toEqual([]);
      });

      it('sets a password: other sessions of the person end, keepSession stays, others are untouched; audited', async () => {
        const [u, other] = await s.createUsers([person('pw.user'), person('pw.other')], NOW);
        for (const [idHash, userId] of [['s-keep', u!.id], ['s-end-1', u!.id], ['s-end-2', u!.id], ['s-other', other!.id]] as const) await s.createSession({ idHash, userId, createdAt: NOW, lastSeenAt: NOW });
        const reset = await s.setPassword(u!.id, 'hash-2', { by: 'admin-1', action: 'user.password.reset', mustChange: true, keepSession: 's-keep' }, at(3));
        expect(reset).toEqual({ ...u, passwordHash: 'hash-2', mustChangePassword: true, updatedAt: at(3) });
        expect(await s.getUser(u!.id)).toEqual(reset);
        expect(await s.findSession('s-keep')).toBeDefined();
        expect(await s.findSession('s-end-1')).toBeUndefined();
        expect(await s.findSession('s-end-2')).toBeUndefined();
        expect(await s.findSession('s-other')).toBeDefined();
        expect(await audit()).toEqual([{ id: expect.any(String), at: at(3), actorId: 'admin-1', action: 'user.password.reset', targetId: u!.id, details: { username: 'pw.user' } }]);
        // The person's own change clears the flag; without keepSession every session of theirs ends.
        const changed = await s.setPassword(u!.id, 'hash-3', { by: u!.id, action: 'user.password.change', mustChange: false }, at(4));
        expect(changed!.mustChangePassword).toBeFalsy();
        expect((await s.getUser(u!.id))!.passwordHash).toBe('hash-3');
        expect(await s.findSession('s-keep')).toBeUndefined();
        expect(await s.findSession('s-other')).toBeDefined();
        expect((await audit({ actions: ['user.password.change'] })).map((a) => a.actorId)).toEqual([u!.id]);
      });
    });

    describe('SessionsPort', () => {
      it('creates, finds (as a copy), touches and deletes sessions', async () => {
        const u1 = await who('u1');
        const rec = { idHash: 'h1', userId: u1, createdAt: NOW, lastSeenAt: NOW };
        await s.createSession(rec);
        rec.userId = '改了输入';
        expect(await s.findSession('h1')).toEqual({ idHash: 'h1', userId: u1, createdAt: NOW, lastSeenAt: NOW });
        const got = (await s.findSession('h1'))!;
        got.userId = 'u2';
        expect((await s.findSession('h1'))!.userId).toBe(u1);
        await s.touchSession('h1', at(10));
        expect(await s.findSession('h1')).toEqual({ idHash: 'h1', userId: u1, createdAt: NOW, lastSeenAt: at(10) });
        // With its account in one look-up, as a copy too.
        const both = (await s.findSessionUser('h1'))!;
        expect(both).toEqual({ session: { idHash: 'h1', userId: u1, createdAt: NOW, lastSeenAt: at(10) }, user: await s.getUser(u1) });
        both.user!.displayName = '改了';
        expect((await s.findSessionUser('h1'))!.user!.displayName).not.toBe('改了');
        expect(await s.findSessionUser('unknown')).toBeUndefined();
        await s.touchSession('unknown', at(10));
        expect(await s.findSession('unknown')).toBeUndefined();
        await s.deleteSession('h1');
        expect(await s.findSession('h1')).toBeUndefined();
        await s.deleteSession('h1');
      });

      it("deletes every session of one person and nobody else's", async () => {
        const ua = await who('ua');
        const ub = await who('ub');
        for (const [idHash, userId] of [['a1', ua], ['a2', ua], ['b1', ub]]) await s.createSession({ idHash: idHash!, userId: userId!, createdAt: NOW, lastSeenAt: NOW });
        await s.deleteSessionsOfUser(ua);
        expect(await s.findSession('a1')).toBeUndefined();
        expect(await s.findSession('a2')).toBeUndefined();
        expect(await s.findSession('b1')).toEqual({ idHash: 'b1', userId: ub, createdAt: NOW, lastSeenAt: NOW });
      });
    });

    describe('LearningPort', () => {
      it('records a module opened; a re-open within the window is not written, a later one is', async () => {
        const u1 = await who('u1');
        await s.markModuleOpened(u1, 2, NOW);
        expect(await s.listModuleProgress(u1)).toEqual([{ userId: u1, chapter: 2, openedAt: NOW, lastOpenedAt: NOW }]);
        await s.markModuleOpened(u1, 2, new Date(T0 + 10_000).toISOString());
        expect((await s.listModuleProgress(u1))[0]!.lastOpenedAt).toBe(NOW);
        await s.markModuleOpened(u1, 2, at(30));
        expect(await s.listModuleProgress(u1)).toEqual([{ userId: u1, chapter: 2, openedAt: NOW, lastOpenedAt: at(30) }]);
        expect(await s.listModuleProgress('u2')).toEqual([]);
      });

      it('stores knowledge checks, folds them into progress (best percent, first pass) and finds the latest', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        await s.markModuleOpened(u1, 3, NOW);
        const first = await s.recordCheckAttempt(checkAttempt(u1, 3, 40, at(1)));
        expect(first).toEqual({ ...checkAttempt(u1, 3, 40, at(1)), id: expect.any(String) });
        expect(await s.getCheckAttempt(first.id)).toEqual(first);
        const pass = await s.recordCheckAttempt(checkAttempt(u1, 3, 100, at(2)));
        const later = await s.recordCheckAttempt(checkAttempt(u1, 3, 80, at(3)));
        await s.recordCheckAttempt(checkAttempt(u1, 4, 60, at(4)));
        await s.recordCheckAttempt(checkAttempt(u2, 3, 20, at(5)));
        expect(pass.id).not.toBe(later.id);
        expect(await s.latestCheckAttempt(u1, 3)).toEqual(later);
        expect(await s.latestCheckAttempt(u1, 5)).toBeUndefined();
        // Oldest first, one person and chapter (what the next attempt's questions are drawn against).
        expect(await s.listCheckAttempts(u1, 3)).toEqual([first, pass, later]);
        expect(await s.listCheckAttempts(u1, 5)).toEqual([]);
        // The questions the server dealt are kept with the attempt; an attempt without them (older data) reads back as it was.
        const dealt = await s.recordCheckAttempt({ ...checkAttempt(u2, 6, 100, at(6)), dealt: ['m6-q3', 'm6-q1'] });
        expect(await s.getCheckAttempt(dealt.id)).toEqual({ ...checkAttempt(u2, 6, 100, at(6)), dealt: ['m6-q3', 'm6-q1'], id: dealt.id });
        expect((await s.listCheckAttempts(u2, 6))[0]!.dealt).toEqual(['m6-q3', 'm6-q1']);
        expect('dealt' in first).toBe(false);
        const progress = (await s.listModuleProgress(u1)).sort((a, b) => a.chapter - b.chapter);
        expect(progress).toEqual([
          { userId: u1, chapter: 3, openedAt: NOW, lastOpenedAt: NOW, bestPercent: 100, completedAt: at(2) },
          // A check without an earlier open starts the record.
          { userId: u1, chapter: 4, openedAt: at(4), lastOpenedAt: at(4), bestPercent: 60 },
        ]);
        expect(await s.getCheckAttempt('no-such-id')).toBeUndefined();
      });

      it('hands out copies of checks and progress, and keeps none of the caller’s objects', async () => {
        const u1 = await who('u1');
        const input = checkAttempt(u1, 1, 90, NOW);
        const rec = await s.recordCheckAttempt(input);
        input.results[0]!.correct = false;
        input.results.push({ id: 'q9', correct: true, answered: true, given: 'x' });
        rec.results[0]!.given = ['篡改'];
        rec.percent = 0;
        const got = (await s.getCheckAttempt(rec.id))!;
        got.results.length = 0;
        (await s.latestCheckAttempt(u1, 1))!.results.push({ id: 'q8', correct: true, answered: true, given: 'y' });
        (await s.listCheckAttempts(u1, 1))[0]!.results.length = 0;
        (await s.listModuleProgress(u1))[0]!.bestPercent = 1;
        expect(await s.getCheckAttempt(rec.id)).toEqual({ ...checkAttempt(u1, 1, 90, NOW), id: rec.id });
        expect((await s.listModuleProgress(u1))[0]!.bestPercent).toBe(90);
      });
    });

    describe('PlaysPort', () => {
      it('starts a play and reads it back by id, as the open play and in the person’s list', async () => {
        const u1 = await who('u1');
        const p = await s.startPlay(play(u1, 's1', { mode: 'assessment', deadline: at(30) }));
        expect(p).toEqual({ ...play(u1, 's1', { mode: 'assessment', deadline: at(30) }), id: expect.any(String), steps: [] });
        expect(await s.getPlay(p.id)).toEqual(p);
        expect(await s.openPlay(u1, 's1')).toEqual(p);
        expect(await s.openPlay(u1, 's2')).toBeUndefined();
        expect(await s.openPlay('u2', 's1')).toBeUndefined();
        const other = await s.startPlay(play(u1, 's2'));
        expect(ids(await s.listPlays(u1))).toEqual([p.id, other.id].sort());
        expect(ids(await s.listPlays(u1, 's2'))).toEqual([other.id]);
        expect(await s.listPlays('u2')).toEqual([]);
        expect(await s.getPlay('no-such-id')).toBeUndefined();
      });

      it('gives up the open play of that scenario when another starts, and no other', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        const first = await s.startPlay(play(u1, 's1'));
        const elsewhere = await s.startPlay(play(u1, 's2'));
        const someoneElse = await s.startPlay(play(u2, 's1'));
        const second = await s.startPlay(play(u1, 's1', { startedAt: at(5) }));
        expect(await s.getPlay(first.id)).toEqual({ ...first, end: 'abandoned', endedAt: at(5) });
        expect(await s.openPlay(u1, 's1')).toEqual(second);
        expect(await s.getPlay(elsewhere.id)).toEqual(elsewhere);
        expect(await s.getPlay(someoneElse.id)).toEqual(someoneElse);
        expect(await s.recordPlayStep(first.id, 0, step(6))).toEqual({ ok: false, reason: 'ended' });
      });

      it('records a step only while open, at the expected count and before the deadline', async () => {
        const u1 = await who('u1');
        const p = await s.startPlay(play(u1, 's1', { mode: 'assessment', deadline: at(10) }));
        expect(await s.recordPlayStep('no-such-play', 0, step(1))).toEqual({ ok: false, reason: 'gone' });
        const one = await s.recordPlayStep(p.id, 0, step(1));
        expect(one).toEqual({ ok: true, play: { ...p, steps: [step(1)] } });
        // A replayed request (still at 0 steps) or one a step behind changes nothing.
        expect(await s.recordPlayStep(p.id, 0, step(2))).toEqual({ ok: false, reason: 'moved' });
        expect(await s.recordPlayStep(p.id, 2, step(2))).toEqual({ ok: false, reason: 'moved' });
        expect(await s.recordPlayStep(p.id, 1, step(11))).toEqual({ ok: false, reason: 'timed-out' });
        expect(await s.getPlay(p.id)).toEqual({ ...p, steps: [step(1)] });
        expect(await s.recordPlayStep(p.id, 1, step(10))).toMatchObject({ ok: true, play: { steps: [step(1), step(10)] } });
      });

      it('stores the attempt and ends the play in the same step; later steps are refused', async () => {
        const u1 = await who('u1');
        const p = await s.startPlay(play(u1, 's1'));
        await s.recordPlayStep(p.id, 0, step(1));
        const scored = scenarioAttempt(u1, 's1', { choiceIds: ['c1', 'c2'], at: at(2) });
        const r = await s.recordPlayStep(p.id, 1, step(2), scored);
        if (!r.ok) throw new Error(`step refused: ${r.reason}`);
        expect(r.attempt).toEqual({ ...scored, id: expect.any(String), playId: p.id });
        expect(r.play).toEqual({ ...p, steps: [step(1), step(2)], end: 'finished', endedAt: at(2), attemptId: r.attempt!.id });
        expect(await s.getPlay(p.id)).toEqual(r.play);
        expect(await s.getScenarioAttempt(r.attempt!.id)).toEqual(r.attempt);
        expect(await s.listScenarioAttempts(u1, 's1')).toEqual([r.attempt]);
        expect(await s.openPlay(u1, 's1')).toBeUndefined();
        expect(await s.recordPlayStep(p.id, 2, step(3))).toEqual({ ok: false, reason: 'ended' });
        expect(await s.listScenarioAttempts(u1)).toHaveLength(1);
      });

      it('stores scored attempts as they are and lists a person’s, by scenario', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        const a = await s.recordScenarioAttempt(scenarioAttempt(u1, 's1'));
        const b = await s.recordScenarioAttempt(scenarioAttempt(u1, 's2', { mode: 'assessment', outcome: 'failed', breaches: [{ node: 'n1', choice: 'c1', rule: 'r1', chapter: 6, heading: '保密' }] }));
        await s.recordScenarioAttempt(scenarioAttempt(u2, 's1'));
        expect(a).toEqual({ ...scenarioAttempt(u1, 's1'), id: expect.any(String) });
        expect(await s.getScenarioAttempt(b.id)).toEqual(b);
        expect(ids(await s.listScenarioAttempts(u1))).toEqual([a.id, b.id].sort());
        expect(await s.listScenarioAttempts(u1, 's2')).toEqual([b]);
        expect(await s.listScenarioAttempts('u3')).toEqual([]);
        expect(await s.getScenarioAttempt('no-such-id')).toBeUndefined();
      });

      it('hands out copies of plays and attempts, and keeps none of the caller’s objects', async () => {
        const u1 = await who('u1');
        const p = await s.startPlay(play(u1, 's1'));
        const stepIn = step(1);
        await s.recordPlayStep(p.id, 0, stepIn);
        stepIn.choice = '改了输入';
        const got = (await s.getPlay(p.id))!;
        got.steps[0]!.mood = 99;
        got.steps.push(step(9));
        (await s.openPlay(u1, 's1'))!.steps.length = 0;
        (await s.listPlays(u1))[0]!.seed = '篡改';
        expect(await s.getPlay(p.id)).toEqual({ ...p, steps: [step(1)] });

        const input = scenarioAttempt(u1, 's1');
        const a = await s.recordScenarioAttempt(input);
        input.choiceIds.push('改了输入');
        input.totals.empathy = 99;
        a.moods.push(7);
        a.scores.overall = 0;
        const listed = (await s.listScenarioAttempts(u1))[0]!;
        listed.choiceIds.length = 0;
        (await s.getScenarioAttempt(a.id))!.totals.calmness = -1;
        expect(await s.getScenarioAttempt(a.id)).toEqual({ ...scenarioAttempt(u1, 's1'), id: a.id });
      });
    });

    describe('ExamsPort', () => {
      it('creates attempts and reads them back by id and by person', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        const a = await s.createExamAttempt(examAttempt(u1));
        // One open paper per person: the second comes once the first is handed in.
        await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: undefined }, at(1), false);
        const b = await s.createExamAttempt(examAttempt(u1, { seed: 'seed-2', startedAt: at(2) }));
        await s.createExamAttempt(examAttempt(u2));
        expect(a).toEqual({ ...examAttempt(u1), id: expect.any(String) });
        expect(await s.getExamAttempt(a.id)).toEqual({ ...a, submittedAt: at(1), result: examResult(50) });
        expect(ids(await s.listExamAttempts(u1))).toEqual([a.id, b.id].sort());
        expect(await s.listExamAttempts('u3')).toEqual([]);
        expect(await s.getExamAttempt('no-such-id')).toBeUndefined();
      });

      it('refuses a second open paper for one person (ConflictError), creating nothing', async () => {
        const [u1, u2] = await s.createUsers([person('exam.one'), person('exam.two')], NOW);
        const a = await s.createExamAttempt(examAttempt(u1!.id));
        const err = await s.createExamAttempt(examAttempt(u1!.id, { seed: 'seed-2', startedAt: at(1) })).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({ what: 'exam', id: u1!.id });
        expect(await s.listExamAttempts(u1!.id)).toEqual([a]);
        // Someone else's open paper is no obstacle.
        expect(await s.createExamAttempt(examAttempt(u2!.id))).toMatchObject({ userId: u2!.id });
      });

      it('saves and clears answers until the paper is handed in, then refuses', async () => {
        const u1 = await who('u1');
        const a = await s.createExamAttempt(examAttempt(u1));
        expect(await s.saveExamAnswer(a.id, 'q1', 'b', at(1))).toBe(true);
        expect(await s.saveExamAnswer(a.id, 'q2', ['d', 'e'], at(2))).toBe(true);
        expect(await s.getExamAttempt(a.id)).toEqual({ ...a, answers: { q1: 'b', q2: ['d', 'e'] }, savedAt: at(2) });
        expect(await s.saveExamAnswer(a.id, 'q1', undefined, at(3))).toBe(true);
        expect(await s.getExamAttempt(a.id)).toEqual({ ...a, answers: { q2: ['d', 'e'] }, savedAt: at(3) });
        expect(await s.saveExamAnswer('no-such-id', 'q1', 'a', at(3))).toBe(false);
        await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: at(3) }, at(4), false);
        expect(await s.saveExamAnswer(a.id, 'q1', 'c', at(5))).toBe(false);
        expect((await s.getExamAttempt(a.id))!.answers).toEqual({ q2: ['d', 'e'] });
        expect((await s.getExamAttempt(a.id))!.savedAt).toBe(at(3));
      });

      it('hands a paper in once: a second submit comes back unchanged with already', async () => {
        const u1 = await who('u1');
        const a = await s.createExamAttempt(examAttempt(u1));
        await s.saveExamAnswer(a.id, 'q1', 'a', at(1));
        const first = await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: at(1) }, at(2), false);
        const handedIn = { ...a, answers: { q1: 'a' }, savedAt: at(1), result: examResult(50), submittedAt: at(2) };
        expect(first).toEqual({ attempt: handedIn, already: false });
        expect(await s.getExamAttempt(a.id)).toEqual(handedIn);
        const again = await s.submitExamAttempt(a.id, { result: examResult(100), savedAt: at(1) }, at(3), true);
        expect(again).toEqual({ attempt: handedIn, already: true });
        expect(await s.getExamAttempt(a.id)).toEqual(handedIn);
        expect(await s.submitExamAttempt('no-such-id', { result: examResult(50), savedAt: undefined }, at(3), false)).toBeUndefined();
      });

      it('refuses a grading of answers that have changed since (moved), handing nothing in', async () => {
        const u1 = await who('u1');
        const a = await s.createExamAttempt(examAttempt(u1));
        await s.saveExamAnswer(a.id, 'q1', 'a', at(1));
        await s.saveExamAnswer(a.id, 'q1', 'b', at(2));
        expect(await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: at(1) }, at(3), false)).toEqual({ moved: true });
        expect(await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: undefined }, at(3), false)).toEqual({ moved: true });
        const stored = (await s.getExamAttempt(a.id))!;
        expect(stored.submittedAt).toBeUndefined();
        expect(stored.result).toBeUndefined();
        expect(await s.saveExamAnswer(a.id, 'q2', 'd', at(4))).toBe(true);
        // With what is saved now, it goes through; an automatic submission is marked.
        const r = await s.submitExamAttempt(a.id, { result: examResult(100), savedAt: at(4) }, at(5), true);
        expect(r).toMatchObject({ already: false, attempt: { submittedAt: at(5), autoSubmitted: true, result: examResult(100) } });
      });

      it('a paper never saved hands in with savedAt undefined', async () => {
        const u1 = await who('u1');
        const a = await s.createExamAttempt(examAttempt(u1));
        expect(await s.submitExamAttempt(a.id, { result: examResult(0), savedAt: undefined }, at(1), true)).toMatchObject({ already: false, attempt: { submittedAt: at(1), autoSubmitted: true } });
      });

      it('lists the open attempts whose deadline is before a time', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        const u3 = await who('u3');
        const u4 = await who('u4');
        const early = await s.createExamAttempt(examAttempt(u1, { deadline: at(10) }));
        const onTheDot = await s.createExamAttempt(examAttempt(u2, { deadline: at(20) }));
        const late = await s.createExamAttempt(examAttempt(u3, { deadline: at(30) }));
        const handedIn = await s.createExamAttempt(examAttempt(u4, { deadline: at(5) }));
        await s.submitExamAttempt(handedIn.id, { result: examResult(90), savedAt: undefined }, at(4), false);
        expect(ids(await s.listOverdueExamAttempts(at(20)))).toEqual([early.id]);
        expect(ids(await s.listOverdueExamAttempts(at(31)))).toEqual([early.id, onTheDot.id, late.id].sort());
        expect(await s.listOverdueExamAttempts(at(0))).toEqual([]);
      });

      it('hands out copies of attempts, and keeps none of the caller’s objects', async () => {
        const u1 = await who('u1');
        const input = examAttempt(u1, { answers: { q1: ['a'] } });
        const a = await s.createExamAttempt(input);
        (input.answers.q1 as string[]).push('改了输入');
        input.paper[0]!.order.reverse();
        a.paper.length = 0;
        (a.answers as Record<string, unknown>).q2 = 'x';
        const got = (await s.getExamAttempt(a.id))!;
        got.paper[1]!.order.push('z');
        (await s.listExamAttempts(u1))[0]!.answers.q1 = 'y';
        (await s.listOverdueExamAttempts(at(100)))[0]!.deadline = at(999);
        await s.saveExamAnswer(a.id, 'q2', 'd', at(1));
        expect(input.answers).toEqual({ q1: ['a', '改了输入'] });
        const submitted = await s.submitExamAttempt(a.id, { result: examResult(50), savedAt: at(1) }, at(2), false);
        if (!submitted || 'moved' in submitted) throw new Error('not handed in');
        submitted.attempt.result!.questions[0]!.credit = 0;
        expect(await s.getExamAttempt(a.id)).toEqual({ ...examAttempt(u1, { answers: { q1: ['a'], q2: 'd' } }), id: a.id, savedAt: at(1), submittedAt: at(2), result: examResult(50) });
      });
    });

    describe('CertificatesPort', () => {
      it('issues a certificate and finds it by id, code and holder', async () => {
        const u1 = await who('u1');
        const r = await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        expect(r).toEqual({ certificate: { ...certificate(u1, 'AAAA-1111'), id: expect.any(String) }, issued: true });
        const c = r.certificate;
        expect(await s.getCertificate(c.id)).toEqual(c);
        expect(await s.getCertificateByCode('AAAA-1111')).toEqual(c);
        expect(await s.listCertificates(u1)).toEqual([c]);
        expect(await s.listCertificates('u2')).toEqual([]);
        expect(await s.getCertificate('no-such-id')).toBeUndefined();
        expect(await s.getCertificateByCode('ZZZZ-9999')).toBeUndefined();
      });

      it('does not issue while one is in force: gives back the one held', async () => {
        const u1 = await who('u1');
        const { certificate: held } = await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        const again = await s.issueCertificate(certificate(u1, 'BBBB-2222', { issuedAt: at(10) }));
        expect(again).toEqual({ certificate: held, issued: false });
        expect(await s.listCertificates(u1)).toEqual([held]);
        expect(await s.getCertificateByCode('BBBB-2222')).toBeUndefined();
      });

      it('issues again once the held one has expired or was revoked', async () => {
        const u1 = await who('u1');
        const { certificate: old } = await s.issueCertificate(certificate(u1, 'AAAA-1111', { expiresAt: at(100) }));
        const renewed = await s.issueCertificate(certificate(u1, 'BBBB-2222', { issuedAt: at(100), expiresAt: at(100 + YEAR) }));
        expect(renewed.issued).toBe(true);
        expect(renewed.certificate.id).not.toBe(old.id);
        await s.revokeCertificate(renewed.certificate.id, 'hr-1', '材料造假', at(200));
        const after = await s.issueCertificate(certificate(u1, 'CCCC-3333', { issuedAt: at(300), expiresAt: at(300 + YEAR) }));
        expect(after.issued).toBe(true);
        expect(await s.listCertificates(u1)).toHaveLength(3);
      });

      it('refuses a code already used (DuplicateError certificate.code), issuing nothing', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        const err = await s.issueCertificate(certificate(u2, 'AAAA-1111')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateError);
        expect(err).not.toBeInstanceOf(DuplicateUsernameError);
        expect(err).toMatchObject({ field: 'certificate.code', value: 'AAAA-1111' });
        expect(await s.listCertificates(u2)).toEqual([]);
      });

      it('revokes a current certificate once, with its audit entry', async () => {
        const u1 = await who('u1');
        const { certificate: c } = await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        const revoked = await s.revokeCertificate(c.id, 'hr-1', '违规上岗', at(5));
        expect(revoked).toEqual({ ...c, revokedAt: at(5), revokedBy: 'hr-1', revokeReason: '违规上岗' });
        expect(await s.getCertificate(c.id)).toEqual(revoked);
        expect(await s.revokeCertificate(c.id, 'hr-2', '再次', at(6))).toBeUndefined();
        expect(await s.revokeCertificate('no-such-id', 'hr-1', '无', at(6))).toBeUndefined();
        expect(await audit()).toEqual([{ id: expect.any(String), at: at(5), actorId: 'hr-1', action: 'certificate.revoke', targetId: c.id, reason: '违规上岗', details: { userId: u1, code: 'AAAA-1111' } }]);
      });

      it('reissues a current certificate under a new code (same holder and expiry), superseding it; never a revoked or superseded one', async () => {
        const u1 = await who('u1');
        const { certificate: c } = await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        const fresh = await s.reissueCertificate(c.id, 'BBBB-2222', 'hr-1', '姓名更正', at(5));
        const { revokedAt: _r, ...expected } = { ...c, id: expect.any(String), code: 'BBBB-2222', issuedAt: at(5), reissuedFrom: c.id, revokedAt: undefined };
        void _r;
        expect(fresh).toEqual(expected);
        expect(await s.getCertificate(c.id)).toEqual({ ...c, supersededBy: fresh!.id });
        expect(await s.getCertificateByCode('BBBB-2222')).toEqual(fresh);
        expect(await s.reissueCertificate(c.id, 'CCCC-3333', 'hr-1', '再次', at(6))).toBeUndefined();
        await s.revokeCertificate(fresh!.id, 'hr-1', '撤销', at(7));
        expect(await s.reissueCertificate(fresh!.id, 'DDDD-4444', 'hr-1', '不行', at(8))).toBeUndefined();
        expect(await s.reissueCertificate('no-such-id', 'EEEE-5555', 'hr-1', '无', at(8))).toBeUndefined();
        expect(await s.listCertificates(u1)).toHaveLength(2);
        expect((await audit({ actions: ['certificate.reissue'] })).map((a) => [a.actorId, a.targetId, a.reason, a.details])).toEqual([['hr-1', c.id, '姓名更正', { userId: u1, code: 'AAAA-1111', newCertificateId: fresh!.id, newCode: 'BBBB-2222' }]]);
      });

      it('reinstates only a revoked certificate, and not while the holder has another in force', async () => {
        const u1 = await who('u1');
        const { certificate: c } = await s.issueCertificate(certificate(u1, 'AAAA-1111'));
        expect(await s.reinstateCertificate(c.id, 'BBBB-2222', 'hr-1', '未撤销', at(1))).toBeUndefined();
        await s.revokeCertificate(c.id, 'hr-1', '误判', at(2));
        const back = await s.reinstateCertificate(c.id, 'BBBB-2222', 'hr-2', '复核通过', at(3));
        expect(back).toMatchObject({ userId: u1, code: 'BBBB-2222', expiresAt: c.expiresAt, issuedAt: at(3), reissuedFrom: c.id });
        expect(back!.revokedAt).toBeUndefined();
        expect(await s.getCertificate(c.id)).toMatchObject({ revokedAt: at(2), revokeReason: '误判', supersededBy: back!.id });
        expect(await s.reinstateCertificate(c.id, 'CCCC-3333', 'hr-2', '再次', at(4))).toBeUndefined();
        expect((await audit({ actions: ['certificate.reinstate'] })).map((a) => [a.actorId, a.targetId, a.reason])).toEqual([['hr-2', c.id, '复核通过']]);
        // A second revoked one is not reinstated while the first's replacement is in force.
        await s.revokeCertificate(back!.id, 'hr-1', '再撤销', at(5));
        const { certificate: other } = await s.issueCertificate(certificate(u1, 'DDDD-4444', { issuedAt: at(6) }));
        expect(await s.reinstateCertificate(back!.id, 'EEEE-5555', 'hr-1', '不行', at(7))).toBeUndefined();
        expect(ids(await s.listCertificates(u1))).toEqual([c.id, back!.id, other.id].sort());
        expect(await s.reinstateCertificate('no-such-id', 'FFFF-6666', 'hr-1', '无', at(7))).toBeUndefined();
      });

      it('keeps waivers with their audit entries; getWaiver gives the latest', async () => {
        const u1 = await who('u1');
        const u2 = await who('u2');
        expect(await s.getWaiver(u1)).toBeUndefined();
        await s.addWaiver({ userId: u1, by: 'trainer-1', reason: '老员工转岗', at: at(1) });
        const latest = { userId: u1, by: 'trainer-2', reason: '复核', at: at(2) };
        await s.addWaiver(latest);
        await s.addWaiver({ userId: u2, by: 'trainer-1', reason: '其他人', at: at(3) });
        latest.reason = '改了输入';
        expect(await s.getWaiver(u1)).toEqual({ userId: u1, by: 'trainer-2', reason: '复核', at: at(2) });
        const got = (await s.getWaiver(u1))!;
        got.by = '篡改';
        expect((await s.getWaiver(u1))!.by).toBe('trainer-2');
        expect((await audit({ actions: ['prerequisites.waive'] })).map((a) => [a.at, a.actorId, a.targetId, a.reason])).toEqual([
          [at(1), 'trainer-1', u1, '老员工转岗'],
          [at(2), 'trainer-2', u1, '复核'],
          [at(3), 'trainer-1', u2, '其他人'],
        ]);
      });

      it('hands out copies of certificates, and keeps none of the caller’s objects', async () => {
        const u1 = await who('u1');
        const input = certificate(u1, 'AAAA-1111');
        const { certificate: c } = await s.issueCertificate(input);
        input.scenarios.push('改了输入');
        input.dimensions.calmness = 0;
        input.contentVersions.scenarios.s1 = 99;
        c.scenarios.length = 0;
        c.dimensions.empathy = 0;
        (await s.getCertificate(c.id))!.contentVersions.scenarios.s2 = 0;
        (await s.getCertificateByCode('AAAA-1111'))!.scenarios.push('x');
        (await s.listCertificates(u1))[0]!.dimensions.solution = 0;
        (await s.listAllCertificates({})).items[0]!.scenarios.pop();
        expect(await s.getCertificate(c.id)).toEqual({ ...certificate(u1, 'AAAA-1111'), id: c.id });
      });
    });

    describe('CohortsPort', () => {
      // The trainer is an account; trainees may stay made up (a cohort's trainee list references no account).
      const cohort = (trainerId: string, over: Partial<{ name: string; traineeIds: string[]; dueDate: string; createdAt: string }> = {}) => ({ name: '十一月新员工班', trainerId, traineeIds: ['t1', 't2'], createdAt: NOW, ...over });

      it('creates a cohort with its trainees (each once) and the audit entries', async () => {
        const trainer1 = await who('trainer-1');
        const c = await s.createCohort(cohort(trainer1, { traineeIds: ['t1', 't2', 't1'], dueDate: '2026-12-31' }), trainer1);
        expect(c).toEqual({ id: expect.any(String), name: '十一月新员工班', trainerId: trainer1, traineeIds: ['t1', 't2'], dueDate: '2026-12-31', createdAt: NOW, members: [{ userId: 't1', joinedAt: NOW }, { userId: 't2', joinedAt: NOW }] });
        expect(await s.getCohort(c.id)).toEqual(c);
        const details = { cohortId: c.id, cohortName: '十一月新员工班' };
        expect(await audit()).toEqual([
          { id: expect.any(String), at: NOW, actorId: trainer1, action: 'cohort.create', targetId: c.id, details: { ...details, count: 2 } },
          { id: expect.any(String), at: NOW, actorId: trainer1, action: 'cohort.enrol', targetId: 't1', details },
          { id: expect.any(String), at: NOW, actorId: trainer1, action: 'cohort.enrol', targetId: 't2', details },
        ]);
        expect(await s.getCohort('no-such-id')).toBeUndefined();
      });

      it("lists a trainer's own cohorts, or all; updates name and due date", async () => {
        const trainer1 = await who('trainer-1');
        const trainer2 = await who('trainer-2');
        const a = await s.createCohort(cohort(trainer1), trainer1);
        const b = await s.createCohort(cohort(trainer2, { name: '二班' }), 'admin-1');
        expect(ids(await s.listCohorts(trainer1))).toEqual([a.id]);
        expect(ids(await s.listCohorts())).toEqual([a.id, b.id].sort());
        expect(await s.listCohorts('trainer-3')).toEqual([]);
        const updated = await s.updateCohort(a.id, { name: '改名班', dueDate: '2027-01-15' });
        expect(updated).toEqual({ ...a, name: '改名班', dueDate: '2027-01-15' });
        expect(await s.getCohort(a.id)).toEqual(updated);
        expect(await s.updateCohort('no-such-id', { name: 'x' })).toBeUndefined();
      });

      it('enrols new trainees only, keeping the history, with an audit entry each', async () => {
        const trainer1 = await who('trainer-1');
        const c = await s.createCohort(cohort(trainer1), trainer1);
        const r = await s.enrol(c.id, ['t2', 't3', 't3', 't4'], trainer1, at(5));
        expect(r).toEqual({ added: 2, cohort: { ...c, traineeIds: ['t1', 't2', 't3', 't4'], members: [...c.members!, { userId: 't3', joinedAt: at(5) }, { userId: 't4', joinedAt: at(5) }] } });
        expect(await s.getCohort(c.id)).toEqual(r!.cohort);
        expect((await audit({ actions: ['cohort.enrol'], from: at(5) })).map((a) => a.targetId)).toEqual(['t3', 't4']);
        expect(await s.enrol(c.id, ['t1'], trainer1, at(6))).toMatchObject({ added: 0 });
        expect(await audit({ from: at(6) })).toEqual([]);
        expect(await s.enrol('no-such-id', ['t9'], trainer1, at(6))).toBeUndefined();
      });

      it('unenrols a trainee (audited, the stay closed), enrols them again as a new stay', async () => {
        const trainer1 = await who('trainer-1');
        const c = await s.createCohort(cohort(trainer1), trainer1);
        const out = await s.unenrol(c.id, 't1', trainer1, at(5));
        expect(out).toEqual({ ...c, traineeIds: ['t2'], members: [{ userId: 't1', joinedAt: NOW, leftAt: at(5) }, { userId: 't2', joinedAt: NOW }] });
        expect(await s.getCohort(c.id)).toEqual(out);
        expect(await s.unenrol(c.id, 't1', trainer1, at(6))).toBeUndefined();
        expect(await s.unenrol('no-such-id', 't2', trainer1, at(6))).toBeUndefined();
        expect(await audit({ actions: ['cohort.remove'] })).toEqual([{ id: expect.any(String), at: at(5), actorId: trainer1, action: 'cohort.remove', targetId: 't1', details: { cohortId: c.id, cohortName: '十一月新员工班' } }]);
        const back = await s.enrol(c.id, ['t1'], trainer1, at(7));
        expect(back!.cohort.members).toEqual([{ userId: 't1', joinedAt: NOW, leftAt: at(5) }, { userId: 't2', joinedAt: NOW }, { userId: 't1', joinedAt: at(7) }]);
        expect(back!.cohort.traineeIds.sort()).toEqual(['t1', 't2']);
      });

      it('gives the cohorts a trainee is in now', async () => {
        const trainer1 = await who('trainer-1');
        const a = await s.createCohort(cohort(trainer1, { traineeIds: ['t1'] }), trainer1);
        const b = await s.createCohort(cohort(trainer1, { traineeIds: ['t1', 't2'] }), 'trainer-2');
        expect(ids(await s.cohortsOf('t1'))).toEqual([a.id, b.id].sort());
        await s.unenrol(a.id, 't1', trainer1, at(1));
        expect(ids(await s.cohortsOf('t1'))).toEqual([b.id]);
        expect(await s.cohortsOf('t9')).toEqual([]);
      });

      it('hands out copies of cohorts, and keeps none of the caller’s objects', async () => {
        const trainer1 = await who('trainer-1');
        const input = cohort(trainer1);
        const c = await s.createCohort(input, trainer1);
        input.traineeIds.push('改了输入');
        c.traineeIds.push('x');
        c.members!.length = 0;
        (await s.getCohort(c.id))!.members!.push({ userId: 'y', joinedAt: NOW });
        (await s.listCohorts())[0]!.traineeIds.length = 0;
        (await s.cohortsOf('t1'))[0]!.name = '篡改';
        (await s.enrol(c.id, [], trainer1, at(1)))!.cohort.traineeIds.pop();
        expect(await s.getCohort(c.id)).toEqual({ ...cohort(trainer1), id: c.id, members: [{ userId: 't1', joinedAt: NOW }, { userId: 't2', joinedAt: NOW }] });
      });
    });

    describe('LivePort', () => {
      it('creates a live session and finds it by id, open code and cohort', async () => {
        const created = await s.createLiveSession(liveSession('live-1', '123456'));
        expect(created).toEqual(liveSession('live-1', '123456'));
        expect(await s.getLiveSession('live-1')).toEqual(created);
        expect(await s.findLiveSessionByCode('123456')).toEqual(created);
        await s.createLiveSession(liveSession('live-2', '654321', { cohortId: 'cohort-2' }));
        expect(ids(await s.listLiveSessions('cohort-1'))).toEqual(['live-1']);
        expect(await s.listLiveSessions('cohort-9')).toEqual([]);
        expect(await s.getLiveSession('no-such-id')).toBeUndefined();
        expect(await s.findLiveSessionByCode('000000')).toBeUndefined();
      });

      it('refuses a code in use by an open session, and allows it again once that one ended', async () => {
        await s.createLiveSession(liveSession('live-1', '123456'));
        const err = await s.createLiveSession(liveSession('live-2', '123456')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DuplicateError);
        expect(err).toMatchObject({ field: 'liveSession.code', value: '123456' });
        expect(await s.getLiveSession('live-2')).toBeUndefined();
        const running = await s.updateLiveSession('live-1', 0, liveSession('live-1', '123456', { status: 'running' }));
        await expect(s.createLiveSession(liveSession('live-2', '123456'))).rejects.toBeInstanceOf(DuplicateError);
        await s.updateLiveSession('live-1', running!.revision!, liveSession('live-1', '123456', { status: 'ended', endedAt: at(30) }));
        expect(await s.findLiveSessionByCode('123456')).toBeUndefined();
        const again = await s.createLiveSession(liveSession('live-2', '123456', { createdAt: at(31) }));
        expect(await s.findLiveSessionByCode('123456')).toEqual(again);
        expect(ids(await s.listLiveSessions('cohort-1'))).toEqual(['live-1', 'live-2']);
      });

      it('updates at the current revision only, one up per write; a stale one is a ConflictError and changes nothing', async () => {
        await s.createLiveSession(liveSession('live-1', '123456'));
        const one = await s.updateLiveSession('live-1', 0, liveSession('live-1', '123456', { status: 'running', participants: ['t1'] }));
        expect(one).toEqual(liveSession('live-1', '123456', { status: 'running', participants: ['t1'], revision: 1 }));
        expect(await s.getLiveSession('live-1')).toEqual(one);
        const two = await s.updateLiveSession('live-1', 1, { ...one!, votes: { t1: 'c1' } });
        expect(two!.revision).toBe(2);
        const err = await s.updateLiveSession('live-1', 1, { ...one!, status: 'ended' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConflictError);
        expect(err).toMatchObject({ id: 'live-1' });
        expect(await s.getLiveSession('live-1')).toEqual(two);
        // The revision is the store's: whatever the caller's record says, the stored one is revision + 1.
        expect((await s.updateLiveSession('live-1', 2, { ...two!, revision: 40 }))!.revision).toBe(3);
        expect(await s.updateLiveSession('no-such-id', 0, liveSession('no-such-id', '999999'))).toBeUndefined();
        expect(await s.getLiveSession('no-such-id')).toBeUndefined();
      });

      it('hands out copies of live sessions, and keeps none of the caller’s objects', async () => {
        const input = liveSession('live-1', '123456', { participants: ['t1'], votes: { t1: 'c1' } });
        const created = await s.createLiveSession(input);
        input.participants.push('改了输入');
        created.votes.t2 = 'c2';
        (await s.getLiveSession('live-1'))!.participants.length = 0;
        (await s.findLiveSessionByCode('123456'))!.history.push({ node: 'n', tally: {}, chosen: 'c', by: 'class' });
        (await s.listLiveSessions('cohort-1'))[0]!.path.push('p');
        const next = liveSession('live-1', '123456', { participants: ['t1', 't2'] });
        const updated = await s.updateLiveSession('live-1', 0, next);
        next.participants.push('t3');
        updated!.participants.push('t4');
        expect(await s.getLiveSession('live-1')).toEqual({ ...liveSession('live-1', '123456', { participants: ['t1', 't2'] }), revision: 1 });
      });

      it('keeps one score per rater, agent and session: a second replaces the first', async () => {
        const agent1 = await who('agent-1');
        const rater1 = await who('rater-1');
        const rater2 = await who('rater-2');
        const first = await s.addObservation(observation(agent1, rater1, { calmness: 2 }));
        expect(first).toEqual({ ...observation(agent1, rater1, { calmness: 2 }), id: expect.any(String) });
        const otherRater = await s.addObservation(observation(agent1, rater2));
        const otherSession = await s.addObservation(observation(agent1, rater1, { sessionId: 'live-2' }));
        const replaced = await s.addObservation(observation(agent1, rater1, { calmness: 5, comment: '改正后', at: at(5) }));
        const all = await s.listObservations({ agentId: agent1 });
        expect(ids(all)).toEqual([otherRater.id, otherSession.id, replaced.id].sort());
        expect(all.find((o) => o.id === replaced.id)).toEqual({ ...observation(agent1, rater1, { calmness: 5, comment: '改正后', at: at(5) }), id: replaced.id });
        expect(all.some((o) => o.id === first.id)).toBe(false);
      });

      it('lists observations by agent, session and cohort, combined', async () => {
        const agent1 = await who('agent-1');
        const agent2 = await who('agent-2');
        const rater1 = await who('rater-1');
        const rater3 = await who('rater-3');
        const a = await s.addObservation(observation(agent1, rater1));
        const b = await s.addObservation(observation(agent2, rater1));
        const c = await s.addObservation(observation(agent1, rater1, { sessionId: 'live-2', cohortId: 'cohort-2' }));
        const d = await s.addObservation(observation(agent2, rater3, { sessionId: 'live-3' }));
        expect(ids(await s.listObservations({ agentId: agent1 }))).toEqual([a.id, c.id].sort());
        expect(ids(await s.listObservations({ sessionId: 'live-1' }))).toEqual([a.id, b.id].sort());
        expect(ids(await s.listObservations({ cohortId: 'cohort-1' }))).toEqual([a.id, b.id, d.id].sort());
        expect(ids(await s.listObservations({ agentId: agent2, cohortId: 'cohort-1' }))).toEqual([b.id, d.id].sort());
        expect(ids(await s.listObservations({ agentId: agent2, sessionId: 'live-3' }))).toEqual([d.id]);
        expect(ids(await s.listObservations({ sessionId: 'live-2', cohortId: 'cohort-1' }))).toEqual([]);
        expect(ids(await s.listObservations({}))).toEqual([a.id, b.id, c.id, d.id].sort());
        const got = (await s.listObservations({ agentId: agent1 }))[0]!;
        got.comment = '篡改';
        expect((await s.listObservations({ sessionId: 'live-1', agentId: agent1 }))[0]!.comment).toBe('处理得当');
      });
    });

    describe('AuditPort', () => {
      it('appends entries and lists them oldest first, filtered by action, actor, target and time', async () => {
        const entries = [
          auditEntry({ at: at(1), action: 'export', actorId: 'hr-1', targetId: 'x' }),
          auditEntry({ at: at(2), action: 'user.create', actorId: 'admin-1', targetId: 'u1', details: { role: 'trainee' } }),
          auditEntry({ at: at(3), action: 'certificate.revoke', actorId: 'hr-1', targetId: 'c1', reason: '违规' }),
          auditEntry({ at: at(4), action: 'export', actorId: 'admin-1', targetId: 'u1' }),
          auditEntry({ at: at(5), action: 'view.sensitive', actorId: 'hr-2', targetId: 'u2' }),
        ];
        for (const e of entries) await s.appendAudit(e);
        const all = await audit();
        expect(all).toEqual(entries.map((e) => ({ ...e, id: expect.any(String) })));
        expect(new Set(all.map((a) => a.id)).size).toBe(5);
        const pick = async (f: Parameters<Storage['listAudit']>[0]) => (await audit(f)).map((a) => a.at);
        expect(await pick({ actions: ['export'] })).toEqual([at(1), at(4)]);
        expect(await pick({ actions: ['export', 'view.sensitive'] })).toEqual([at(1), at(4), at(5)]);
        expect(await pick({ actions: [] })).toEqual([]);
        expect(await pick({ actorId: 'hr-1' })).toEqual([at(1), at(3)]);
        expect(await pick({ targetId: 'u1' })).toEqual([at(2), at(4)]);
        expect(await pick({ from: at(2), to: at(4) })).toEqual([at(2), at(3)]);
        expect(await pick({ from: at(5) })).toEqual([at(5)]);
        expect(await pick({ to: at(1) })).toEqual([]);
        expect(await pick({ actorId: 'admin-1', actions: ['export'], from: at(1) })).toEqual([at(4)]);
        expect(await pick({ newestFirst: true })).toEqual([at(5), at(4), at(3), at(2), at(1)]);
        expect(await pick({ newestFirst: true, actorId: 'hr-1' })).toEqual([at(3), at(1)]);
      });

      it('hands out copies of entries, details included, and keeps none of the caller’s objects', async () => {
        const input = auditEntry({ details: { role: 'trainee', ids: ['a'] } });
        await s.appendAudit(input);
        (input.details!.ids as string[]).push('改了输入');
        input.details!.role = 'admin';
        const [got] = await audit();
        got!.details!.role = 'hr';
        (got!.details!.ids as string[]).length = 0;
        got!.actorId = '篡改';
        expect(await audit()).toEqual([{ ...auditEntry({ details: { role: 'trainee', ids: ['a'] } }), id: got!.id }]);
      });

      it('pages the log: every entry once, in order, with the total, newest first too', async () => {
        for (let i = 0; i < 7; i++) await s.appendAudit(auditEntry({ at: at(i), targetId: `t${i}` }));
        await s.appendAudit(auditEntry({ at: at(8), actorId: 'other', targetId: 'other' }));
        const targets = [0, 1, 2, 3, 4, 5, 6].map((i) => `t${i}`);
        await expectPaging((p) => s.listAudit({ actorId: 'admin-1' }, p), targets, (a) => a.targetId);
        await expectPaging((p) => s.listAudit({ actorId: 'admin-1', newestFirst: true }, p), [...targets].reverse(), (a) => a.targetId);
        await expectPaging((p) => s.listAudit({ actorId: 'admin-1' }, p), targets, (a) => a.targetId, 7);
        await expectPaging((p) => s.listAudit({ actorId: 'nobody' }, p), [], (a) => a.targetId);
      });
    });

    describe('ReportsPort', () => {
      it("gives HR's filter choices: trainees' sites, departments and hire months, active or not, and no one else's, and the cohorts by name", async () => {
        await s.createUsers([
          person('t1', { site: '翠湖天地', department: '客服部', hireDate: '2026-03-02' }),
          person('t2', { site: '阳光花园', department: '工程部', hireDate: '2026-11-20', active: false }),
          person('t3', { site: '阳光花园', department: '', hireDate: '2026-03-15' }),
          person('t4', { site: '', department: '客服部' }),
          person('boss', { role: 'trainer', site: '金色家园', department: '培训部', hireDate: '2020-01-01' }),
        ], NOW);
        const before = await s.traineeFacets();
        expect(before).toEqual({ sites: ['翠湖天地', '阳光花园'].sort(), departments: ['客服部', '工程部'].sort(), hireMonths: ['2026-11', '2026-03'], cohorts: before.cohorts });
        // Kept current: a trainee moved to another site, the trainer made a trainee.
        const t1 = (await s.getUserByUsername('t1'))!;
        await s.updateUser(t1.id, { site: '紫荆苑', hireDate: '2025-07-01' }, NOW);
        await s.updateUser((await s.getUserByUsername('boss'))!.id, { role: 'trainee' }, NOW);
        const trainer = await who('cohort.trainer', { role: 'trainer' });
        const a = await s.createCohort({ name: '三月班', trainerId: trainer, traineeIds: [t1.id], createdAt: NOW }, trainer);
        const b = await s.createCohort({ name: '四月班', trainerId: trainer, traineeIds: [], createdAt: NOW }, trainer);
        await s.updateCohort(a.id, { name: '三月班（改）' });
        expect(await s.traineeFacets()).toEqual({
          sites: ['紫荆苑', '阳光花园', '金色家园'].sort(),
          departments: ['客服部', '工程部', '培训部'].sort(),
          hireMonths: ['2026-11', '2026-03', '2025-07', '2020-01'],
          cohorts: [...before.cohorts, { id: a.id, name: '三月班（改）' }, { id: b.id, name: '四月班' }],
        });
      });

      it('pages waivers and certificates newest first', async () => {
        const u: string[] = [];
        for (let i = 0; i < 7; i++) u.push(await who(`u${i}`));
        for (let i = 0; i < 7; i++) await s.addWaiver({ userId: u[i]!, by: 'trainer-1', reason: '转岗', at: at(i) });
        for (let i = 0; i < 7; i++) await s.issueCertificate(certificate(u[i]!, `CODE-${i}`, { issuedAt: at(i) }));
        const newestFirst = [6, 5, 4, 3, 2, 1, 0].map((i) => u[i]!);
        await expectPaging((p) => s.listWaivers(p), newestFirst, (w) => w.userId);
        await expectPaging((p) => s.listAllCertificates(p), newestFirst, (c) => c.userId);
        await expectPaging((p) => s.listAllCertificates(p), newestFirst, (c) => c.userId, 2);
        const w = (await s.listWaivers({})).items[0]!;
        w.reason = '篡改';
        expect((await s.listWaivers({})).items[0]!.reason).toBe('转岗');
      });

      it('gives trainees by user name with all their records, filtered, a page at a time', async () => {
        const users = await s.createUsers(
          [
            person('t.c'),
            person('t.a'),
            person('t.e', { site: '翠湖天地' }),
            person('t.b', { department: '工程部' }),
            person('t.d', { active: false }),
            person('trainer.x', { role: 'trainer' }),
          ],
          NOW,
        );
        const byName = new Map(users.map((u) => [u.username, u]));
        const a = byName.get('t.a')!;
        await s.markModuleOpened(a.id, 1, NOW);
        const attempt = await s.recordScenarioAttempt(scenarioAttempt(a.id, 's1'));
        const exam = await s.createExamAttempt(examAttempt(a.id));
        const { certificate: cert } = await s.issueCertificate(certificate(a.id, 'AAAA-1111'));
        // Rated by the trainer: an account, and none that the trainee lists below count.
        const obs = await s.addObservation(observation(a.id, byName.get('trainer.x')!.id));
        const cohort = await s.createCohort({ name: '一班', trainerId: byName.get('trainer.x')!.id, traineeIds: [a.id, byName.get('t.b')!.id], createdAt: NOW }, 'admin-1');
        // Another trainee's records do not appear on a's.
        await s.recordScenarioAttempt(scenarioAttempt(byName.get('t.c')!.id, 's1'));

        const names = async (f: Parameters<Storage['traineeRecords']>[0]) => (await allPages((p) => s.traineeRecords(f, p))).map((r) => r.user.username);
        expect(await names({})).toEqual(['t.a', 't.b', 't.c', 't.e']);
        expect(await names({ includeInactive: true })).toEqual(['t.a', 't.b', 't.c', 't.d', 't.e']);
        expect(await names({ site: '翠湖天地' })).toEqual(['t.e']);
        expect(await names({ department: '工程部' })).toEqual(['t.b']);
        expect(await names({ role: 'trainer' })).toEqual(['trainer.x']);
        expect(await names({ ids: [byName.get('t.e')!.id, a.id, byName.get('t.d')!.id, 'no-such-id', byName.get('trainer.x')!.id] })).toEqual(['t.a', 't.e']);
        expect(await names({ ids: [] })).toEqual([]);
        await expectPaging((p) => s.traineeRecords({ includeInactive: true }, p), ['t.a', 't.b', 't.c', 't.d', 't.e'], (r) => r.user.username, 2);
        // The same people walked page by page: the same order, pages of the size asked for.
        const walked: string[][] = [];
        for await (const page of s.traineeRecordPages({ includeInactive: true }, 2)) walked.push(page.map((r) => r.user.username));
        expect(walked).toEqual([['t.a', 't.b'], ['t.c', 't.d'], ['t.e']]);
        const filtered: string[] = [];
        for await (const page of s.traineeRecordPages({ site: '翠湖天地' })) filtered.push(...page.map((r) => r.user.username));
        expect(filtered).toEqual(['t.e']);
        for await (const page of s.traineeRecordPages({ ids: [a.id] })) expect(page.map((r) => r.cohorts)).toEqual([[cohort]]);

        const [rec] = (await s.traineeRecords({ ids: [a.id] }, {})).items;
        expect(rec!.user).toEqual(a);
        expect(rec!.moduleProgress).toEqual([{ userId: a.id, chapter: 1, openedAt: NOW, lastOpenedAt: NOW }]);
        expect(rec!.scenarioAttempts).toEqual([attempt]);
        expect(rec!.examAttempts).toEqual([exam]);
        expect(rec!.certificates).toEqual([cert]);
        expect(rec!.observations).toEqual([obs]);
        expect(rec!.cohorts).toEqual([cohort]);
        const [c] = (await s.traineeRecords({ ids: [byName.get('t.c')!.id] }, {})).items;
        expect(c!.scenarioAttempts).toHaveLength(1);
        expect([c!.moduleProgress, c!.examAttempts, c!.certificates, c!.observations, c!.cohorts]).toEqual([[], [], [], [], []]);
      });

      // 1,001 people with a certificate and a waiver each: on PostgreSQL 2,000 transactions, each refreshing the
      // person's read-model row; over the default 30 s on a busy machine.
      it(`caps a page at MAX_PAGE (${MAX_PAGE}) items, and the next page has the rest`, async () => {
        const n = MAX_PAGE + 1;
        const users = await s.createUsers(Array.from({ length: n }, (_, i) => person(`p${String(i).padStart(5, '0')}`)), NOW);
        // Twenty at a time: a thousand at once queue for the pool past its connect timeout on a busy machine.
        for (let i = 0; i < n; i += 20) {
          const some = users.slice(i, i + 20);
          await Promise.all(some.map((u, k) => s.issueCertificate(certificate(u.id, `CODE-${i + k}`))));
          await Promise.all(some.map((u) => s.addWaiver({ userId: u.id, by: 'trainer-1', reason: '转岗', at: NOW })));
        }
        const reads: Array<[string, (p: PageRequest) => Promise<Page<unknown>>, (x: never) => string]> = [
          ['listAudit', (p) => s.listAudit({ actions: ['prerequisites.waive'] }, p), (a: AuditRecord) => a.id],
          ['listWaivers', (p) => s.listWaivers(p), (w: { userId: string }) => w.userId],
          ['listAllCertificates', (p) => s.listAllCertificates(p), (c: CertificateRecord) => c.id],
          ['traineeRecords', (p) => s.traineeRecords({}, p), (r: { user: { id: string } }) => r.user.id],
        ];
        for (const [what, read, key] of reads) {
          const first = await read({ limit: 5 * MAX_PAGE });
          expect(first.items, what).toHaveLength(MAX_PAGE);
          expect(first.total, what).toBe(n);
          expect(first.next, what).toBe(MAX_PAGE);
          expect((await read({})).items, what).toHaveLength(MAX_PAGE);
          const rest = await read({ from: first.next, limit: 5 * MAX_PAGE });
          expect(rest.items, what).toHaveLength(1);
          expect(rest.next, what).toBeUndefined();
          const keys = [...first.items, ...rest.items].map((x) => key(x as never));
          expect(new Set(keys).size, what).toBe(n);
        }
      }, 180_000);
    });

    describe('RateLimiterPort', () => {
      const kind = { quietMs: 1000, spanMs: 2500 };
      const hit = (key: string) => ({ key, ...kind });

      it('counts hits: a new counter starts at 1, expires quietMs after the last hit, never later than spanMs after the first', async () => {
        expect(await s.limiter.add([hit('k')], 10_000)).toEqual([{ key: 'k', count: 1, first: 10_000, last: 10_000, expires: 11_000 }]);
        expect(await s.limiter.add([hit('k')], 10_900)).toEqual([{ key: 'k', count: 2, first: 10_000, last: 10_900, expires: 11_900 }]);
        expect(await s.limiter.add([hit('k')], 11_800)).toEqual([{ key: 'k', count: 3, first: 10_000, last: 11_800, expires: 12_500 }]);
        expect(await s.limiter.read(['k'], 12_499)).toEqual([{ key: 'k', count: 3, first: 10_000, last: 11_800, expires: 12_500 }]);
        // Expired at `expires`: gone from reads, and the next hit starts again.
        expect(await s.limiter.read(['k'], 12_500)).toEqual([]);
        expect(await s.limiter.add([hit('k')], 12_500)).toEqual([{ key: 'k', count: 1, first: 12_500, last: 12_500, expires: 13_500 }]);
      });

      it('a counter left quiet for quietMs starts again', async () => {
        await s.limiter.add([hit('q')], 0);
        await s.limiter.add([hit('q')], 500);
        expect(await s.limiter.read(['q'], 1499)).toMatchObject([{ count: 2 }]);
        expect(await s.limiter.add([hit('q')], 1500)).toEqual([{ key: 'q', count: 1, first: 1500, last: 1500, expires: 2500 }]);
      });

      it('adds to several counters in one call, each with its own timing, and reads only the keys asked for', async () => {
        const out = await s.limiter.add([hit('a'), { key: 'b', quietMs: 60_000, spanMs: 3_600_000 }], 5000);
        expect(out).toEqual([
          { key: 'a', count: 1, first: 5000, last: 5000, expires: 6000 },
          { key: 'b', count: 1, first: 5000, last: 5000, expires: 65_000 },
        ]);
        await s.limiter.add([hit('c')], 5000);
        const read = await s.limiter.read(['b', 'a', 'unknown'], 5500);
        expect(read.sort((x, y) => x.key.localeCompare(y.key))).toEqual(out);
        expect(await s.limiter.read(['a', 'b'], 7000)).toEqual([out[1]]);
        expect(await s.limiter.read([], 5000)).toEqual([]);
      });

      it('counts every one of many parallel hits', async () => {
        const n = 25;
        const results = await Promise.all(Array.from({ length: n }, () => s.limiter.add([hit('p'), hit('p2')], 1000)));
        expect(results.map((r) => r[0]!.count).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(results.map((r) => r[1]!.count).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(await s.limiter.read(['p', 'p2'], 1000)).toHaveLength(2);
        expect((await s.limiter.read(['p'], 1000))[0]!.count).toBe(n);
      });

      it('counts a key given twice in one call twice, returning each step', async () => {
        expect(await s.limiter.add([hit('twice'), hit('once'), hit('twice')], 1000)).toEqual([
          { key: 'twice', count: 1, first: 1000, last: 1000, expires: 2000 },
          { key: 'once', count: 1, first: 1000, last: 1000, expires: 2000 },
          { key: 'twice', count: 2, first: 1000, last: 1000, expires: 2000 },
        ]);
      });

      it('counts parallel calls that hit the same counters in different orders', async () => {
        const n = 20;
        const results = await Promise.all(Array.from({ length: n }, (_, i) => s.limiter.add(i % 2 ? [hit('x'), hit('y'), hit('z')] : [hit('z'), hit('y'), hit('x')], 1000)));
        // Each call's counters come back in the order it gave the keys.
        results.forEach((r, i) => expect(r.map((c) => c.key)).toEqual(i % 2 ? ['x', 'y', 'z'] : ['z', 'y', 'x']));
        expect((await s.limiter.read(['x', 'y', 'z'], 1000)).map((c) => c.count)).toEqual([n, n, n]);
      });

      it('removes a counter; the next hit starts at 1, and removing an unknown key is harmless', async () => {
        await s.limiter.add([hit('r'), hit('keep')], 0);
        await s.limiter.add([hit('r')], 100);
        await s.limiter.remove('r');
        await s.limiter.remove('never-there');
        expect(await s.limiter.read(['r', 'keep'], 200)).toEqual([{ key: 'keep', count: 1, first: 0, last: 0, expires: 1000 }]);
        expect(await s.limiter.add([hit('r')], 300)).toEqual([{ key: 'r', count: 1, first: 300, last: 300, expires: 1300 }]);
      });
    });

    describe('NotifierPort', () => {
      it("reaches every subscriber of the topic, in order, and nobody else's", async () => {
        const a1 = recorder();
        const a2 = recorder();
        const b = recorder();
        const stops = [s.notifier.subscribe('live:a', a1.listener), s.notifier.subscribe('live:a', a2.listener), s.notifier.subscribe('live:b', b.listener)];
        await s.notifier.publish('live:b', 'for-b');
        await s.notifier.publish('live:a', 'first');
        await s.notifier.publish('live:a', 'second');
        await Promise.all([a1.received(2), a2.received(2), b.received(1)]);
        expect(a1.got).toEqual(['first', 'second']);
        expect(a2.got).toEqual(['first', 'second']);
        expect(b.got).toEqual(['for-b']);
        for (const stop of stops) stop();
      });

      it('stops calling a listener once it unsubscribes, and keeps calling the others', async () => {
        const gone = recorder();
        const stays = recorder();
        const unsubscribe = s.notifier.subscribe('live:x', gone.listener);
        const stop = s.notifier.subscribe('live:x', stays.listener);
        await s.notifier.publish('live:x', 'one');
        await Promise.all([gone.received(1), stays.received(1)]);
        unsubscribe();
        await s.notifier.publish('live:x', 'two');
        await stays.received(2);
        expect(stays.got).toEqual(['one', 'two']);
        expect(gone.got).toEqual(['one']);
        stop();
        // With nobody subscribed, publishing still works.
        await s.notifier.publish('live:x', 'three');
        expect(stays.got).toEqual(['one', 'two']);
      });
    });

    describe('concurrency', () => {
      const N = 12;

      it('of parallel updates at one revision exactly one wins; the others are ConflictErrors', async () => {
        await s.createLiveSession(liveSession('live-1', '123456'));
        const { ok, errors } = await settle(Array.from({ length: N }, (_, i) => s.updateLiveSession('live-1', 0, liveSession('live-1', '123456', { participants: [`t${i}`] }))));
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(N - 1);
        for (const e of errors) expect(e).toBeInstanceOf(ConflictError);
        expect(await s.getLiveSession('live-1')).toEqual({ ...ok[0], revision: 1 });
      });

      it('of parallel issues for one person exactly one is issued; all give back that one', async () => {
        const u1 = await who('u1');
        const results = await Promise.all(Array.from({ length: N }, (_, i) => s.issueCertificate(certificate(u1, `CODE-${i}`))));
        expect(results.filter((r) => r.issued)).toHaveLength(1);
        expect(new Set(results.map((r) => r.certificate.id)).size).toBe(1);
        expect(await s.listCertificates(u1)).toHaveLength(1);
      });

      it('of parallel creations of one user name exactly one succeeds', async () => {
        const { ok, errors } = await settle(Array.from({ length: N }, (_, i) => s.createUsers([person('same.name', { displayName: `第${i}个` })], NOW)));
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(N - 1);
        for (const e of errors) expect(e).toBeInstanceOf(DuplicateUsernameError);
        expect(await s.listUsers({ includeInactive: true })).toEqual(ok[0]);
      });

      it('of parallel creations of live sessions with one code exactly one is created', async () => {
        const { ok, errors } = await settle(Array.from({ length: N }, (_, i) => s.createLiveSession(liveSession(`live-${i}`, '777777'))));
        expect(ok).toHaveLength(1);
        for (const e of errors) expect(e).toMatchObject({ field: 'liveSession.code' });
        expect(await s.findLiveSessionByCode('777777')).toEqual(ok[0]);
      });

      it('of parallel submits of one paper exactly one hands it in', async () => {
        const u1 = await who('u1');
        const a = await s.createExamAttempt(examAttempt(u1));
        const results = await Promise.all(Array.from({ length: N }, (_, i) => s.submitExamAttempt(a.id, { result: examResult(i * 5), savedAt: undefined }, at(i + 1), false)));
        const fresh = results.filter((r) => r && 'already' in r && !r.already);
        expect(fresh).toHaveLength(1);
        expect(results.filter((r) => r && 'already' in r && r.already)).toHaveLength(N - 1);
        expect(await s.getExamAttempt(a.id)).toEqual((fresh[0] as { attempt: ExamAttemptRecord }).attempt);
      });

      it('of parallel creations of papers for one person exactly one is created; the others are ConflictErrors', async () => {
        const [u] = await s.createUsers([person('exam.taker')], NOW);
        const { ok, errors } = await settle(Array.from({ length: N }, (_, i) => s.createExamAttempt(examAttempt(u!.id, { seed: `seed-${i}` }))));
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(N - 1);
        for (const e of errors) expect(e).toBeInstanceOf(ConflictError);
        expect(await s.listExamAttempts(u!.id)).toEqual(ok);
      });

      it('of parallel starts of one scenario for one person one play stays open, the others given up', async () => {
        const [u] = await s.createUsers([person('player')], NOW);
        const started = await Promise.all(Array.from({ length: N }, (_, i) => s.startPlay(play(u!.id, 's1', { seed: `seed-${i}` }))));
        const plays = await s.listPlays(u!.id, 's1');
        expect(ids(plays)).toEqual(ids(started));
        expect(plays.filter((p) => !p.end)).toHaveLength(1);
        expect(plays.filter((p) => p.end === 'abandoned')).toHaveLength(N - 1);
        expect(await s.openPlay(u!.id, 's1')).toEqual(plays.find((p) => !p.end));
      });

      it('of parallel enrolments in one cohort every trainee is in it, each audited once', async () => {
        const [trainer, ...people] = await s.createUsers([person('cohort.trainer', { role: 'trainer' }), ...Array.from({ length: N }, (_, i) => person(`joiner${i}`))], NOW);
        const c = await s.createCohort({ name: '并发班', trainerId: trainer!.id, traineeIds: [], createdAt: NOW }, trainer!.id);
        const results = await Promise.all(people.map((u) => s.enrol(c.id, [u.id], trainer!.id, at(1))));
        expect(results.map((r) => r!.added)).toEqual(people.map(() => 1));
        const stored = (await s.getCohort(c.id))!;
        expect([...stored.traineeIds].sort()).toEqual(ids(people));
        expect(stored.members!.map((m) => m.userId).sort()).toEqual(ids(people));
        expect((await audit({ actions: ['cohort.enrol'] })).map((a) => a.targetId).sort()).toEqual(ids(people));
      });

      it('of parallel scores in one slot (session, agent, rater) one is kept', async () => {
        const agent = await who('agent');
        const rater = await who('rater', { role: 'trainer' });
        const made = await Promise.all(Array.from({ length: N }, (_, i) => s.addObservation(observation(agent, rater, { comment: `第${i}次` }))));
        const kept = await s.listObservations({ agentId: agent });
        expect(kept).toHaveLength(1);
        expect(made.map((o) => o.id)).toContain(kept[0]!.id);
      });

      it('of parallel steps at one count exactly one is recorded', async () => {
        const u1 = await who('u1');
        const p = await s.startPlay(play(u1, 's1'));
        const results = await Promise.all(Array.from({ length: N }, (_, i) => s.recordPlayStep(p.id, 0, step(1, { choice: `c${i}` }))));
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.filter((r) => !r.ok && r.reason === 'moved')).toHaveLength(N - 1);
        expect((await s.getPlay(p.id))!.steps).toHaveLength(1);
      });

      it('of parallel knowledge checks on one module every one is folded into its progress', async () => {
        const [u] = await s.createUsers([person('checker')], NOW);
        // No progress yet: the first writers race to create it, the rest to change it.
        const percents = Array.from({ length: N }, (_, i) => (i * 37) % 100);
        await Promise.all(percents.map((p, i) => s.recordCheckAttempt(checkAttempt(u!.id, 1, p, at(i + 1)))));
        const [progress, ...others] = await s.listModuleProgress(u!.id);
        expect(others).toEqual([]);
        expect(progress!.bestPercent).toBe(Math.max(...percents));
        expect(progress!.completedAt).toBeDefined();
      });

      it('of parallel first opens of one module one record is made', async () => {
        const [u] = await s.createUsers([person('opener')], NOW);
        await Promise.all(Array.from({ length: N }, () => s.markModuleOpened(u!.id, 2, NOW)));
        expect(await s.listModuleProgress(u!.id)).toEqual([{ userId: u!.id, chapter: 2, openedAt: NOW, lastOpenedAt: NOW }]);
      });
    });

    describe('durability', () => {
      it('every acknowledged write is there after reopening', async (ctx) => {
        if (!opened.reopen) return ctx.skip();
        const [admin, trainee, renamed, trainer] = await s.createUsers([person('admin', { role: 'admin' }), person('trainee'), person('before.rename'), person('trainer', { role: 'trainer' })], NOW, [{ actorId: 'system', action: 'user.create' }]);
        // Many writes in flight at once, then some that depend on earlier ones.
        const [, cohort, exam, p, { certificate: cert }, check, sa] = await Promise.all([
          s.setOrg({ name: '阳光物业', sites: ['阳光花园'], departments: ['客服部'] }),
          s.createCohort({ name: '一班', trainerId: trainer!.id, traineeIds: [trainee!.id, 'gone-later'], createdAt: NOW }, admin!.id),
          s.createExamAttempt(examAttempt(trainee!.id)),
          s.startPlay(play(trainee!.id, 's1')),
          s.issueCertificate(certificate(trainee!.id, 'AAAA-1111')),
          s.recordCheckAttempt(checkAttempt(trainee!.id, 2, 90, at(1))),
          s.recordScenarioAttempt(scenarioAttempt(trainee!.id, 's2')),
          s.createSession({ idHash: 'sess-1', userId: trainee!.id, createdAt: NOW, lastSeenAt: NOW }),
          s.createSession({ idHash: 'sess-2', userId: trainee!.id, createdAt: NOW, lastSeenAt: NOW }),
          s.createSession({ idHash: 'sess-3', userId: admin!.id, createdAt: NOW, lastSeenAt: NOW }),
          s.markModuleOpened(trainee!.id, 1, NOW),
          s.createLiveSession(liveSession('live-1', '123456')),
          s.addWaiver({ userId: trainee!.id, by: admin!.id, reason: '转岗', at: at(1) }),
          s.appendAudit(auditEntry({ at: at(1) })),
          s.limiter.add([{ key: 'k1', quietMs: 3_600_000, spanMs: 3_600_000 }, { key: 'k2', quietMs: 3_600_000, spanMs: 3_600_000 }], 1000),
          s.addObservation(observation(trainee!.id, trainer!.id, { calmness: 1 })),
        ]);
        await Promise.all([
          s.updateUser(renamed!.id, { username: 'after.rename', active: false }, at(2)),
          s.setPassword(trainee!.id, 'hash-2', { by: admin!.id, action: 'user.password.reset', mustChange: true, keepSession: 'sess-1' }, at(2)),
          s.touchSession('sess-3', at(2)),
          s.enrol(cohort.id, ['t-new'], admin!.id, at(2)),
          s.saveExamAnswer(exam.id, 'q1', 'a', at(2)),
          s.recordPlayStep(p.id, 0, step(1)),
          s.revokeCertificate(cert.id, 'hr-1', '撤销', at(2)),
          s.updateLiveSession('live-1', 0, liveSession('live-1', '123456', { status: 'running' })),
          s.addObservation(observation(trainee!.id, trainer!.id, { calmness: 5 })),
          s.limiter.add([{ key: 'k1', quietMs: 3_600_000, spanMs: 3_600_000 }], 2000),
          s.limiter.remove('k2'),
          s.updateCohort(cohort.id, { dueDate: '2026-12-31' }),
        ]);
        await Promise.all([
          s.unenrol(cohort.id, 'gone-later', admin!.id, at(3)),
          s.submitExamAttempt(exam.id, { result: examResult(90), savedAt: at(2) }, at(3), false),
          s.recordPlayStep(p.id, 1, step(2), scenarioAttempt(trainee!.id, 's1', { at: at(2) })),
          s.reinstateCertificate(cert.id, 'BBBB-2222', 'hr-1', '复核', at(3)),
          s.deleteSession('sess-3'),
        ]);

        const readAll = async (x: Storage) => ({
          org: await x.getOrg(),
          users: await x.listUsers({ includeInactive: true }),
          byName: await x.getUserByUsername('after.rename'),
          oldName: await x.getUserByUsername('before.rename'),
          sessions: await Promise.all(['sess-1', 'sess-2', 'sess-3'].map((h) => x.findSession(h))),
          progress: await x.listModuleProgress(trainee!.id),
          check: await x.getCheckAttempt(check.id),
          latestCheck: await x.latestCheckAttempt(trainee!.id, 2),
          plays: await x.listPlays(trainee!.id),
          attempts: await x.listScenarioAttempts(trainee!.id),
          attempt: await x.getScenarioAttempt(sa.id),
          exams: await x.listExamAttempts(trainee!.id),
          certificates: await x.listCertificates(trainee!.id),
          byCode: await x.getCertificateByCode('BBBB-2222'),
          waiver: await x.getWaiver(trainee!.id),
          cohort: await x.getCohort(cohort.id),
          live: await x.getLiveSession('live-1'),
          observations: await x.listObservations({ agentId: trainee!.id }),
          audit: await allPages((pg) => x.listAudit({}, pg)),
          counters: await x.limiter.read(['k1', 'k2'], 3000),
          records: (await x.traineeRecords({ includeInactive: true }, {})).items.map((r) => r.user.id),
          empty: await x.isEmpty(),
        });
        const before = await readAll(s);
        // What was written is what was read (a few spot checks, so the comparison below is not of two empty reads).
        expect(before.users).toHaveLength(4);
        expect(before.sessions.map((x) => x?.idHash)).toEqual(['sess-1', undefined, undefined]);
        expect(before.certificates).toHaveLength(2);
        expect(before.exams[0]!.submittedAt).toBe(at(3));
        expect(before.plays[0]!.end).toBe('finished');
        expect(before.live!.revision).toBe(1);
        expect(before.observations.map((o) => o.calmness)).toEqual([5]);
        expect(before.counters).toEqual([{ key: 'k1', count: 2, first: 1000, last: 2000, expires: 3_601_000 }]);
        expect(before.cohort!.traineeIds).toEqual([trainee!.id, 't-new']);
        expect(before.audit.length).toBeGreaterThanOrEqual(9);
        s = await opened.reopen();
        expect(await readAll(s)).toEqual(before);
      });
    });
  });
}
