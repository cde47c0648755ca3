import type { Role } from '../auth/roles';
import type { ModuleProgressRecord, CheckResult } from '../modules/progress';
import type { PaperQuestion } from '../quiz/paper';
import type { ExamResult } from '../quiz/exam';
import type { LiveState, LiveSummary } from '../live/session';

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string;
  /** The 项目/小区 the person works at. */
  site: string;
  /** YYYY-MM-DD when known. */
  hireDate?: string;
  passwordHash: string;
  /**
   * Set when an admin chose the password (a new account, a CSV import, a
   * reset): the person must choose their own at the next sign-in and can use
   * nothing else until then. Cleared when they do.
   */
  mustChangePassword?: boolean;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value: a stolen store file does not yield live sessions. */
  idHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
}

export interface StoredModuleProgress extends ModuleProgressRecord {
  userId: string;
}

/** A graded knowledge check, kept with per-question results for the review. */
export interface CheckAttemptRecord extends CheckResult {
  id: string;
  userId: string;
  at: string;
  /**
   * The questions the server dealt for this attempt (ids in display order),
   * what it was graded on. Absent on attempts from before the question pool
   * (an optional field, no schema change): those showed every question they have a result for.
   */
  dealt?: string[];
}

/**
 * A finished role-play, scored by the server. Attempts with a `playId` were
 * dealt step by step by the server (a ScenarioPlayRecord); older ones (schema
 * 6 and before) were replayed from a path the browser posted: they stay in
 * history but never count towards certification.
 */
export interface ScenarioAttemptRecord {
  id: string;
  userId: string;
  scenarioId: string;
  /** Scenario version the path was played on. */
  version: number;
  mode: 'practice' | 'assessment';
  /** The play that dealt it; absent on attempts from before server-dealt plays. */
  playId?: string;
  choiceIds: string[];
  ending: string;
  outcome: 'resolved' | 'partial' | 'escalated' | 'failed';
  totals: { calmness: number; empathy: number; solution: number };
  scores: { calmness: number; empathy: number; solution: number; overall: number; passed: boolean };
  /** The owner's mood at the start and after each choice. */
  moods: number[];
  /** Milliseconds each decision took, as the server saw it (dealt plays only). */
  decisionMs?: number[];
  /** Courseware rules the path broke (a breach fails the play whatever the score). */
  breaches?: Array<{ node: string; choice: string; rule: string; chapter: number; heading: string }>;
  at: string;
}

/** One decision as the server dealt and recorded it. */
export interface PlayStepRecord {
  node: string;
  choice: string;
  /** The owner's mood after the choice. */
  mood: number;
  at: string;
  /** Time since the turn was dealt (the previous step, or the start). */
  ms: number;
}

/**
 * A role-play being dealt by the server, step by step (src/scenarios/play.ts).
 * The seed is secret: it orders the choices and makes their per-play tokens.
 */
export interface ScenarioPlayRecord {
  id: string;
  userId: string;
  scenarioId: string;
  version: number;
  mode: 'practice' | 'assessment';
  seed: string;
  startedAt: string;
  /** Assessment plays only: no step is accepted after this. */
  deadline?: string;
  steps: PlayStepRecord[];
  /** How the play ended: reached an ending, or was given up (restart, another mode). */
  end?: 'finished' | 'abandoned';
  endedAt?: string;
  attemptId?: string;
}

/** A final-exam attempt: the paper drawn for it, what was saved, and the server's grading. */
export interface ExamAttemptRecord {
  id: string;
  userId: string;
  /** Seed the paper was drawn with (reproduces question and option order). */
  seed: string;
  paper: PaperQuestion[];
  /** Fingerprint of the question bank the paper was drawn from. */
  bankVersion: string;
  startedAt: string;
  deadline: string;
  /** Question id → authored response. */
  answers: Record<string, unknown>;
  savedAt?: string;
  submittedAt?: string;
  /** Submitted by the server after the deadline and grace period, with what was saved. */
  autoSubmitted?: boolean;
  result?: ExamResult;
}

export interface CertificateRecord {
  id: string;
  userId: string;
  holderName: string;
  title: string;
  /** Grouped Crockford base32 of 80 random bits. */
  code: string;
  issuedAt: string;
  expiresAt: string;
  examAttemptId: string;
  examPercent: number;
  /** Averages of the counted role-plays' best scores. */
  dimensions: { calmness: number; empathy: number; solution: number };
  scenarios: string[];
  /** Issued after a trainer or admin waived the prerequisites. */
  prerequisitesWaived?: boolean;
  /** Content the certificate was earned on. */
  contentVersions: { bank: string; scenarios: Record<string, number> };
  revokedAt?: string;
  revokedBy?: string;
  revokeReason?: string;
  /** Id of the certificate that replaced this one on reissue. */
  supersededBy?: string;
  reissuedFrom?: string;
}

/** A trainer's or admin's waiver of the exam prerequisites for one person. */
export interface WaiverRecord {
  userId: string;
  by: string;
  reason: string;
  at: string;
}

/** Append-only record of sensitive actions; nothing in the app edits or deletes it. */
export const AUDIT_ACTIONS = [
  'certificate.revoke',
  'certificate.reissue',
  'certificate.reinstate',
  'prerequisites.waive',
  'export',
  'view.sensitive',
  'user.create',
  'user.import',
  'user.update',
  'user.role',
  'user.password.reset',
  'user.password.change',
  'user.deactivate',
  'user.reactivate',
  'cohort.create',
  'cohort.enrol',
  'cohort.remove',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  id: string;
  at: string;
  actorId: string;
  /**
   * What was done. certificate.reinstate: a revoked certificate issued again
   * (its own action, with a reason). user.role: a role change (details.from,
   * details.to). user.import: details.count people created. cohort.create:
   * targetId the cohort. cohort.enrol / cohort.remove: targetId the trainee added
   * to or taken out of a cohort; all three carry details.cohortId and cohortName.
   */
  action: AuditAction;
  targetId: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** One stay of a trainee in a cohort: from enrolment to removal (open while `leftAt` is absent). */
export interface CohortMembership {
  userId: string;
  joinedAt: string;
  leftAt?: string;
}

/** A class of new hires run by one trainer. */
export interface CohortRecord {
  id: string;
  name: string;
  trainerId: string;
  /** Who is in the cohort now. */
  traineeIds: string[];
  /**
   * Every enrolment and removal, oldest first (waivers ask who was in the
   * cohort before the request). Absent on cohorts from before it was kept:
   * their trainees count as enrolled at `createdAt` (src/cohorts `stints`).
   */
  members?: CohortMembership[];
  /** YYYY-MM-DD by which everyone should be certified. */
  dueDate?: string;
  createdAt: string;
}

/** A live classroom session (state as in src/live/session.ts) and, once ended, its summary. */
export interface LiveSessionRecord extends LiveState {
  summary?: LiveSummary;
  /** Bumped by every stored change: updates are guarded by it (LivePort.updateLiveSession). Absent before it was kept: 0. */
  revision?: number;
}

/** A rubric score a trainer or observer gave an agent in pair role-play: kept apart from self-played attempts. */
export interface ObservationRecord {
  id: string;
  sessionId: string;
  cohortId: string;
  scenarioId: string;
  agentId: string;
  raterId: string;
  calmness: number;
  empathy: number;
  solution: number;
  comment: string;
  at: string;
}

export interface OrgRecord {
  name: string;
  sites: string[];
  departments: string[];
}

/**
 * A sign-in throttle counter (src/auth/throttle.ts): failures counted under an
 * opaque key (a hash of what is counted: account and address, address,
 * account, or the whole site), kept until `expiresAt`.
 */
export interface ThrottleRecord {
  key: string;
  count: number;
  firstAt: string;
  lastAt: string;
  expiresAt: string;
}

/** Everything in DATA_DIR/db.json. Bump SCHEMA_VERSION and add a migration when this changes. */
export interface DbData {
  schemaVersion: number;
  org: OrgRecord;
  users: UserRecord[];
  sessions: SessionRecord[];
  moduleProgress: StoredModuleProgress[];
  checkAttempts: CheckAttemptRecord[];
  scenarioAttempts: ScenarioAttemptRecord[];
  scenarioPlays: ScenarioPlayRecord[];
  examAttempts: ExamAttemptRecord[];
  certificates: CertificateRecord[];
  waivers: WaiverRecord[];
  audit: AuditRecord[];
  cohorts: CohortRecord[];
  liveSessions: LiveSessionRecord[];
  observations: ObservationRecord[];
  throttles: ThrottleRecord[];
}
