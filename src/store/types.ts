import type { Role } from '../auth/roles';
import type { ModuleProgressRecord, CheckResult } from '../modules/progress';

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
}

/** A completed role-play, scored by the server's replay of the choices. */
export interface ScenarioAttemptRecord {
  id: string;
  userId: string;
  scenarioId: string;
  /** Scenario version the path was played (and replayed) on. */
  version: number;
  mode: 'practice' | 'assessment';
  choiceIds: string[];
  ending: string;
  outcome: 'resolved' | 'partial' | 'escalated' | 'failed';
  totals: { calmness: number; empathy: number; solution: number };
  scores: { calmness: number; empathy: number; solution: number; overall: number; passed: boolean };
  /** The owner's mood at the start and after each choice. */
  moods: number[];
  at: string;
}

/** A half-played role-play, so it resumes after a reload. */
export interface ScenarioProgressRecord {
  userId: string;
  scenarioId: string;
  version: number;
  mode: 'practice' | 'assessment';
  choiceIds: string[];
  updatedAt: string;
}

export interface OrgRecord {
  name: string;
  sites: string[];
  departments: string[];
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
  scenarioProgress: ScenarioProgressRecord[];
}
