// Application services for cohorts' live sessions: authorisation, the pure
// reducer, the store, then a push to every screen through the hub.
import { storageOf } from './runtime';
import { randomBytes, randomUUID, randomInt } from 'node:crypto';
import type { Runtime } from './runtime';
import type { UserRecord, LiveSessionRecord } from '../store';
import { reduce, mayAct, liveView, youFor, summarise, shuffleSeating, LiveError, aggregateRubric, type LiveEvent, type LiveMode, type RubricScore } from '../live';
import { seededRandom } from '../quiz/random';
import { liveHub, type Subscriber } from './live-hub';
import { BadRequest } from './http';
import { t } from '../i18n';
import { ConflictError, DuplicateError } from '../store';

const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const newJoinCode = () => Array.from(randomBytes(6), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');

async function context(rt: Runtime, id: string) {
  const session = await storageOf(rt).getLiveSession(id);
  if (!session) throw new BadRequest('没有这个课堂演练', 404);
  const cohort = (await storageOf(rt).getCohort(session.cohortId))!;
  const scenario = rt.scenarios.get(session.scenarioId);
  if (!scenario || scenario.def.version !== session.version) throw new BadRequest('该情景已更新，请重新开始课堂演练', 409);
  return { session, cohort, scenario };
}

/** Who is in the cohort now. */
const membersOf = async (rt: Runtime, cohortId: string): Promise<readonly string[]> => (await storageOf(rt).getCohort(cohortId))?.traineeIds ?? [];

/** Display names of the people a session's view names (its trainer and participants). */
const names = (rt: Runtime, s: LiveSessionRecord) => storageOf(rt).namesOf([s.trainerId, ...s.participants]);

/** What one screen receives: the full view for the trainer and projector, a trainee's own view otherwise. */
export async function viewFor(rt: Runtime, session: LiveSessionRecord, sub: Pick<Subscriber, 'userId' | 'full'>) {
  const scenario = rt.scenarios.get(session.scenarioId)!;
  const view = liveView(session, scenario, await names(rt, session), { full: sub.full, userId: sub.full ? undefined : sub.userId });
  if (sub.full) {
    const averages = aggregateRubric(await storageOf(rt).listObservations({ sessionId: session.id }));
    return { ...view, rubric: averages };
  }
  return view;
}

const topic = (sessionId: string) => `live:${sessionId}`;

/**
 * Builds one push of the current state: the full view and the trainees'
 * common view are built once per push; each phone's message adds only its own part.
 */
async function prepare(rt: Runtime, sessionId: string): Promise<((sub: Subscriber) => string | undefined) | undefined> {
    const s = await storageOf(rt).getLiveSession(sessionId);
    const scenario = s && rt.scenarios.get(s.scenarioId);
    if (!s || !scenario) return undefined;
    const nm = await names(rt, s);
    const full = JSON.stringify(await viewFor(rt, s, { userId: s.trainerId, full: true }));
    const open = JSON.stringify(liveView(s, scenario, nm, { full: false })).slice(0, -1);
    const members = new Set(await membersOf(rt, s.cohortId));
    return (sub) => {
      if (sub.full) return full;
      // Taken out of the cohort: nothing more (endLiveAccess has closed the stream; this covers a push already under way).
      if (!members.has(sub.userId)) return undefined;
      const you = youFor(s, sub.userId);
      // The owner's cues go to the owner only.
      if (you.role === 'owner') return JSON.stringify(liveView(s, scenario, nm, { full: false, userId: sub.userId }));
      return `${open},"you":${JSON.stringify(you)}}`;
    };
}

/** Tells every server that the session changed; `full`: only the trainer's and projector's views changed (a vote). */
const publish = (rt: Runtime, sessionId: string, audience: 'all' | 'full' = 'all') => storageOf(rt).notifier.publish(topic(sessionId), audience);

/**
 * Streams a session to one screen: its current state at once (a reconnecting
 * phone catches up), then each change published by any server. While this
 * process has screens on a session it listens to the session's topic.
 */
export async function watch(rt: Runtime, id: string, sub: Subscriber): Promise<() => void> {
  const session = (await storageOf(rt).getLiveSession(id))!;
  const unsubscribe = liveHub.subscribe(id, sub, () =>
    storageOf(rt).notifier.subscribe(topic(id), (audience) => liveHub.notify(id, () => prepare(rt, id), audience === 'full' ? 'full' : 'all')),
  );
  sub.send(`event: state\ndata: ${JSON.stringify(await viewFor(rt, session, sub))}\n\n`);
  return unsubscribe;
}

/** The scenarios a trainer may run in class: not those kept for assessment (a session shows the whole class the graph). */
export const liveScenarios = (rt: Runtime) => rt.scenarios.list.filter((s) => !s.def.assessmentOnly);

export async function createLiveSession(rt: Runtime, trainer: UserRecord, cohortId: string, scenarioId: string, mode: LiveMode, now: Date) {
  const cohort = await storageOf(rt).getCohort(cohortId);
  if (!cohort || (cohort.trainerId !== trainer.id && trainer.role !== 'admin')) throw new BadRequest('没有这个班级', 404);
  const scenario = rt.scenarios.get(scenarioId);
  if (!scenario) throw new BadRequest('没有这个情景');
  // A classroom session shows the whole class the graph: never for a scenario kept for assessment.
  if (scenario.def.assessmentOnly) throw new BadRequest(t.play.errors.assessmentOnly, 403, 'assessmentOnly');
  for (let i = 0; i < 5; i++) {
    try {
      return await storageOf(rt).createLiveSession({
        id: randomUUID(),
        code: newJoinCode(),
        cohortId,
        scenarioId,
        version: scenario.def.version,
        trainerId: trainer.id,
        mode,
        status: 'lobby',
        participants: [],
        path: [],
        votes: {},
        revealed: false,
        history: [],
        pairs: [],
        createdAt: now.toISOString(),
      });
    } catch (e) {
      if (!(e instanceof DuplicateError)) throw e;
    }
  }
  throw new Error('could not find a free join code');
}

/** Conflicting writes retried before a batch gives up (another server wrote first; a few times at most). */
const MAX_TRIES = 50;

/** Authorises one queued event against the state it will be applied to; `members` reads the cohort once per batch. */
type Check = (s: Readonly<LiveSessionRecord>, members: () => Promise<readonly string[]>) => void | Promise<void>;
interface Queued {
  event: LiveEvent;
  check: Check;
  resolve: (s: LiveSessionRecord) => void;
  reject: (e: unknown) => void;
}
/** Per session, the events waiting for this server's next write (see apply). */
const queues = new Map<string, Queued[]>();

/**
 * Applies an event to the stored session: read it, authorise (`check`),
 * reduce, and write at the revision read; when another request (or server)
 * wrote first, read again and redo, so every vote counts and none is applied twice.
 *
 * A class votes at once: two hundred writers racing on one record would redo
 * each other's work until most gave up. So on each server the events of one
 * session are queued and applied together: while one write is under way the
 * next events wait, and the next write carries all of them (one read, each
 * event checked and reduced in turn, one guarded write, one push). An event its
 * check or the rules refuse is refused alone; the others go on.
 */
function apply(rt: Runtime, id: string, event: LiveEvent, check: Check = () => {}): Promise<LiveSessionRecord> {
  return new Promise((resolve, reject) => {
    const queue = queues.get(id);
    if (queue) return void queue.push({ event, check, resolve, reject });
    queues.set(id, [{ event, check, resolve, reject }]);
    void drain(rt, id);
  });
}

/** Writes the session's queued events, batch after batch, until none is left. */
async function drain(rt: Runtime, id: string) {
  for (;;) {
    const batch = queues.get(id)!.splice(0);
    if (!batch.length) {
      queues.delete(id);
      return;
    }
    try {
      await applyBatch(rt, id, batch);
    } catch (e) {
      for (const q of batch) q.reject(e);
    }
  }
}

async function applyBatch(rt: Runtime, id: string, batch: Queued[]) {
  const store = storageOf(rt);
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const s = await store.getLiveSession(id);
    if (!s) throw new BadRequest('没有这个课堂演练', 404);
    const scenario = rt.scenarios.get(s.scenarioId);
    if (!scenario || scenario.def.version !== s.version) throw new BadRequest('该情景已更新，请重新开始课堂演练', 409);
    let state: LiveSessionRecord = s;
    // Who is in the cohort, read at most once per attempt at the batch: a class's
    // votes arrive together and every one of them asks.
    let members: Promise<readonly string[]> | undefined;
    const membersOnce = () => (members ??= membersOf(rt, s.cohortId));
    const accepted: Queued[] = [];
    const refused: Array<[Queued, unknown]> = [];
    for (const q of batch) {
      try {
        await q.check(state, membersOnce);
        const reduced = reduce(state, q.event, scenario);
        state = reduced.status === 'ended' && !state.summary ? { ...reduced, summary: summarise(reduced, scenario) } : { ...reduced, summary: state.summary };
        accepted.push(q);
      } catch (e) {
        refused.push([q, e instanceof LiveError ? new BadRequest(e.message, 409) : e]);
      }
    }
    let updated: LiveSessionRecord | undefined = s;
    if (accepted.length) {
      try {
        updated = await store.updateLiveSession(id, s.revision ?? 0, state);
      } catch (e) {
        if (e instanceof ConflictError) continue;
        throw e;
      }
      if (!updated) throw new BadRequest('没有这个课堂演练', 404);
      await publish(rt, id, accepted.every((q) => q.event.type === 'vote') ? 'full' : 'all');
    }
    for (const [q, e] of refused) q.reject(e);
    for (const q of accepted) q.resolve(updated);
    return;
  }
  throw new BadRequest('课堂操作太多，请稍后再试', 503);
}

export async function joinByCode(rt: Runtime, user: UserRecord, code: string) {
  const session = await storageOf(rt).findLiveSessionByCode(code.trim().toUpperCase());
  if (!session) throw new BadRequest('没有找到这个课堂代码，或课堂已结束', 404);
  const cohort = (await storageOf(rt).getCohort(session.cohortId))!;
  if (!mayAct(user, 'join', session, cohort.traineeIds)) throw new BadRequest('你不在这个班级，不能加入', 403);
  return apply(rt, session.id, { type: 'join', userId: user.id });
}

export async function vote(rt: Runtime, user: UserRecord, id: string, choiceId: string) {
  return apply(rt, id, { type: 'vote', userId: user.id, choiceId }, async (s, members) => {
    if (!mayAct(user, 'vote', s, await members())) throw new BadRequest('只有已加入课堂的学员可以投票', 403);
  });
}

export type ControlAction = 'start' | 'reveal' | 'advance' | 'pair' | 'round' | 'end';

export async function control(rt: Runtime, user: UserRecord, id: string, action: ControlAction, choiceId: string | undefined, now: Date) {
  const { session, cohort } = await context(rt, id);
  if (!mayAct(user, 'control', session, [])) throw new BadRequest('只有本场演练的培训师可以操作', 403);
  switch (action) {
    case 'start':
      return apply(rt, id, { type: 'start' });
    case 'reveal':
      return apply(rt, id, { type: 'reveal' });
    case 'advance':
      return apply(rt, id, { type: 'advance', choiceId });
    case 'pair':
      return apply(rt, id, { type: 'pair', order: shuffleSeating(session.participants.filter((p) => cohort.traineeIds.includes(p)), seededRandom(`${id}:${randomInt(2 ** 31)}`)) });
    case 'round': {
      // The same seating, turned one place by the reducer; late joiners take the last seats, trainees who left the cohort lose theirs.
      const seated = session.seating ?? session.pairs.flatMap((p) => [p.owner, p.agent, ...p.observers]);
      const order = [...seated, ...session.participants.filter((p) => !seated.includes(p))].filter((p) => cohort.traineeIds.includes(p) && session.participants.includes(p));
      return apply(rt, id, { type: 'round', order });
    }
    case 'end':
      return apply(rt, id, { type: 'end', at: now.toISOString() });
  }
}

/** Stores a rubric score as an observed assessment on the agent's record. */
export async function rate(rt: Runtime, user: UserRecord, id: string, score: RubricScore, now: Date) {
  const { session, scenario, cohort } = await context(rt, id);
  if (session.status === 'ended') throw new BadRequest('课堂演练已结束', 409);
  if (!mayAct(user, 'rate', session, cohort.traineeIds, score.agentId)) throw new BadRequest('你不能为这位学员评分', 403);
  const rec = await storageOf(rt).addObservation({
    sessionId: id,
    cohortId: session.cohortId,
    scenarioId: scenario.def.id,
    agentId: score.agentId,
    raterId: user.id,
    calmness: score.calmness,
    empathy: score.empathy,
    solution: score.solution,
    comment: score.comment,
    at: now.toISOString(),
  });
  await publish(rt, id, 'full');
  return rec;
}

/** The session for its trainer's control panel or projector (admins may look); undefined for anyone else. */
export async function sessionForTrainer(rt: Runtime, user: UserRecord, id: string): Promise<LiveSessionRecord | undefined> {
  const session = await storageOf(rt).getLiveSession(id);
  const current = session && rt.scenarios.get(session.scenarioId)?.def.version === session.version;
  return session && current && (session.trainerId === user.id || user.role === 'admin') ? session : undefined;
}

/** May this person watch the session's stream (and with the full view)? */
export async function watchAccess(rt: Runtime, user: UserRecord, id: string): Promise<{ full: boolean }> {
  const { session, cohort } = await context(rt, id);
  if (!mayAct(user, 'view', session, cohort.traineeIds)) throw new BadRequest('你不能查看这个课堂演练', 403);
  return { full: user.id === session.trainerId || user.role === 'admin' };
}

/** May this trainee use the session's phone page: a participant still in the cohort. */
export async function mayUsePhone(rt: Runtime, user: UserRecord, session: LiveSessionRecord): Promise<boolean> {
  return mayAct(user, 'view', session, await membersOf(rt, session.cohortId)) && session.participants.includes(user.id);
}

/** A trainee taken out of a cohort: their open event streams of its sessions end now (any later request is refused by `mayAct`). */
export async function endLiveAccess(rt: Runtime, cohortId: string, userId: string) {
  for (const s of await storageOf(rt).listLiveSessions(cohortId)) liveHub.drop(s.id, userId);
}
