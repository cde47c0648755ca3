import { existsSync, mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Low } from 'lowdb';
import { JournalLostError, SnapshotJournal } from './file-adapter';
import { KEYS, LOG, OLD_LOG, SNAPSHOT, backupHeld, loadFromDisk, type Collection } from './journal';
import { acquireLock, removeOrphanedTemp } from './lock';
import { ArrayIndex } from './array-index';
import { bumpCounter } from './counters';
import { migrate, emptyData, SCHEMA_VERSION } from './migrations';
import type { AuditRecord, CertificateRecord, CohortRecord, LiveSessionRecord, ObservationRecord, CheckAttemptRecord, DbData, ExamAttemptRecord, OrgRecord, ScenarioAttemptRecord, ScenarioPlayRecord, PlayStepRecord, SessionRecord, StoredModuleProgress, ThrottleRecord, UserRecord, WaiverRecord } from './types';
import type { Role } from '../auth/roles';
import { stints } from '../cohorts';
import { isInForce } from '../certification/certificate';
import { foldCheckAttempt, shouldRecordOpen } from '../modules/progress';
import { replacesObservation } from '../live/rubric';
import { factsOf } from '../hr/facts';
import { dashboardTally, type Dashboard, type HrFilters } from '../hr/dashboard';

import { ConflictError, DuplicateError, DuplicateUsernameError, StoreCorruptError, StoreWriteError, MAX_PAGE, type AuditFilter, type AuditNote, type NewUser, type Page, type PageRequest, type PersonRecords, type PlayStepResult, type RateLimiterPort, type Counter, type Storage, type UserFilter, type UserSearch } from './ports';
import { memoryNotifier } from './memory-notifier';
export { StoreCorruptError, StoreWriteError, DuplicateUsernameError };

export interface OpenOptions {
  /** Take the single-writer lock (default true; unit tests on private folders may skip it). */
  lock?: boolean;
  /** Journal bytes after which a checkpoint rewrites the snapshot (at least this, and at least the snapshot's size). */
  checkpointBytes?: number;
  /** Most rate-limit counters kept (default 20,000; see limiter.add). */
  maxCounters?: number;
}

/** A page of `list` from `req` (cursor = offset). */
function pageOf<T>(list: readonly T[], req: PageRequest, map: (x: T) => T): Page<T> {
  const from = Math.max(0, Math.floor(req.from ?? 0));
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(req.limit ?? MAX_PAGE)));
  const items = list.slice(from, from + limit).map(map);
  return { items, total: list.length, next: from + limit < list.length ? from + limit : undefined };
}

/** Copies of records with nested fields (certificates, attempts, org): nothing handed out or taken in is shared with what is stored. */
const copy = <T extends object>(x: T): T => structuredClone(x);
/** Copies of records whose fields are all plain values (users, sessions, progress, waivers, observations): a spread is a whole copy, and cheap. */
const flat = <T extends object>(x: T): T => ({ ...x });
const copyPlay = (p: ScenarioPlayRecord): ScenarioPlayRecord => ({ ...p, steps: p.steps.map(flat) });

/** What a change tells the journal: the records it wrote and deleted (see journal.ts). */
interface Writer {
  put<C extends Collection>(c: C, rec: DbData[C][number]): void;
  patch(c: Collection, key: string, fields: Record<string, unknown>): void;
  del(c: Collection, key: string): void;
  org(org: OrgRecord): void;
}
/** A journal entry waiting for the next flush; puts are serialised at the flush (only the last put of a record counts). */
type PendingOp = { put: true; c: Collection; key: string; rec: object } | { put: false; text: string };

const corrupt = (dataDir: string, why: string) =>
  new StoreCorruptError(
    `the store in ${dataDir} cannot be read (${why}). It was left untouched; restore a backup (npm run restore <file>) or move it away to start empty.`,
  );

/**
 * Opens the store in `dataDir` (created when missing), migrating an older one
 * forward. A store that does not read back is never overwritten: opening
 * fails with a message pointing at the backups.
 */
/** Accounts by user name in code point order (PostgreSQL's username is COLLATE "C": the same order). */
const byUsername = (a: { username: string }, b: { username: string }) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0);

export async function openStore(dataDir: string, opts: OpenOptions = {}) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, SNAPSHOT);
  const release = opts.lock === false ? () => {} : acquireLock(path.join(dataDir, 'db.lock'));
  // Snapshot temporaries of a process that crashed mid-checkpoint (never one of a running process).
  removeOrphanedTemp(dataDir);
  const adapter = new SnapshotJournal(dataDir, emptyData);
  const db = new Low<DbData>(adapter, emptyData());
  try {
    await db.read();
  } catch (e: any) {
    release();
    throw corrupt(dataDir, e.message);
  }
  let migratedFrom: number | undefined;
  try {
    const { data, from } = migrate(db.data);
    db.data = data;
    if (from !== SCHEMA_VERSION) migratedFrom = from;
  } catch (e: any) {
    release();
    throw new StoreCorruptError(`the store ${file} cannot be used: ${e.message}`);
  }
  try {
    await adapter.dropTornTail();
    if (migratedFrom !== undefined) {
      // Keep the pre-migration files beside the store so an upgrade can be undone.
      for (const f of [SNAPSHOT, LOG, OLD_LOG]) {
        if (existsSync(path.join(dataDir, f))) await fs.copyFile(path.join(dataDir, f), path.join(dataDir, `${f}.v${migratedFrom}.bak`));
      }
      await db.write();
    }
  } catch (e: any) {
    release();
    throw new StoreWriteError(`the store in ${dataDir} cannot be prepared for writing (${e.code ?? e.message}); nothing was changed`);
  }
  const checkpointBytes = opts.checkpointBytes ?? 16 * 2 ** 20;

  // Group commit: a change is applied in memory at once and journalled;
  // journal appends run one at a time, and every change made while one runs
  // shares the next. A caller's promise resolves only after the append (and
  // fdatasync) that contains its change, so an acknowledged change is on disk.
  type Waiter = { resolve: () => void; reject: (e: unknown) => void };
  let waiting: Waiter[] = [];
  let pending: PendingOp[] = [];
  let flushing: Promise<void> | undefined;
  let writes = 0;
  /**
   * Set when a failed write could not be undone (the journal could not be cut
   * back, or memory not reloaded): writes are refused, and each later write
   * first tries the undo again (see recover), so the store resumes by itself
   * once the disk works.
   */
  let fault: { err: StoreWriteError; reload: boolean } | undefined;
  /** Set when the journal was lost and memory could not be saved as a snapshot either: writes are refused and each later one retries the snapshot. */
  let lost: StoreWriteError | undefined;
  let rescuing: Promise<void> | undefined;
  /** Since when writes fail (logged once when it starts and once when writes are saved again). */
  let failing: { since: string; refused: number } | undefined;
  let lastReloadTry = -Infinity;
  const RELOAD_RETRY_MS = 1000;
  /** Bumped by every failed write: a checkpoint that began before it is abandoned. */
  let generation = 0;
  let checkpointing: Promise<void> | undefined;

  function serialise(ops: PendingOp[]): string[] {
    const lastPut = new Map<string, number>();
    ops.forEach((o, i) => o.put && lastPut.set(`${o.c}\u0000${o.key}`, i));
    const out: string[] = [];
    ops.forEach((o, i) => {
      if (!o.put) out.push(o.text);
      // A later put of the same record replaces this one whole.
      else if (lastPut.get(`${o.c}\u0000${o.key}`) === i) out.push(JSON.stringify(['put', o.c, o.rec]));
    });
    return out;
  }

  /** When a backup's hold was last seen: while one is, the folder is looked at again at most every HOLD_RECHECK_MS. */
  let heldAt = -Infinity;
  const HOLD_RECHECK_MS = 200;
  function held() {
    const now = Date.now();
    if (now - heldAt < HOLD_RECHECK_MS) return true;
    if (!backupHeld(dataDir, now)) return false;
    heldAt = now;
    return true;
  }

  function maybeCheckpoint(force = false) {
    if (checkpointing || fault || lost || rescuing || (!force && adapter.logBytes < Math.max(checkpointBytes, adapter.snapshotBytes))) return;
    // A backup is reading the files: the journal just grows a little longer meanwhile.
    if (held()) return;
    const gen = generation;
    // The journal is switched synchronously here (between appends); the snapshot is written in the background.
    checkpointing = adapter
      .write(db.data, () => gen === generation)
      .catch((e) => console.error(`[store] checkpoint failed in ${dataDir} (${e instanceof Error ? e.message : String(e)}); the journal still holds everything, the next checkpoint tries again`))
      .finally(() => (checkpointing = undefined));
  }

  const why = (e: any) => (e?.code && !String(e.message).startsWith(e.code) ? `${e.code}: ${e.message}` : String(e?.message ?? e));
  function noteFailure(e: unknown, refused: number) {
    if (!failing) {
      failing = { since: new Date().toISOString(), refused: 0 };
      console.error(`store: could not save a write in ${dataDir} (${why(e)}); it was refused and nothing was changed. Later writes are tried again as they come.`);
    }
    failing.refused += refused;
  }
  function noteResumed() {
    if (!failing) return;
    console.error(`store: writes in ${dataDir} are saved again (${failing.refused} refused since ${failing.since}).`);
    failing = undefined;
  }

  /** Undoes a failed write: cut the journal back (done in append, retried here) and reload memory from the disk, without yielding. */
  function undo(cause: unknown) {
    const cutOk = adapter.cutPending === undefined || adapter.retryCut();
    try {
      // With the cut still pending, the load leaves the failed line out.
      lastReloadTry = Date.now();
      db.data = migrate(adapter.load()).data;
    } catch (e2: any) {
      fault = { err: new StoreWriteError(`could not save (${why(cause)}) and could not reload the store (${why(e2)}); writes are refused until the disk can be read again`), reload: true };
      console.error(`store: ${fault.err.message}`);
      return;
    }
    if (!cutOk) {
      fault = { err: new StoreWriteError(`could not save (${why(cause)}) and could not cut the journal back yet; writes are refused until the disk is writable again`), reload: false };
      console.error(`store: ${fault.err.message}`);
    }
  }

  /** Tries to leave the `fault` state; true when writes may go on. */
  function recover(): boolean {
    if (!fault) return true;
    if (!adapter.retryCut()) return false;
    if (fault.reload) {
      if (Date.now() - lastReloadTry < RELOAD_RETRY_MS) return false;
      lastReloadTry = Date.now();
      try {
        db.data = migrate(adapter.load()).data;
      } catch {
        return false;
      }
    }
    console.error(`store: the failed write in ${dataDir} is undone; writes go on.`);
    fault = undefined;
    return true;
  }

  /** After a lost journal whose rescue failed: tries again to save memory as a snapshot (between appends, no checkpoint running). */
  function retryRescue() {
    if (rescuing || flushing) return;
    rescuing = (async () => {
      await checkpointing;
      try {
        await adapter.rescue(db.data);
        writes++;
        console.error(`store: memory of ${dataDir} is saved as a new snapshot; writes go on in a fresh journal.`);
        lost = undefined;
        noteResumed();
      } catch {
        /* still lost; the next write tries again */
      }
    })().finally(() => (rescuing = undefined));
  }

  async function flush() {
    while (waiting.length) {
      const batch = waiting;
      const ops = pending;
      waiting = [];
      pending = [];
      if (lost) {
        // Queued while a rescue was failing: the journal cannot be written on top of a snapshot that is not there.
        for (const w of batch) w.reject(lost);
        continue;
      }
      try {
        if (ops.length) {
          await adapter.append(serialise(ops));
          writes++;
        }
        for (const w of batch) w.resolve();
        noteResumed();
        maybeCheckpoint();
      } catch (e: any) {
        generation++;
        if (e instanceof JournalLostError) {
          // Memory holds every acknowledged change (and this batch): write it all out as a snapshot.
          console.error(`store: ${e.message} (${dataDir}); writing memory out as a new snapshot so nothing is lost.`);
          await checkpointing;
          // Everything changed in memory so far goes into the snapshot, so all of it is acknowledged with it.
          const saved = [...batch, ...waiting];
          waiting = [];
          pending = [];
          try {
            await adapter.rescue(db.data);
            writes++;
            console.error(`store: memory of ${dataDir} is saved as a new snapshot; writes go on in a fresh journal.`);
            for (const w of saved) w.resolve();
          } catch (e2) {
            lost = new StoreWriteError(`the journal was lost (${e.message}) and memory could not be saved as a snapshot (${why(e2)}); writes are refused, memory is kept, and each later write tries again`);
            console.error(`store: ${lost.message}`);
            noteFailure(e2, saved.length);
            for (const w of saved) w.reject(lost);
          }
          continue;
        }
        // Drop every unsaved change so memory never runs ahead of the disk:
        // cut the journal back and reload, without yielding in between.
        const failed = [...batch, ...waiting];
        waiting = [];
        pending = [];
        noteFailure(e, failed.length);
        undo(e);
        const err = new StoreWriteError(`could not save (${e?.code ?? e?.message}); nothing was changed`);
        for (const w of failed) w.reject(err);
      }
    }
    flushing = undefined;
  }
  /** Applies a change now and resolves once it is durably journalled (see group commit above). */
  function mutate<R>(change: (d: DbData, w: Writer) => R): Promise<R> {
    if (lost) {
      retryRescue();
      if (failing) failing.refused++;
      return Promise.reject(lost);
    }
    if (fault && !recover()) {
      if (failing) failing.refused++;
      return Promise.reject(fault.err);
    }
    const ops: PendingOp[] = [];
    const w: Writer = {
      put: (c, rec) => ops.push({ put: true, c, key: (KEYS[c] as (r: unknown) => string)(rec), rec }),
      patch: (c, key, fields) => ops.push({ put: false, text: JSON.stringify(['patch', c, key, fields]) }),
      del: (c, key) => ops.push({ put: false, text: JSON.stringify(['del', c, key]) }),
      org: (org) => ops.push({ put: false, text: JSON.stringify(['org', org]) }),
    };
    let result: R;
    try {
      result = change(db.data, w);
    } catch (e) {
      return Promise.reject(e);
    }
    for (const op of ops) pending.push(op);
    return new Promise<R>((resolve, reject) => {
      waiting.push({ resolve: () => resolve(result), reject });
      // Started a microtask later: flush must not finish (and clear `flushing`) before it is assigned.
      flushing ??= Promise.resolve().then(flush);
    });
  }
  // A journal left by an interrupted checkpoint, or one larger than the snapshot, is folded in now.
  maybeCheckpoint(existsSync(path.join(dataDir, OLD_LOG)));
  const d = () => db.data;
  // Lookups by the keys requests ask for (see ArrayIndex): a request's cost does not grow with the company's history.
  const ix = {
    userById: new ArrayIndex<UserRecord>((u) => u.id),
    userByName: new ArrayIndex<UserRecord>((u) => u.username),
    session: new ArrayIndex<SessionRecord>((s) => s.idHash),
    progress: new ArrayIndex<StoredModuleProgress>((p) => p.userId),
    checkById: new ArrayIndex<CheckAttemptRecord>((a) => a.id),
    checkByUser: new ArrayIndex<CheckAttemptRecord>((a) => `${a.userId}|${a.chapter}`),
    attemptById: new ArrayIndex<ScenarioAttemptRecord>((a) => a.id),
    attemptByUser: new ArrayIndex<ScenarioAttemptRecord>((a) => a.userId),
    examById: new ArrayIndex<ExamAttemptRecord>((a) => a.id),
    examByUser: new ArrayIndex<ExamAttemptRecord>((a) => a.userId),
    certById: new ArrayIndex<CertificateRecord>((c) => c.id),
    certByUser: new ArrayIndex<CertificateRecord>((c) => c.userId),
    certByCode: new ArrayIndex<CertificateRecord>((c) => c.code),
    waiverByUser: new ArrayIndex<WaiverRecord>((w) => w.userId),
    liveById: new ArrayIndex<LiveSessionRecord>((s) => s.id),
    liveByCode: new ArrayIndex<LiveSessionRecord>((s) => s.code),
    liveByCohort: new ArrayIndex<LiveSessionRecord>((s) => s.cohortId),
    obsByAgent: new ArrayIndex<ObservationRecord>((o) => o.agentId),
    obsBySession: new ArrayIndex<ObservationRecord>((o) => o.sessionId),
  };
  const userOf = (x: DbData, id: string) => ix.userById.last(x.users, id);
  const userNamed = (x: DbData, name: string) => {
    const u = ix.userByName.last(x.users, name);
    return u?.username === name ? u : undefined;
  };
  const progressOf = (x: DbData, userId: string, chapter: number) => ix.progress.all(x.moduleProgress, userId).find((p) => p.chapter === chapter);
  const examOf = (x: DbData, id: string) => ix.examById.last(x.examAttempts, id);
  const certOf = (x: DbData, id: string) => ix.certById.last(x.certificates, id);
  const cohortOf = (x: DbData, id: string) => x.cohorts.find((c) => c.id === id);
  /**
   * Plays by id, by person, and the open one per person and scenario (there
   * is at most one: starting a play gives up the open one), so a step or a
   * start does not walk every play. Plays are only ever appended and changed
   * in place, so the index catches up on what was appended (an entry in
   * `open` whose play has since ended is read as none); a reloaded store (a
   * new array) is indexed afresh.
   */
  let playIndex: { list: ScenarioPlayRecord[]; seen: number; byId: Map<string, ScenarioPlayRecord>; byUser: Map<string, ScenarioPlayRecord[]>; open: Map<string, ScenarioPlayRecord> } | undefined;
  function playsOf(x: DbData) {
    if (playIndex?.list !== x.scenarioPlays) playIndex = { list: x.scenarioPlays, seen: 0, byId: new Map(), byUser: new Map(), open: new Map() };
    const ix = playIndex;
    for (; ix.seen < ix.list.length; ix.seen++) {
      const p = ix.list[ix.seen]!;
      ix.byId.set(p.id, p);
      const mine = ix.byUser.get(p.userId);
      if (mine) mine.push(p);
      else ix.byUser.set(p.userId, [p]);
      if (!p.end) ix.open.set(`${p.userId}|${p.scenarioId}`, p);
    }
    return ix;
  }

  const MAX_COUNTERS = opts.maxCounters ?? 20_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const fromRecord = (r: Readonly<ThrottleRecord>): Counter => ({ key: r.key, count: r.count, first: Date.parse(r.firstAt), last: Date.parse(r.lastAt), expires: Date.parse(r.expiresAt) });
  const toRecord = (c: Counter): ThrottleRecord => ({ key: c.key, count: c.count, firstAt: iso(c.first), lastAt: iso(c.last), expiresAt: iso(c.expires) });
  /** Rate-limit counters in the collection `throttles` (schema 8). */
  const limiter: RateLimiterPort = {
    read: async (keys, now) => {
      const want = new Set(keys);
      return d().throttles.filter((t) => want.has(t.key)).map(fromRecord).filter((c) => c.expires > now);
    },
    /**
     * Each counter is read and written without yielding, so parallel hits all
     * count, in one journal line. Past MAX_COUNTERS records the expired ones
     * are removed, then the least recently hit, down to 90 %: a flood of
     * made-up account names cannot grow the store without bound.
     */
    add: (hits, nowMs) =>
      mutate((x, w) => {
        const now = iso(nowMs);
        const out: Counter[] = [];
        for (const h of hits) {
          const i = x.throttles.findIndex((t) => t.key === h.key);
          const rec = toRecord(bumpCounter(i < 0 ? undefined : fromRecord(x.throttles[i]!), h.key, h, nowMs));
          if (i < 0) x.throttles.push(rec);
          else x.throttles[i] = rec;
          w.put('throttles', rec);
          out.push(fromRecord(rec));
        }
        if (x.throttles.length > MAX_COUNTERS) {
          const live = x.throttles.filter((t) => t.expiresAt > now);
          const keep = new Set(live.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0)).slice(0, Math.floor(MAX_COUNTERS * 0.9)).map((t) => t.key));
          removeWhere(x, w, 'throttles', (t) => !keep.has(t.key));
        }
        return out;
      }),
    remove: (key) => mutate((x, w) => removeWhere(x, w, 'throttles', (t) => t.key === key)),
  };
  const notifier = memoryNotifier();

  type TraineeFilter = UserFilter & { ids?: readonly string[] };
  /** The people a report is about, by user name. */
  const traineesOf = (x: DbData, f: TraineeFilter) => {
    const ids = f.ids && new Set(f.ids);
    return (ids ? [...ids].flatMap((id) => userOf(x, id) ?? []) : x.users)
      .filter((u) => u.role === (f.role ?? 'trainee') && (f.includeInactive || u.active) && (!f.site || u.site === f.site) && (!f.department || u.department === f.department))
      .sort(byUsername);
  };
  const cohortsByTrainee = (x: DbData) => {
    const out = new Map<string, CohortRecord[]>();
    for (const c of x.cohorts) {
      for (const t of c.traineeIds) {
        const held = out.get(t);
        if (held) held.push(c);
        else out.set(t, [c]);
      }
    }
    return out;
  };
  /** One person's records, the store's own (read-only: see PersonRecords). */
  const recordsOf = (x: DbData, user: UserRecord, cohorts: Map<string, CohortRecord[]>): PersonRecords => ({
    user,
    moduleProgress: ix.progress.all(x.moduleProgress, user.id),
    scenarioAttempts: ix.attemptByUser.all(x.scenarioAttempts, user.id),
    examAttempts: ix.examByUser.all(x.examAttempts, user.id),
    certificates: ix.certByUser.all(x.certificates, user.id),
    observations: ix.obsByAgent.all(x.observations, user.id),
    cohorts: cohorts.get(user.id) ?? [],
  });

  const storage = {
    location: dataDir,
    limiter,
    notifier,
    file,
    dataDir,
    migratedFrom,
    /** Reads are served from memory; the store is unhealthy while writes are refused (a disk fault, a lost journal). */
    ping: async () => {
      if (fault) throw fault.err;
      if (lost) throw lost;
    },
    close: async () => {
      await flushing;
      await checkpointing;
      await rescuing;
      release();
    },
    /**
     * Writes a checkpoint now (benchmarks and tests; the store does this by
     * itself as the journal grows). Returns false, doing nothing, while a backup holds checkpoints off.
     */
    checkpoint: async (): Promise<boolean> => {
      // Switch journals only between appends: wait until none is running, then start at once (same tick).
      while (flushing || checkpointing || rescuing) await (flushing ?? checkpointing ?? rescuing);
      if (backupHeld(dataDir)) return false;
      await adapter.write(db.data);
      return true;
    },
    /** Number of file writes so far (for benchmarks: many changes share one write). */
    writeCount: () => writes,

    // Organisation
    isEmpty: async () => d().users.length === 0,
    getOrg: async (): Promise<OrgRecord> => ({ ...d().org, sites: [...d().org.sites], departments: [...d().org.departments] }),
    setOrg: (org: OrgRecord) =>
      mutate((x, w) => {
        x.org = copy(org);
        w.org(x.org);
      }),

    // Users
    /** Creates the accounts all-or-nothing, with their audit entries (`notes`) in the same write. */
    async createUsers(inputs: NewUser[], now: string, notes: AuditNote[] = []): Promise<UserRecord[]> {
      return mutate((x, w) => {
        const taken = new Set<string>();
        for (const u of inputs) {
          if (taken.has(u.username) || userNamed(x, u.username)) throw new DuplicateUsernameError(u.username);
          taken.add(u.username);
        }
        const created = inputs.map((u) => ({ ...u, id: randomUUID(), active: u.active ?? true, createdAt: now, updatedAt: now }));
        x.users.push(...created);
        for (const u of created) w.put('users', u);
        for (const n of notes) audit(x, w, { at: now, targetId: created[0]?.id ?? '', ...n });
        return created.map(flat);
      });
    },
    getUser: async (id: string) => {
      const u = userOf(d(), id);
      return u && flat(u);
    },
    getUserByUsername: async (username: string) => {
      const u = userNamed(d(), username);
      return u && flat(u);
    },
    listUsers: async (f: UserFilter = {}): Promise<UserRecord[]> =>
      d()
        .users.filter((u) => (f.includeInactive || u.active) && (!f.role || u.role === f.role) && (!f.site || u.site === f.site) && (!f.department || u.department === f.department))
        .sort(byUsername)
        .map(flat),
    searchUsers: async (f: UserSearch, req: PageRequest): Promise<Page<UserRecord>> => {
      const text = f.text?.trim().toLowerCase();
      const found = d().users.filter(
        (u) =>
          (!f.status || f.status === 'all' || u.active === (f.status === 'active')) &&
          (!f.role || u.role === f.role) &&
          (!f.site || u.site === f.site) &&
          (!text || [u.displayName, u.username, u.department, u.site].some((v) => v.toLowerCase().includes(text))),
      );
      return pageOf(found.sort(byUsername), req, flat);
    },
    /** Changes an account, with its audit entries (`notes`) in the same write; none are written for an unknown id. */
    updateUser: (id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>, now: string, notes: AuditNote[] = []) =>
      mutate((x, w) => {
        const u = userOf(x, id);
        if (!u) return undefined;
        if (patch.username && patch.username !== u.username) {
          if (userNamed(x, patch.username)) throw new DuplicateUsernameError(patch.username);
          ix.userByName.reset();
        }
        Object.assign(u, patch, { updatedAt: now });
        w.put('users', u);
        for (const n of notes) audit(x, w, { at: now, targetId: id, ...n });
        return flat(u);
      }),

    /**
     * Sets a password in one write with its audit entry: an admin's reset
     * (`mustChange`: chosen by someone else, so to be changed at the next
     * sign-in) or the person's own change (the flag clears). Every session of
     * the person ends except `keepSession` (the one that made the change).
     */
    setPassword: (userId: string, passwordHash: string, change: { by: string; action: 'user.password.reset' | 'user.password.change'; mustChange: boolean; keepSession?: string }, now: string) =>
      mutate((x, w) => {
        const u = userOf(x, userId);
        if (!u) return undefined;
        u.passwordHash = passwordHash;
        if (change.mustChange) u.mustChangePassword = true;
        else delete u.mustChangePassword;
        u.updatedAt = now;
        w.put('users', u);
        removeWhere(x, w, 'sessions', (s) => s.userId === userId && s.idHash !== change.keepSession);
        audit(x, w, { at: now, actorId: change.by, action: change.action, targetId: userId, details: { username: u.username } });
        return flat(u);
      }),

    // Sessions
    createSession: (s: SessionRecord) =>
      mutate((x, w) => {
        const rec = { ...s };
        x.sessions.push(rec);
        w.put('sessions', rec);
      }),
    findSession: async (idHash: string) => {
      const s = ix.session.last(d().sessions, idHash);
      return s && flat(s);
    },
    findSessionUser: async (idHash: string) => {
      const s = ix.session.last(d().sessions, idHash);
      if (!s) return undefined;
      const u = userOf(d(), s.userId);
      return { session: flat(s), user: u && flat(u) };
    },
    touchSession: (idHash: string, now: string) =>
      mutate((x, w) => {
        const s = ix.session.last(x.sessions, idHash);
        if (s) {
          s.lastSeenAt = now;
          w.patch('sessions', idHash, { lastSeenAt: now });
        }
      }),
    deleteSession: (idHash: string) => mutate((x, w) => removeWhere(x, w, 'sessions', (s) => s.idHash === idHash)),
    deleteSessionsOfUser: (userId: string) => mutate((x, w) => removeWhere(x, w, 'sessions', (s) => s.userId === userId)),
    // Module progress
    /** Records that a module was opened; a re-open within a minute is not worth a write. */
    markModuleOpened: (userId: string, chapter: number, now: string) => {
      const existing = progressOf(d(), userId, chapter);
      if (!shouldRecordOpen(existing, new Date(now))) return Promise.resolve();
      return mutate((x, w) => {
        let p = progressOf(x, userId, chapter);
        if (p) p.lastOpenedAt = now;
        else x.moduleProgress.push((p = { userId, chapter, openedAt: now, lastOpenedAt: now }));
        w.put('moduleProgress', p);
      });
    },
    /** Stores a graded knowledge check and folds it into the module's progress. */
    recordCheckAttempt: (a: Omit<CheckAttemptRecord, 'id'>) =>
      mutate((x, w) => {
        const rec = { ...copy(a), id: randomUUID() };
        x.checkAttempts.push(rec);
        w.put('checkAttempts', rec);
        const old = progressOf(x, a.userId, a.chapter);
        const p: StoredModuleProgress = { ...foldCheckAttempt(old, a), userId: a.userId };
        if (old) Object.assign(old, p);
        else x.moduleProgress.push(p);
        w.put('moduleProgress', p);
        return copy(rec);
      }),
    listModuleProgress: async (userId: string): Promise<StoredModuleProgress[]> => ix.progress.all(d().moduleProgress, userId).map(flat),
    latestCheckAttempt: async (userId: string, chapter: number) => {
      const last = ix.checkByUser.last(d().checkAttempts, `${userId}|${chapter}`);
      return last && copy(last);
    },
    listCheckAttempts: async (userId: string, chapter: number) => ix.checkByUser.all(d().checkAttempts, `${userId}|${chapter}`).map(copy),
    // Role-plays, dealt by the server step by step (src/scenarios/play.ts)
    /** Starts a play; the person's other open plays of that scenario are given up in the same write (one open play per scenario). */
    startPlay: (p: Omit<ScenarioPlayRecord, 'id' | 'steps'>) =>
      mutate((x, w) => {
        const open = playsOf(x).open.get(`${p.userId}|${p.scenarioId}`);
        if (open && !open.end) {
          open.end = 'abandoned';
          open.endedAt = p.startedAt;
          w.put('scenarioPlays', open);
        }
        const rec: ScenarioPlayRecord = { ...p, id: randomUUID(), steps: [] };
        x.scenarioPlays.push(rec);
        w.put('scenarioPlays', rec);
        return copyPlay(rec);
      }),
    /** The person's play of this scenario that has not ended (it may have timed out), if any. */
    openPlay: async (userId: string, scenarioId: string) => {
      const p = playsOf(d()).open.get(`${userId}|${scenarioId}`);
      return p && !p.end ? copyPlay(p) : undefined;
    },
    getPlay: async (id: string) => {
      const p = playsOf(d()).byId.get(id);
      return p && copyPlay(p);
    },
    listPlays: async (userId: string, scenarioId?: string): Promise<ScenarioPlayRecord[]> =>
      (playsOf(d()).byUser.get(userId) ?? []).filter((p) => !scenarioId || p.scenarioId === scenarioId).map(copyPlay),
    /**
     * Records one dealt step, guarded: only while the play is open, before its
     * deadline and still at `expected` steps, so a replayed request or a second
     * tab changes nothing. With `attempt` (the server's scoring of the ending
     * this step reached) the play ends and the attempt is stored in the same write.
     */
    recordPlayStep: (playId: string, expected: number, step: PlayStepRecord, attempt?: Omit<ScenarioAttemptRecord, 'id'>) =>
      mutate((x, w): { ok: true; play: ScenarioPlayRecord; attempt?: ScenarioAttemptRecord } | { ok: false; reason: 'gone' | 'ended' | 'moved' | 'timed-out' } => {
        const p = playsOf(x).byId.get(playId);
        if (!p) return { ok: false, reason: 'gone' };
        if (p.end) return { ok: false, reason: 'ended' };
        if (p.deadline && step.at > p.deadline) return { ok: false, reason: 'timed-out' };
        if (p.steps.length !== expected) return { ok: false, reason: 'moved' };
        p.steps = [...p.steps, { ...step }];
        let rec: ScenarioAttemptRecord | undefined;
        if (attempt) {
          rec = { ...copy(attempt), id: randomUUID(), playId };
          x.scenarioAttempts.push(rec);
          w.put('scenarioAttempts', rec);
          p.end = 'finished';
          p.endedAt = step.at;
          p.attemptId = rec.id;
        }
        w.put('scenarioPlays', p);
        return { ok: true, play: copyPlay(p), attempt: rec && copy(rec) };
      }),
    /** Stores a scored attempt as it is (benchmarks, tests and imports; trainees' attempts come from recordPlayStep). */
    recordScenarioAttempt: (a: Omit<ScenarioAttemptRecord, 'id'>) =>
      mutate((x, w) => {
        const rec = { ...copy(a), id: randomUUID() };
        x.scenarioAttempts.push(rec);
        w.put('scenarioAttempts', rec);
        return copy(rec);
      }),
    listScenarioAttempts: async (userId: string, scenarioId?: string): Promise<ScenarioAttemptRecord[]> =>
      ix.attemptByUser.all(d().scenarioAttempts, userId).filter((a) => !scenarioId || a.scenarioId === scenarioId).map(copy),
    getScenarioAttempt: async (id: string) => {
      const a = ix.attemptById.last(d().scenarioAttempts, id);
      return a && copy(a);
    },

    // Final exam
    /** One open paper per person: a second while one is unsubmitted is a ConflictError (two taps on 开始考试 give one paper). */
    createExamAttempt: (a: Omit<ExamAttemptRecord, 'id'>) =>
      mutate((x, w) => {
        if (!a.submittedAt && ix.examByUser.all(x.examAttempts, a.userId).some((y) => !y.submittedAt)) throw new ConflictError('exam', a.userId);
        const rec = { ...copy(a), id: randomUUID() };
        x.examAttempts.push(rec);
        w.put('examAttempts', rec);
        return structuredClone(rec);
      }),
    getExamAttempt: async (id: string) => {
      const a = examOf(d(), id);
      return a && structuredClone(a);
    },
    listExamAttempts: async (userId: string): Promise<ExamAttemptRecord[]> => ix.examByUser.all(d().examAttempts, userId).map((a) => structuredClone(a)),
    listOverdueExamAttempts: async (before: string): Promise<ExamAttemptRecord[]> => d().examAttempts.filter((a) => !a.submittedAt && a.deadline < before).map((a) => structuredClone(a)),
    /** Saves one answer (undefined clears it); refused once the attempt is submitted. */
    saveExamAnswer: (id: string, questionId: string, response: unknown, now: string) =>
      mutate((x, w) => {
        const a = examOf(x, id);
        if (!a || a.submittedAt) return false;
        if (response === undefined) delete a.answers[questionId];
        else a.answers[questionId] = response;
        a.savedAt = now;
        // The answers only: the paper does not change, and is the bulk of the record.
        w.patch('examAttempts', id, { answers: a.answers, savedAt: now });
        return true;
      }),
    /** Stores the grading once, guarded (see ExamsPort): where not yet submitted and the answers are those graded. */
    submitExamAttempt: (id: string, graded: { result: NonNullable<ExamAttemptRecord['result']>; savedAt: string | undefined }, now: string, auto: boolean) =>
      mutate((x, w): { attempt: ExamAttemptRecord; already: boolean } | { moved: true } | undefined => {
        const a = examOf(x, id);
        if (!a) return undefined;
        if (a.submittedAt) return { attempt: structuredClone(a), already: true };
        if (a.savedAt !== graded.savedAt) return { moved: true };
        a.result = structuredClone(graded.result);
        a.submittedAt = now;
        if (auto) a.autoSubmitted = true;
        w.put('examAttempts', a);
        return { attempt: structuredClone(a), already: false };
      }),

    // Certificates
    /**
     * Issues a certificate unless the person already holds one that is neither
     * revoked, superseded nor expired: issuing happens exactly once per round.
     */
    issueCertificate: (c: Omit<CertificateRecord, 'id'>) =>
      mutate((x, w) => {
        const held = ix.certByUser.all(x.certificates, c.userId).find((y) => isInForce(y, new Date(c.issuedAt)));
        if (held) return { certificate: copy(held), issued: false };
        if (ix.certByCode.last(x.certificates, c.code)) throw new DuplicateError('certificate.code', c.code);
        const rec = { ...copy(c), id: randomUUID() };
        x.certificates.push(rec);
        w.put('certificates', rec);
        return { certificate: copy(rec), issued: true };
      }),
    listAllCertificates: async (req: PageRequest): Promise<Page<CertificateRecord>> => pageOf([...d().certificates].reverse(), req, copy),
    listCertificates: async (userId: string): Promise<CertificateRecord[]> => ix.certByUser.all(d().certificates, userId).map(copy),
    getCertificate: async (id: string) => {
      const c = certOf(d(), id);
      return c && copy(c);
    },
    getCertificateByCode: async (code: string) => {
      const c = ix.certByCode.last(d().certificates, code);
      return c && copy(c);
    },
    /** Revokes with a reason and writes the audit entry in the same write. */
    revokeCertificate: (id: string, by: string, reason: string, now: string) =>
      mutate((x, w) => {
        const c = certOf(x, id);
        if (!c || c.revokedAt || c.supersededBy) return undefined;
        Object.assign(c, { revokedAt: now, revokedBy: by, revokeReason: reason });
        w.put('certificates', c);
        audit(x, w, { at: now, actorId: by, action: 'certificate.revoke', targetId: id, reason, details: { userId: c.userId, code: c.code } });
        return copy(c);
      }),
    /**
     * Replaces a certificate with a new one (new code, same holder and expiry);
     * the old one is superseded. Never a revoked one: that is reinstateCertificate.
     */
    reissueCertificate: (id: string, newCode: string, by: string, reason: string, now: string) =>
      mutate((x, w) => {
        const old = certOf(x, id);
        if (!old || old.supersededBy || old.revokedAt) return undefined;
        return replaceCertificate(x, w, old, newCode, { at: now, actorId: by, action: 'certificate.reissue', targetId: old.id, reason });
      }),
    /**
     * Issues a revoked certificate again, as its own audited decision with a
     * reason: a new certificate (new code, same holder and expiry) supersedes
     * the revoked one, which keeps its revocation. Refused while the holder
     * has another certificate in force, so nobody ends up with two.
     */
    reinstateCertificate: (id: string, newCode: string, by: string, reason: string, now: string) =>
      mutate((x, w) => {
        const old = certOf(x, id);
        if (!old || old.supersededBy || !old.revokedAt) return undefined;
        if (ix.certByUser.all(x.certificates, old.userId).some((y) => isInForce(y, new Date(now)))) return undefined;
        return replaceCertificate(x, w, old, newCode, { at: now, actorId: by, action: 'certificate.reinstate', targetId: old.id, reason });
      }),

    // Waivers and audit
    addWaiver: (w: WaiverRecord) =>
      mutate((x, wr) => {
        const rec = { ...w };
        x.waivers.push(rec);
        wr.put('waivers', rec);
        audit(x, wr, { at: w.at, actorId: w.by, action: 'prerequisites.waive', targetId: w.userId, reason: w.reason });
      }),
    getWaiver: async (userId: string) => {
      const w = ix.waiverByUser.last(d().waivers, userId);
      return w && flat(w);
    },
    /** Every waiver ever granted, newest first (HR lists them with who granted each). */
    listWaivers: async (req: PageRequest): Promise<Page<WaiverRecord>> => pageOf([...d().waivers].reverse(), req, flat),
    appendAudit: (a: Omit<AuditRecord, 'id'>) => mutate((x, w) => audit(x, w, a)),
    /** Copies, details included: the log is only ever appended to (there is no method that edits or removes an entry). */
    listAudit: async (f: AuditFilter, req: PageRequest): Promise<Page<AuditRecord>> => {
      const actions = f.actions && new Set<string>(f.actions);
      const list = d().audit.filter((a) => (!actions || actions.has(a.action)) && (!f.actorId || a.actorId === f.actorId) && (!f.targetId || a.targetId === f.targetId) && (!f.from || a.at >= f.from) && (!f.to || a.at < f.to));
      return pageOf(f.newestFirst ? list.reverse() : list, req, (a) => structuredClone(a));
    },

    // Cohorts
    /**
     * Creates a cohort with its first trainees, writing 'cohort.create' and one
     * 'cohort.enrol' per trainee to the audit log in the same write.
     */
    createCohort: (c: Omit<CohortRecord, 'id' | 'members'>, by: string) =>
      mutate((x, w) => {
        const traineeIds = [...new Set(c.traineeIds)];
        const rec: CohortRecord = { ...c, traineeIds, members: traineeIds.map((userId) => ({ userId, joinedAt: c.createdAt })), id: randomUUID() };
        x.cohorts.push(rec);
        w.put('cohorts', rec);
        const details = { cohortId: rec.id, cohortName: rec.name };
        audit(x, w, { at: c.createdAt, actorId: by, action: 'cohort.create', targetId: rec.id, details: { ...details, count: traineeIds.length } });
        for (const id of traineeIds) audit(x, w, { at: c.createdAt, actorId: by, action: 'cohort.enrol', targetId: id, details });
        return structuredClone(rec);
      }),
    getCohort: async (id: string) => {
      const c = cohortOf(d(), id);
      return c && structuredClone(c);
    },
    /** A trainer's own cohorts, or all (admins). */
    listCohorts: async (trainerId?: string): Promise<CohortRecord[]> => d().cohorts.filter((c) => !trainerId || c.trainerId === trainerId).map((c) => structuredClone(c)),
    updateCohort: (id: string, patch: Partial<Pick<CohortRecord, 'name' | 'dueDate'>>) =>
      mutate((x, w) => {
        const c = cohortOf(x, id);
        if (!c) return undefined;
        Object.assign(c, patch);
        w.put('cohorts', c);
        return structuredClone(c);
      }),
    /**
     * Adds trainees to a cohort (those already in it are skipped), keeping the
     * membership history and writing one 'cohort.enrol' audit entry each in the same write.
     */
    enrol: (id: string, userIds: readonly string[], by: string, at: string) =>
      mutate((x, w) => {
        const c = cohortOf(x, id);
        if (!c) return undefined;
        const fresh = [...new Set(userIds)].filter((u) => !c.traineeIds.includes(u));
        c.members = [...stints(c), ...fresh.map((userId) => ({ userId, joinedAt: at }))];
        c.traineeIds = [...c.traineeIds, ...fresh];
        w.put('cohorts', c);
        for (const u of fresh) audit(x, w, { at, actorId: by, action: 'cohort.enrol', targetId: u, details: { cohortId: c.id, cohortName: c.name } });
        return { cohort: structuredClone(c), added: fresh.length };
      }),
    /** Takes a trainee out of a cohort (their records stay), with a 'cohort.remove' audit entry in the same write; undefined if they were not in it. */
    unenrol: (id: string, userId: string, by: string, at: string) =>
      mutate((x, w) => {
        const c = cohortOf(x, id);
        if (!c || !c.traineeIds.includes(userId)) return undefined;
        c.members = stints(c).map((m) => (m.userId === userId && !m.leftAt ? { ...m, leftAt: at } : m));
        c.traineeIds = c.traineeIds.filter((u) => u !== userId);
        w.put('cohorts', c);
        audit(x, w, { at, actorId: by, action: 'cohort.remove', targetId: userId, details: { cohortId: c.id, cohortName: c.name } });
        return structuredClone(c);
      }),
    cohortsOf: async (traineeId: string): Promise<CohortRecord[]> => d().cohorts.filter((c) => c.traineeIds.includes(traineeId)).map((c) => structuredClone(c)),

    // Live sessions
    createLiveSession: (s: LiveSessionRecord) =>
      mutate((x, w) => {
        if (ix.liveByCode.all(x.liveSessions, s.code).some((y) => y.status !== 'ended')) throw new DuplicateError('liveSession.code', s.code);
        const rec = structuredClone(s);
        x.liveSessions.push(rec);
        w.put('liveSessions', rec);
        return structuredClone(s);
      }),
    getLiveSession: async (id: string) => {
      const s = ix.liveById.last(d().liveSessions, id);
      return s && structuredClone(s);
    },
    findLiveSessionByCode: async (code: string) => {
      const s = ix.liveByCode.all(d().liveSessions, code).find((x) => x.status !== 'ended');
      return s && structuredClone(s);
    },
    listLiveSessions: async (cohortId: string): Promise<LiveSessionRecord[]> => ix.liveByCohort.all(d().liveSessions, cohortId).map((s) => structuredClone(s)),
    /** Replaces a session's state at an expected revision (see LivePort). */
    updateLiveSession: (id: string, revision: number, next: LiveSessionRecord) =>
      mutate((x, w) => {
        const i = x.liveSessions.findIndex((y) => y.id === id);
        if (i < 0) return undefined;
        if ((x.liveSessions[i]!.revision ?? 0) !== revision) throw new ConflictError('live session', id);
        const updated = { ...structuredClone(next), revision: revision + 1 };
        x.liveSessions[i] = updated;
        w.put('liveSessions', updated);
        return structuredClone(updated);
      }),

    // Observed assessments
    addObservation: (o: Omit<ObservationRecord, 'id'>) =>
      mutate((x, w) => {
        // One score per rater, agent and session: a second one replaces the first.
        removeWhere(x, w, 'observations', (y) => replacesObservation(o, y));
        const rec = { ...o, id: randomUUID() };
        x.observations.push(rec);
        w.put('observations', rec);
        return flat(rec);
      }),
    listObservations: async (filter: { agentId?: string; sessionId?: string; cohortId?: string }): Promise<ObservationRecord[]> =>
      (filter.agentId ? ix.obsByAgent.all(d().observations, filter.agentId) : filter.sessionId ? ix.obsBySession.all(d().observations, filter.sessionId) : d().observations)
        .filter((o) => (!filter.agentId || o.agentId === filter.agentId) && (!filter.sessionId || o.sessionId === filter.sessionId) && (!filter.cohortId || o.cohortId === filter.cohortId))
        .map(flat),

    namesOf: async (ids: Iterable<string>): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const id of ids) {
        const u = userOf(d(), id);
        if (u) out.set(id, u.displayName);
      }
      return out;
    },
    /** Trainees with their records, by user name; the records are the store's own, read-only (see PersonRecords). */
    traineeRecords: async (f: TraineeFilter, req: PageRequest): Promise<Page<PersonRecords>> => {
      const x = d();
      const page = pageOf(traineesOf(x, f), req, (u) => u);
      const cohorts = cohortsByTrainee(x);
      return { ...page, items: page.items.map((user) => recordsOf(x, user, cohorts)) };
    },
    traineeRecordPages: async function* (f: TraineeFilter, pageSize = MAX_PAGE): AsyncGenerator<PersonRecords[]> {
      const x = d();
      // Chosen, sorted and grouped once for the whole walk (not once per page).
      const people = traineesOf(x, f);
      const cohorts = cohortsByTrainee(x);
      const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(pageSize)));
      for (let from = 0; from < people.length; from += size) {
        // Each page reads the records as they are when it is asked for, as traineeRecords does.
        const now = d();
        yield people.slice(from, from + size).map((user) => recordsOf(now, user, cohorts));
      }
    },

    /** The dashboard from every trainee's records, by the rules in src/hr (the reference the PostgreSQL read model must equal). */
    hrDashboard: async (filters: HrFilters, now: string, modulesTotal: number): Promise<Dashboard> => {
      const x = d();
      const at = new Date(now);
      const cohorts = cohortsByTrainee(x);
      const tally = dashboardTally(filters, at);
      for (const user of traineesOf(x, { includeInactive: true })) tally.add(factsOf(recordsOf(x, user, cohorts), modulesTotal, at));
      return tally.result();
    },

    traineeFacets: async () => {
      const trainees = traineesOf(d(), { includeInactive: true });
      const distinct = (xs: Array<string | undefined>) => [...new Set(xs.filter((v): v is string => !!v))].sort();
      return {
        sites: distinct(trainees.map((u) => u.site)),
        departments: distinct(trainees.map((u) => u.department)),
        hireMonths: distinct(trainees.map((u) => u.hireDate?.slice(0, 7))).reverse(),
        cohorts: d().cohorts.map((c) => ({ id: c.id, name: c.name })),
      };
    },

    getCheckAttempt: async (id: string) => {
      const a = ix.checkById.last(d().checkAttempts, id);
      return a && copy(a);
    },
  };
  return storage satisfies Storage;
}

/**
 * The store's data as it is on disk (snapshot plus journal), read without
 * opening the store (no lock, nothing written): for backups and tests.
 */
export function readStoreData(dataDir: string): DbData {
  return migrate(loadFromDisk(dataDir, emptyData).data).data;
}

/** Removes the records of collection `c` that match, journalling each deletion. */
function removeWhere<C extends Collection>(x: DbData, w: Writer, c: C, match: (r: DbData[C][number]) => boolean) {
  const list = x[c] as Array<DbData[C][number]>;
  if (!list.some(match)) return;
  const key = KEYS[c] as (r: unknown) => string;
  for (const r of list) if (match(r)) w.del(c, key(r));
  (x as unknown as Record<string, unknown>)[c] = list.filter((r) => !match(r));
}

/** The new certificate of a reissue or reinstatement, the old one superseded, and the audit entry: one write. */
function replaceCertificate(x: DbData, w: Writer, old: CertificateRecord, newCode: string, entry: Omit<AuditRecord, 'id'>): CertificateRecord {
  const { revokedAt, revokedBy, revokeReason, ...rest } = old;
  void revokedAt; void revokedBy; void revokeReason;
  const fresh: CertificateRecord = { ...rest, id: randomUUID(), code: newCode, issuedAt: entry.at, reissuedFrom: old.id };
  old.supersededBy = fresh.id;
  x.certificates.push(fresh);
  w.put('certificates', old);
  w.put('certificates', fresh);
  audit(x, w, { ...entry, details: { userId: old.userId, code: old.code, newCertificateId: fresh.id, newCode } });
  return copy(fresh);
}

function audit(x: DbData, w: Writer, a: Omit<AuditRecord, 'id'>) {
  const rec: AuditRecord = { ...structuredClone(a), id: randomUUID() };
  if (rec.reason === undefined) delete rec.reason;
  if (rec.details === undefined) delete rec.details;
  x.audit.push(rec);
  w.put('audit', rec);
}


/** The embedded store: every port, plus what only a folder of files has (checkpoints, its folder). */
export type Store = Awaited<ReturnType<typeof openStore>>;
