import { mkdirSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Low } from 'lowdb';
import { AtomicJsonFile } from './file-adapter';
import { acquireLock } from './lock';
import { migrate, emptyData, SCHEMA_VERSION } from './migrations';
import type { AuditRecord, CertificateRecord, CohortRecord, LiveSessionRecord, ObservationRecord, CheckAttemptRecord, DbData, ExamAttemptRecord, OrgRecord, ScenarioAttemptRecord, ScenarioProgressRecord, SessionRecord, StoredModuleProgress, UserRecord, WaiverRecord } from './types';
import type { Role } from '../auth/roles';

export class StoreCorruptError extends Error {}
/** A write could not reach the disk (read-only, full …): nothing was changed. */
export class StoreWriteError extends Error {}

export interface OpenOptions {
  /** Take the single-writer lock (default true; unit tests on private folders may skip it). */
  lock?: boolean;
}

export type NewUser = Omit<UserRecord, 'id' | 'createdAt' | 'updatedAt' | 'active'> & { active?: boolean };
export interface UserFilter {
  role?: Role;
  site?: string;
  department?: string;
  includeInactive?: boolean;
}

const copy = <T extends object>(x: T): T => ({ ...x });

/**
 * Opens the store in `dataDir` (created when missing), migrating an older file
 * forward. A file that does not parse is never overwritten: opening fails with
 * a message pointing at the backups.
 */
export async function openStore(dataDir: string, opts: OpenOptions = {}) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'db.json');
  const release = opts.lock === false ? () => {} : acquireLock(path.join(dataDir, 'db.lock'));
  const db = new Low<DbData>(new AtomicJsonFile<DbData>(file), emptyData());
  try {
    await db.read();
  } catch (e: any) {
    release();
    throw new StoreCorruptError(
      `the store ${file} cannot be read (${e.message}). It was left untouched; restore a backup (npm run restore <file>) or move it away to start empty.`,
    );
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
  if (migratedFrom !== undefined) {
    // Keep the pre-migration file beside the store so an upgrade can be undone.
    await fs.copyFile(file, `${file}.v${migratedFrom}.bak`);
    await db.write();
  }

  // Group commit: a change is applied in memory at once; writes run one at a
  // time, and every change made while a write is running shares the next one.
  // A caller's promise resolves only after the write that contains its change,
  // so an acknowledged change is on disk; many concurrent requests cost a
  // handful of writes instead of one each.
  type Waiter = { resolve: () => void; reject: (e: unknown) => void };
  let waiting: Waiter[] = [];
  let flushing: Promise<void> | undefined;
  let writes = 0;
  async function flush() {
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      try {
        await db.write();
        writes++;
        for (const w of batch) w.resolve();
      } catch (e: any) {
        // Drop every unsaved change so memory never runs ahead of the disk.
        const failed = [...batch, ...waiting];
        waiting = [];
        try {
          await db.read();
          db.data = migrate(db.data).data;
        } catch {
          /* keep memory as is; the file was not replaced */
        }
        const err = new StoreWriteError(`could not save (${e.code ?? e.message}); nothing was changed`);
        for (const w of failed) w.reject(err);
      }
    }
    flushing = undefined;
  }
  /** Applies a change now and resolves once it is durably written (see group commit above). */
  function mutate<R>(change: (d: DbData) => R): Promise<R> {
    let result: R;
    try {
      result = change(db.data);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<R>((resolve, reject) => {
      waiting.push({ resolve: () => resolve(result), reject });
      flushing ??= flush();
    });
  }
  const d = () => db.data;

  return {
    file,
    dataDir,
    migratedFrom,
    close: async () => {
      await flushing;
      release();
    },
    /** Number of file writes so far (for benchmarks: many changes share one write). */
    writeCount: () => writes,

    // Organisation
    isEmpty: () => d().users.length === 0,
    getOrg: (): OrgRecord => ({ ...d().org, sites: [...d().org.sites], departments: [...d().org.departments] }),
    setOrg: (org: OrgRecord) => mutate((x) => void (x.org = { ...org })),

    // Users
    async createUsers(inputs: NewUser[], now: string): Promise<UserRecord[]> {
      return mutate((x) => {
        const taken = new Set(x.users.map((u) => u.username));
        for (const u of inputs) {
          if (taken.has(u.username)) throw new DuplicateUsernameError(u.username);
          taken.add(u.username);
        }
        const created = inputs.map((u) => ({ ...u, id: randomUUID(), active: u.active ?? true, createdAt: now, updatedAt: now }));
        x.users.push(...created);
        return created.map(copy);
      });
    },
    getUser: (id: string) => {
      const u = d().users.find((x) => x.id === id);
      return u && copy(u);
    },
    getUserByUsername: (username: string) => {
      const u = d().users.find((x) => x.username === username);
      return u && copy(u);
    },
    listUsers: (f: UserFilter = {}): UserRecord[] =>
      d()
        .users.filter((u) => (f.includeInactive || u.active) && (!f.role || u.role === f.role) && (!f.site || u.site === f.site) && (!f.department || u.department === f.department))
        .map(copy),
    updateUser: (id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>, now: string) =>
      mutate((x) => {
        const u = x.users.find((y) => y.id === id);
        if (!u) return undefined;
        if (patch.username && patch.username !== u.username && x.users.some((y) => y.username === patch.username)) {
          throw new DuplicateUsernameError(patch.username);
        }
        Object.assign(u, patch, { updatedAt: now });
        return copy(u);
      }),

    // Sessions
    createSession: (s: SessionRecord) => mutate((x) => void x.sessions.push({ ...s })),
    findSession: (idHash: string) => {
      const s = d().sessions.find((x) => x.idHash === idHash);
      return s && copy(s);
    },
    touchSession: (idHash: string, now: string) =>
      mutate((x) => {
        const s = x.sessions.find((y) => y.idHash === idHash);
        if (s) s.lastSeenAt = now;
      }),
    deleteSession: (idHash: string) => mutate((x) => void (x.sessions = x.sessions.filter((s) => s.idHash !== idHash))),
    deleteSessionsOfUser: (userId: string) => mutate((x) => void (x.sessions = x.sessions.filter((s) => s.userId !== userId))),
    deleteSessionsWhere: (expired: (s: SessionRecord) => boolean) => mutate((x) => void (x.sessions = x.sessions.filter((s) => !expired(s)))),

    // Module progress
    /** Records that a module was opened; a re-open within a minute is not worth a write. */
    markModuleOpened: (userId: string, chapter: number, now: string) => {
      const existing = d().moduleProgress.find((y) => y.userId === userId && y.chapter === chapter);
      if (existing && Math.abs(Date.parse(now) - Date.parse(existing.lastOpenedAt)) < 60_000) return Promise.resolve();
      return mutate((x) => {
        const p = x.moduleProgress.find((y) => y.userId === userId && y.chapter === chapter);
        if (p) p.lastOpenedAt = now;
        else x.moduleProgress.push({ userId, chapter, openedAt: now, lastOpenedAt: now });
      });
    },
    /** Stores a graded knowledge check and folds it into the module's progress. */
    recordCheckAttempt: (a: Omit<CheckAttemptRecord, 'id'>) =>
      mutate((x) => {
        const rec = { ...a, id: randomUUID() };
        x.checkAttempts.push(rec);
        let p = x.moduleProgress.find((y) => y.userId === a.userId && y.chapter === a.chapter);
        if (!p) {
          p = { userId: a.userId, chapter: a.chapter, openedAt: a.at, lastOpenedAt: a.at };
          x.moduleProgress.push(p);
        }
        p.bestPercent = Math.max(p.bestPercent ?? 0, a.percent);
        if (a.passed && !p.completedAt) p.completedAt = a.at;
        return copy(rec);
      }),
    listModuleProgress: (userId: string): StoredModuleProgress[] => d().moduleProgress.filter((p) => p.userId === userId).map(copy),
    listAllModuleProgress: (): StoredModuleProgress[] => d().moduleProgress.map(copy),
    latestCheckAttempt: (userId: string, chapter: number) => {
      const list = d().checkAttempts.filter((a) => a.userId === userId && a.chapter === chapter);
      const last = list[list.length - 1];
      return last && copy(last);
    },
    // Role-play attempts
    /** Stores a server-scored attempt and clears that scenario's half-played progress. */
    recordScenarioAttempt: (a: Omit<ScenarioAttemptRecord, 'id'>) =>
      mutate((x) => {
        const rec = { ...a, id: randomUUID() };
        x.scenarioAttempts.push(rec);
        x.scenarioProgress = x.scenarioProgress.filter((p) => !(p.userId === a.userId && p.scenarioId === a.scenarioId));
        return copy(rec);
      }),
    listScenarioAttempts: (userId: string, scenarioId?: string): ScenarioAttemptRecord[] =>
      d().scenarioAttempts.filter((a) => a.userId === userId && (!scenarioId || a.scenarioId === scenarioId)).map(copy),
    getScenarioAttempt: (id: string) => {
      const a = d().scenarioAttempts.find((x) => x.id === id);
      return a && copy(a);
    },
    saveScenarioProgress: (p: ScenarioProgressRecord) =>
      mutate((x) => {
        x.scenarioProgress = x.scenarioProgress.filter((q) => !(q.userId === p.userId && q.scenarioId === p.scenarioId));
        x.scenarioProgress.push({ ...p, choiceIds: [...p.choiceIds] });
      }),
    getScenarioProgress: (userId: string, scenarioId: string) => {
      const p = d().scenarioProgress.find((q) => q.userId === userId && q.scenarioId === scenarioId);
      return p && { ...p, choiceIds: [...p.choiceIds] };
    },
    clearScenarioProgress: (userId: string, scenarioId: string) =>
      mutate((x) => void (x.scenarioProgress = x.scenarioProgress.filter((q) => !(q.userId === userId && q.scenarioId === scenarioId)))),

    // Final exam
    createExamAttempt: (a: Omit<ExamAttemptRecord, 'id'>) =>
      mutate((x) => {
        const rec = { ...a, id: randomUUID() };
        x.examAttempts.push(rec);
        return structuredClone(rec);
      }),
    getExamAttempt: (id: string) => {
      const a = d().examAttempts.find((x) => x.id === id);
      return a && structuredClone(a);
    },
    listExamAttempts: (userId?: string): ExamAttemptRecord[] =>
      d().examAttempts.filter((a) => !userId || a.userId === userId).map((a) => structuredClone(a)),
    /** Saves one answer (undefined clears it); refused once the attempt is submitted. */
    saveExamAnswer: (id: string, questionId: string, response: unknown, now: string) =>
      mutate((x) => {
        const a = x.examAttempts.find((y) => y.id === id);
        if (!a || a.submittedAt) return false;
        if (response === undefined) delete a.answers[questionId];
        else a.answers[questionId] = response;
        a.savedAt = now;
        return true;
      }),
    /** Stores the grading once; a second call returns the first result unchanged with `already: true`. */
    submitExamAttempt: (id: string, grade: (a: ExamAttemptRecord) => ExamAttemptRecord['result'], now: string, auto: boolean) =>
      mutate((x) => {
        const a = x.examAttempts.find((y) => y.id === id);
        if (!a) return undefined;
        if (a.submittedAt) return { attempt: structuredClone(a), already: true };
        a.result = grade(a);
        a.submittedAt = now;
        if (auto) a.autoSubmitted = true;
        return { attempt: structuredClone(a), already: false };
      }),

    // Certificates
    /**
     * Issues a certificate unless the person already holds one that is neither
     * revoked, superseded nor expired: issuing happens exactly once per round.
     */
    issueCertificate: (c: Omit<CertificateRecord, 'id'>) =>
      mutate((x) => {
        const held = x.certificates.find((y) => y.userId === c.userId && !y.revokedAt && !y.supersededBy && y.expiresAt > c.issuedAt);
        if (held) return { certificate: copy(held), issued: false };
        if (x.certificates.some((y) => y.code === c.code)) throw new Error('verification code collision; try again');
        const rec = { ...c, id: randomUUID() };
        x.certificates.push(rec);
        return { certificate: copy(rec), issued: true };
      }),
    listCertificates: (userId?: string): CertificateRecord[] => d().certificates.filter((c) => !userId || c.userId === userId).map(copy),
    getCertificate: (id: string) => {
      const c = d().certificates.find((x) => x.id === id);
      return c && copy(c);
    },
    getCertificateByCode: (code: string) => {
      const c = d().certificates.find((x) => x.code === code);
      return c && copy(c);
    },
    /** Revokes with a reason and writes the audit entry in the same write. */
    revokeCertificate: (id: string, by: string, reason: string, now: string) =>
      mutate((x) => {
        const c = x.certificates.find((y) => y.id === id);
        if (!c || c.revokedAt || c.supersededBy) return undefined;
        Object.assign(c, { revokedAt: now, revokedBy: by, revokeReason: reason });
        x.audit.push({ id: randomUUID(), at: now, actorId: by, action: 'certificate.revoke', targetId: id, reason, details: { userId: c.userId, code: c.code } });
        return copy(c);
      }),
    /** Replaces a certificate with a new one (new code, same holder and expiry); the old one is superseded. */
    reissueCertificate: (id: string, newCode: string, by: string, reason: string, now: string) =>
      mutate((x) => {
        const old = x.certificates.find((y) => y.id === id);
        if (!old || old.supersededBy) return undefined;
        const { revokedAt, revokedBy, revokeReason, ...rest } = old;
        void revokedAt; void revokedBy; void revokeReason;
        const fresh: CertificateRecord = { ...rest, id: randomUUID(), code: newCode, issuedAt: now, reissuedFrom: old.id };
        old.supersededBy = fresh.id;
        x.certificates.push(fresh);
        x.audit.push({ id: randomUUID(), at: now, actorId: by, action: 'certificate.reissue', targetId: old.id, reason, details: { userId: old.userId, newCertificateId: fresh.id, newCode } });
        return copy(fresh);
      }),

    // Waivers and audit
    addWaiver: (w: WaiverRecord) =>
      mutate((x) => {
        x.waivers.push({ ...w });
        x.audit.push({ id: randomUUID(), at: w.at, actorId: w.by, action: 'prerequisites.waive', targetId: w.userId, reason: w.reason });
      }),
    getWaiver: (userId: string) => {
      const w = d().waivers.filter((x) => x.userId === userId).at(-1);
      return w && copy(w);
    },
    appendAudit: (a: Omit<AuditRecord, 'id'>) => mutate((x) => void x.audit.push({ ...a, id: randomUUID() })),
    listAudit: (): AuditRecord[] => d().audit.map(copy),

    // Cohorts
    createCohort: (c: Omit<CohortRecord, 'id'>) =>
      mutate((x) => {
        const rec = { ...c, traineeIds: [...new Set(c.traineeIds)], id: randomUUID() };
        x.cohorts.push(rec);
        return structuredClone(rec);
      }),
    getCohort: (id: string) => {
      const c = d().cohorts.find((x) => x.id === id);
      return c && structuredClone(c);
    },
    /** A trainer's own cohorts, or all (admins). */
    listCohorts: (trainerId?: string): CohortRecord[] => d().cohorts.filter((c) => !trainerId || c.trainerId === trainerId).map((c) => structuredClone(c)),
    updateCohort: (id: string, patch: Partial<Pick<CohortRecord, 'name' | 'dueDate' | 'traineeIds'>>) =>
      mutate((x) => {
        const c = x.cohorts.find((y) => y.id === id);
        if (!c) return undefined;
        Object.assign(c, patch);
        if (patch.traineeIds) c.traineeIds = [...new Set(patch.traineeIds)];
        return structuredClone(c);
      }),
    cohortsOf: (traineeId: string): CohortRecord[] => d().cohorts.filter((c) => c.traineeIds.includes(traineeId)).map((c) => structuredClone(c)),

    // Live sessions
    createLiveSession: (s: LiveSessionRecord) =>
      mutate((x) => {
        if (x.liveSessions.some((y) => y.code === s.code && y.status !== 'ended')) throw new Error('join code in use');
        x.liveSessions.push(structuredClone(s));
        return structuredClone(s);
      }),
    getLiveSession: (id: string) => {
      const s = d().liveSessions.find((x) => x.id === id);
      return s && structuredClone(s);
    },
    findLiveSessionByCode: (code: string) => {
      const s = d().liveSessions.find((x) => x.code === code && x.status !== 'ended');
      return s && structuredClone(s);
    },
    listLiveSessions: (cohortId: string): LiveSessionRecord[] => d().liveSessions.filter((s) => s.cohortId === cohortId).map((s) => structuredClone(s)),
    /**
     * Replaces a session's state with `next(current)`; `next` may throw to refuse
     * the change. `next` must not modify its argument (the live reducer never does):
     * no copy is made, because a class voting at once calls this hundreds of times.
     */
    updateLiveSession: (id: string, next: (s: Readonly<LiveSessionRecord>) => LiveSessionRecord) =>
      mutate((x) => {
        const i = x.liveSessions.findIndex((y) => y.id === id);
        if (i < 0) return undefined;
        const updated = next(x.liveSessions[i]!);
        x.liveSessions[i] = updated;
        return { ...updated };
      }),

    // Observed assessments
    addObservation: (o: Omit<ObservationRecord, 'id'>) =>
      mutate((x) => {
        // One score per rater, agent and session: a second one replaces the first.
        x.observations = x.observations.filter((y) => !(y.sessionId === o.sessionId && y.agentId === o.agentId && y.raterId === o.raterId));
        const rec = { ...o, id: randomUUID() };
        x.observations.push(rec);
        return copy(rec);
      }),
    listObservations: (filter: { agentId?: string; sessionId?: string; cohortId?: string } = {}): ObservationRecord[] =>
      d()
        .observations.filter((o) => (!filter.agentId || o.agentId === filter.agentId) && (!filter.sessionId || o.sessionId === filter.sessionId) && (!filter.cohortId || o.cohortId === filter.cohortId))
        .map(copy),

    /**
     * Everything HR reports read, as read-only arrays without copies: copying
     * half a million attempt records for every dashboard view would cost more
     * than computing the figures. The types forbid changes; callers must not cast them away.
     */
    reportView: () => {
      const x = d();
      return {
        users: x.users as ReadonlyArray<Readonly<UserRecord>>,
        moduleProgress: x.moduleProgress as ReadonlyArray<Readonly<StoredModuleProgress>>,
        scenarioAttempts: x.scenarioAttempts as ReadonlyArray<Readonly<ScenarioAttemptRecord>>,
        examAttempts: x.examAttempts as ReadonlyArray<Readonly<ExamAttemptRecord>>,
        certificates: x.certificates as ReadonlyArray<Readonly<CertificateRecord>>,
        observations: x.observations as ReadonlyArray<Readonly<ObservationRecord>>,
        cohorts: x.cohorts as ReadonlyArray<Readonly<CohortRecord>>,
      };
    },

    getCheckAttempt: (id: string) => {
      const a = d().checkAttempts.find((x) => x.id === id);
      return a && copy(a);
    },
  };
}

export class DuplicateUsernameError extends Error {
  constructor(public readonly username: string) {
    super(`username "${username}" is already taken`);
  }
}

export type Store = Awaited<ReturnType<typeof openStore>>;
