// The storage contract: what the application layer (src/app) may ask of
// storage, one port per aggregate, every method async. Two adapters implement
// it: the embedded store (store.ts: snapshot + journal, in-memory indexes) and,
// for companies that outgrow one machine, PostgreSQL. Both must pass the same
// contract suite (test/contract). See docs/decisions/0003-storage-ports.md.
//
// Rules every adapter keeps:
// - Records go in and come out as copies: changing a returned record changes nothing stored.
// - A write resolves only once it is durable; a failed write changed nothing.
// - Writes that must be atomic are guarded writes an adapter can do in one
//   statement ("where not yet submitted", "at revision N"), never callbacks run
//   inside storage. A guard that does not hold is a typed result or error, never a message to match.
// - Lists are bounded by who or what they are about (one person's attempts, one
//   cohort's sessions); reports over the whole company go through ReportsPort, paged.
import type { Role } from '../auth/roles';
import type { Dashboard, HrFilters } from '../hr/dashboard';
import type {
  AuditAction,
  AuditRecord,
  CertificateRecord,
  CheckAttemptRecord,
  CohortRecord,
  ExamAttemptRecord,
  LiveSessionRecord,
  ObservationRecord,
  OrgRecord,
  PlayStepRecord,
  ScenarioAttemptRecord,
  ScenarioPlayRecord,
  SessionRecord,
  StoredModuleProgress,
  UserRecord,
  WaiverRecord,
} from './types';

export type NewUser = Omit<UserRecord, 'id' | 'createdAt' | 'updatedAt' | 'active'> & { active?: boolean };
/**
 * An audit entry that a change writes in its own write, so the change is never
 * saved without its entry nor the entry without its change. Its time is the
 * change's; without a targetId it is the changed record's id (the first created).
 */
export type AuditNote = Omit<AuditRecord, 'id' | 'at' | 'targetId'> & { targetId?: string };
export interface UserFilter {
  role?: Role;
  site?: string;
  department?: string;
  includeInactive?: boolean;
}

/** What the admin's account list asks for: every field optional, all of them must hold. */
export interface UserSearch {
  /** A case-insensitive piece of the display name, user name, department or site (wildcards match literally). */
  text?: string;
  role?: Role;
  site?: string;
  /** Active, inactive or both (the default). */
  status?: 'active' | 'inactive' | 'all';
}

/** A page of results: `next` is the cursor of the following page (absent on the last). */
export interface Page<T> {
  items: T[];
  total: number;
  next?: number;
}
export interface PageRequest {
  /** Offset of the first item (a cursor from `Page.next`). */
  from?: number;
  /** At most this many items (adapters cap it at MAX_PAGE). */
  limit?: number;
}
export const MAX_PAGE = 1000;

// ---------------------------------------------------------------- errors

/** A value that must be unique is taken (a user name, a certificate code, a live join code). */
export class DuplicateError extends Error {
  constructor(
    public readonly field: 'user.username' | 'certificate.code' | 'liveSession.code',
    public readonly value: string,
  ) {
    super(`${field} "${value}" is already taken`);
  }
}
/** A user name is taken (the case callers tell people about). */
export class DuplicateUsernameError extends DuplicateError {
  constructor(public readonly username: string) {
    super('user.username', username);
  }
}
/** A guarded write whose guard no longer holds: someone else changed the record first. */
export class ConflictError extends Error {
  constructor(
    public readonly what: string,
    public readonly id: string,
  ) {
    super(`${what} ${id} was changed by someone else`);
  }
}
/** The store cannot be read (damaged files): nothing was touched. */
export class StoreCorruptError extends Error {}
/** A write could not reach the disk or database (read-only, full, gone …): nothing was changed. */
export class StoreWriteError extends Error {}
/** The store cannot be reached at all (PostgreSQL down or unreachable): reads fail too; service resumes by itself when it is back. */
export class StoreUnavailableError extends StoreWriteError {}

// ---------------------------------------------------------------- ports

export interface OrgPort {
  /** True while no account exists (first start: seed the demo or the first admin). */
  isEmpty(): Promise<boolean>;
  getOrg(): Promise<OrgRecord>;
  setOrg(org: OrgRecord): Promise<void>;
}

export interface AccountsPort {
  /** Creates the accounts all-or-nothing, with their audit entries in the same write. Throws DuplicateUsernameError. */
  createUsers(inputs: NewUser[], now: string, notes?: AuditNote[]): Promise<UserRecord[]>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  /** Accounts matching the filter, by user name. */
  listUsers(filter?: UserFilter): Promise<UserRecord[]>;
  /** One page of the accounts matching the search, by user name (code point order), with the total that match. */
  searchUsers(search: UserSearch, page: PageRequest): Promise<Page<UserRecord>>;
  /** Display names of these accounts (absent ids are left out). */
  namesOf(ids: Iterable<string>): Promise<Map<string, string>>;
  /** Changes an account with its audit entries in the same write; undefined for an unknown id. Throws DuplicateUsernameError. */
  updateUser(id: string, patch: Partial<Omit<UserRecord, 'id' | 'createdAt'>>, now: string, notes?: AuditNote[]): Promise<UserRecord | undefined>;
  /**
   * Sets a password with its audit entry; every session of the person ends
   * except `keepSession`. `mustChange`: to be changed at the next sign-in.
   */
  setPassword(userId: string, passwordHash: string, change: { by: string; action: 'user.password.reset' | 'user.password.change'; mustChange: boolean; keepSession?: string }, now: string): Promise<UserRecord | undefined>;
}

export interface SessionsPort {
  createSession(s: SessionRecord): Promise<void>;
  findSession(idHash: string): Promise<SessionRecord | undefined>;
  /** The session and its account in one look-up (every signed-in request asks); `user` undefined when the account is gone. */
  findSessionUser(idHash: string): Promise<{ session: SessionRecord; user: UserRecord | undefined } | undefined>;
  touchSession(idHash: string, now: string): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOfUser(userId: string): Promise<void>;
}

export interface LearningPort {
  /** Records that a module was opened (a re-open within the module rules' window is not written). */
  markModuleOpened(userId: string, chapter: number, now: string): Promise<void>;
  /** Stores a graded knowledge check and folds it into the module's progress, in one write. */
  recordCheckAttempt(a: Omit<CheckAttemptRecord, 'id'>): Promise<CheckAttemptRecord>;
  listModuleProgress(userId: string): Promise<StoredModuleProgress[]>;
  latestCheckAttempt(userId: string, chapter: number): Promise<CheckAttemptRecord | undefined>;
  /** The person's knowledge checks of one chapter, oldest first (what the next attempt's questions are drawn against). */
  listCheckAttempts(userId: string, chapter: number): Promise<CheckAttemptRecord[]>;
  getCheckAttempt(id: string): Promise<CheckAttemptRecord | undefined>;
}

export type PlayStepResult = { ok: true; play: ScenarioPlayRecord; attempt?: ScenarioAttemptRecord } | { ok: false; reason: 'gone' | 'ended' | 'moved' | 'timed-out' };

export interface PlaysPort {
  /** Starts a play; the person's open play of that scenario is given up in the same write. */
  startPlay(p: Omit<ScenarioPlayRecord, 'id' | 'steps'>): Promise<ScenarioPlayRecord>;
  /** The person's play of this scenario that has not ended, if any. */
  openPlay(userId: string, scenarioId: string): Promise<ScenarioPlayRecord | undefined>;
  getPlay(id: string): Promise<ScenarioPlayRecord | undefined>;
  listPlays(userId: string, scenarioId?: string): Promise<ScenarioPlayRecord[]>;
  /**
   * Records one dealt step, guarded: only while the play is open, before its
   * deadline and still at `expected` steps. With `attempt` the play ends and
   * the attempt is stored in the same write.
   */
  recordPlayStep(playId: string, expected: number, step: PlayStepRecord, attempt?: Omit<ScenarioAttemptRecord, 'id'>): Promise<PlayStepResult>;
  /** Stores a scored attempt as it is (imports, tests, benchmarks; trainees' attempts come from recordPlayStep). */
  recordScenarioAttempt(a: Omit<ScenarioAttemptRecord, 'id'>): Promise<ScenarioAttemptRecord>;
  listScenarioAttempts(userId: string, scenarioId?: string): Promise<ScenarioAttemptRecord[]>;
  getScenarioAttempt(id: string): Promise<ScenarioAttemptRecord | undefined>;
}

export interface ExamsPort {
  createExamAttempt(a: Omit<ExamAttemptRecord, 'id'>): Promise<ExamAttemptRecord>;
  getExamAttempt(id: string): Promise<ExamAttemptRecord | undefined>;
  listExamAttempts(userId: string): Promise<ExamAttemptRecord[]>;
  /** Open attempts whose deadline is before `before` (the timer that finalises overdue papers). */
  listOverdueExamAttempts(before: string): Promise<ExamAttemptRecord[]>;
  /** Saves one answer (undefined clears it); false (nothing saved) once the attempt is submitted or unknown. */
  saveExamAnswer(id: string, questionId: string, response: unknown, now: string): Promise<boolean>;
  /**
   * Stores a graded attempt, guarded: where not yet submitted and its answers
   * are still those saved at `savedAt` (what was graded). A submitted attempt
   * comes back unchanged with `already: true`; answers saved meanwhile give
   * `moved` (grade again). Undefined for an unknown id.
   */
  submitExamAttempt(id: string, graded: { result: NonNullable<ExamAttemptRecord['result']>; savedAt: string | undefined }, now: string, auto: boolean): Promise<{ attempt: ExamAttemptRecord; already: boolean } | { moved: true } | undefined>;
}

export interface CertificatesPort {
  /**
   * Issues a certificate unless the person already holds one in force
   * (neither revoked, superseded nor expired at `issuedAt`). Throws DuplicateError on a code collision.
   */
  issueCertificate(c: Omit<CertificateRecord, 'id'>): Promise<{ certificate: CertificateRecord; issued: boolean }>;
  listCertificates(userId: string): Promise<CertificateRecord[]>;
  getCertificate(id: string): Promise<CertificateRecord | undefined>;
  getCertificateByCode(code: string): Promise<CertificateRecord | undefined>;
  /** Revokes with its audit entry; undefined unless the certificate is current (not revoked, not superseded). */
  revokeCertificate(id: string, by: string, reason: string, now: string): Promise<CertificateRecord | undefined>;
  /** A new certificate (new code, same holder and expiry) supersedes a current one; undefined if it is not current. */
  reissueCertificate(id: string, newCode: string, by: string, reason: string, now: string): Promise<CertificateRecord | undefined>;
  /** Issues a revoked certificate again as a new one; undefined if not revoked or the holder has another in force. */
  reinstateCertificate(id: string, newCode: string, by: string, reason: string, now: string): Promise<CertificateRecord | undefined>;
  /** Grants a waiver of the exam's prerequisites, with its audit entry. */
  addWaiver(w: WaiverRecord): Promise<void>;
  /** The person's latest waiver. */
  getWaiver(userId: string): Promise<WaiverRecord | undefined>;
}

export interface CohortsPort {
  /** Creates a cohort with its first trainees and their audit entries, in one write. */
  createCohort(c: Omit<CohortRecord, 'id' | 'members'>, by: string): Promise<CohortRecord>;
  getCohort(id: string): Promise<CohortRecord | undefined>;
  /** A trainer's own cohorts, or all (admins: no trainer). */
  listCohorts(trainerId?: string): Promise<CohortRecord[]>;
  updateCohort(id: string, patch: Partial<Pick<CohortRecord, 'name' | 'dueDate'>>): Promise<CohortRecord | undefined>;
  /** Adds trainees (those in it are skipped) with an audit entry each; undefined for an unknown cohort. */
  enrol(id: string, userIds: readonly string[], by: string, at: string): Promise<{ cohort: CohortRecord; added: number } | undefined>;
  /** Takes a trainee out (their records stay), audited; undefined if they were not in it. */
  unenrol(id: string, userId: string, by: string, at: string): Promise<CohortRecord | undefined>;
  /** The cohorts a trainee is in now. */
  cohortsOf(traineeId: string): Promise<CohortRecord[]>;
}

export interface LivePort {
  /** Throws DuplicateError('liveSession.code') while another open session has the code. */
  createLiveSession(s: LiveSessionRecord): Promise<LiveSessionRecord>;
  getLiveSession(id: string): Promise<LiveSessionRecord | undefined>;
  /** The session with this join code that has not ended. */
  findLiveSessionByCode(code: string): Promise<LiveSessionRecord | undefined>;
  listLiveSessions(cohortId: string): Promise<LiveSessionRecord[]>;
  /**
   * Replaces a session's state, guarded: only while it is at `revision`; the
   * stored record gets revision + 1. Throws ConflictError otherwise; undefined for an unknown id.
   */
  updateLiveSession(id: string, revision: number, next: LiveSessionRecord): Promise<LiveSessionRecord | undefined>;
  /** One score per rater, agent and session: a second one replaces the first, in one write. */
  addObservation(o: Omit<ObservationRecord, 'id'>): Promise<ObservationRecord>;
  listObservations(filter: { agentId?: string; sessionId?: string; cohortId?: string }): Promise<ObservationRecord[]>;
}

export interface AuditFilter {
  actions?: readonly AuditAction[];
  actorId?: string;
  targetId?: string;
  /** ISO bounds, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Newest first (the log's own order is oldest first). */
  newestFirst?: boolean;
}

export interface AuditPort {
  appendAudit(a: Omit<AuditRecord, 'id'>): Promise<void>;
  /** Entries matching the filter, oldest first unless `newestFirst`, a page at a time. */
  listAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditRecord>>;
}

/**
 * Everything HR reports read about one trainee: the person and their records.
 * Read-only: an adapter may hand out the records it holds without copying
 * them (a dashboard reads every trainee's history); callers never change them.
 */
export interface PersonRecords {
  readonly user: Readonly<UserRecord>;
  readonly moduleProgress: ReadonlyArray<Readonly<StoredModuleProgress>>;
  readonly scenarioAttempts: ReadonlyArray<Readonly<ScenarioAttemptRecord>>;
  readonly examAttempts: ReadonlyArray<Readonly<ExamAttemptRecord>>;
  readonly certificates: ReadonlyArray<Readonly<CertificateRecord>>;
  readonly observations: ReadonlyArray<Readonly<ObservationRecord>>;
  readonly cohorts: ReadonlyArray<Readonly<CohortRecord>>;
}

/** The read model behind HR's figures and exports: filters and pages, never whole tables. */
export interface ReportsPort {
  /** Trainees matching the filter (by user name), each with their records, a page at a time. */
  traineeRecords(filter: UserFilter & { ids?: readonly string[] }, page: PageRequest): Promise<Page<PersonRecords>>;
  /** Every waiver, newest first, a page at a time. */
  listWaivers(page: PageRequest): Promise<Page<WaiverRecord>>;
  /** Every certificate, newest first, a page at a time. */
  listAllCertificates(page: PageRequest): Promise<Page<CertificateRecord>>;
  /**
   * The trainees and records `traineeRecords` gives, page after page to the
   * last, for a report that reads them all (the HR dashboard, the people
   * table, the exports): the adapter picks and orders the people once for the
   * whole walk instead of once per page. Pages hold at most `pageSize` people
   * (capped at MAX_PAGE).
   */
  traineeRecordPages(filter: UserFilter & { ids?: readonly string[] }, pageSize?: number): AsyncIterable<PersonRecords[]>;
  /**
   * The HR dashboard's figures at `now` (ISO) for the trainees the filters
   * pick, exactly as src/hr computes them from every trainee's records
   * (factsOf, dashboardTally): an adapter may count them where the data is
   * (PostgreSQL: a read model kept by triggers) but must give the same Dashboard.
   */
  hrDashboard(filters: HrFilters, now: string, modulesTotal: number): Promise<Dashboard>;
  /** The choices of HR's filter form: every trainee's site, department (non-empty, by code point) and hire month (YYYY-MM, newest first), active or not, and every cohort's id and name. */
  traineeFacets(): Promise<TraineeFacets>;
}

/** HR's filter choices: the trainees' sites, departments and hire months (newest first), and every cohort (in the order made). */
export interface TraineeFacets {
  sites: string[];
  departments: string[];
  hireMonths: string[];
  cohorts: Array<{ id: string; name: string }>;
}

/** A sign-in or verification counter (src/auth/throttle.ts). Times in ms since the epoch. */
export interface Counter {
  key: string;
  count: number;
  first: number;
  last: number;
  expires: number;
}

/**
 * Counters for rate limiting, shared by every request (and, on PostgreSQL,
 * every server): `add` is one INSERT … ON CONFLICT DO UPDATE … RETURNING there.
 */
export interface RateLimiterPort {
  /** The live counters among `keys` (expired ones are absent). */
  read(keys: string[], now: number): Promise<Counter[]>;
  /** Adds one hit at `now` to each counter, atomically and in one write; an expired counter starts again. Returns the new counters. */
  add(hits: Array<{ key: string; quietMs: number; spanMs: number }>, now: number): Promise<Counter[]>;
  remove(key: string): Promise<void>;
}

/** Publish/subscribe for push events (live sessions): in-process now, LISTEN/NOTIFY across servers on PostgreSQL. */
export interface NotifierPort {
  /** Tells every subscriber of `topic` (on every server) that something changed; the payload is small (ids), readers load the rest. */
  publish(topic: string, payload: string): Promise<void>;
  /** Calls `listener` for each publication on `topic`; returns the unsubscribe function. */
  subscribe(topic: string, listener: (payload: string) => void): () => void;
}

/** Storage as the application layer sees it: every port, plus its lifecycle. */
export interface Storage extends OrgPort, AccountsPort, SessionsPort, LearningPort, PlaysPort, ExamsPort, CertificatesPort, CohortsPort, LivePort, AuditPort, ReportsPort {
  readonly limiter: RateLimiterPort;
  readonly notifier: NotifierPort;
  /** Where the data lives, for log lines ("data/", a database URL without its password). */
  readonly location: string;
  /** Set when opening migrated older data (its schema version). */
  readonly migratedFrom?: number;
  /** Resolves while the store can serve requests; throws StoreWriteError (a 503) when it cannot (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
