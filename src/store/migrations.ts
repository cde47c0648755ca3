import type { DbData } from './types';

export const SCHEMA_VERSION = 8;

export const emptyData = (): DbData => ({
  schemaVersion: SCHEMA_VERSION,
  org: { name: '', sites: [], departments: [] },
  users: [],
  sessions: [],
  moduleProgress: [],
  checkAttempts: [],
  scenarioAttempts: [],
  scenarioPlays: [],
  examAttempts: [],
  certificates: [],
  waivers: [],
  audit: [],
  cohorts: [],
  liveSessions: [],
  observations: [],
  throttles: [],
});

type Migration = (data: Record<string, any>) => Record<string, any>;

/**
 * migrations[n] turns version n into n + 1. Version 1 (the first pilot) had
 * users and sessions only, with `dept` instead of `department` and no site;
 * version 2 adds the organisation, sites and module progress; version 3 adds
 * role-play attempts and half-played progress; version 4 adds exam attempts,
 * certificates, prerequisite waivers and the audit log; version 5 adds cohorts,
 * live classroom sessions and observed rubric scores; version 6 keeps the same
 * records but stores changes in a journal beside the snapshot (journal.ts), so
 * a version-5 build must not open it; version 7 replaces half-played paths
 * (`scenarioProgress`, kept by the browser's own replay) with plays dealt by
 * the server (`scenarioPlays`). From version 7 on, only attempts with a
 * `playId` (dealt by the server) in assessment mode count towards
 * certification; earlier attempts stay readable in history. Half-played paths
 * are dropped: the next visit starts a new play. Version 8 adds sign-in
 * throttle counters (`throttles`), so they survive a restart.
 */
const migrations: Record<number, Migration> = {
  1: (d) => ({
    ...d,
    schemaVersion: 2,
    org: d.org ?? { name: '', sites: [], departments: [...new Set((d.users ?? []).map((u: any) => u.dept).filter(Boolean))] },
    users: (d.users ?? []).map(({ dept, ...u }: any) => ({ ...u, department: u.department ?? dept ?? '', site: u.site ?? '' })),
    sessions: d.sessions ?? [],
    moduleProgress: d.moduleProgress ?? [],
    checkAttempts: d.checkAttempts ?? [],
  }),
  2: (d) => ({ ...d, schemaVersion: 3, scenarioAttempts: d.scenarioAttempts ?? [], scenarioProgress: d.scenarioProgress ?? [] }),
  3: (d) => ({ ...d, schemaVersion: 4, examAttempts: d.examAttempts ?? [], certificates: d.certificates ?? [], waivers: d.waivers ?? [], audit: d.audit ?? [] }),
  4: (d) => ({ ...d, schemaVersion: 5, cohorts: d.cohorts ?? [], liveSessions: d.liveSessions ?? [], observations: d.observations ?? [] }),
  5: (d) => ({ ...d, schemaVersion: 6 }),
  6: ({ scenarioProgress: _dropped, ...d }) => ({ ...d, schemaVersion: 7, scenarioPlays: d.scenarioPlays ?? [] }),
  7: (d) => ({ ...d, schemaVersion: 8, throttles: d.throttles ?? [] }),
};

export class StoreVersionError extends Error {}

/** Brings data of any older version up to SCHEMA_VERSION; refuses a newer one (written by a newer release). */
export function migrate(input: unknown): { data: DbData; from: number } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new StoreVersionError('the store file does not hold a JSON object');
  }
  let data = input as Record<string, any>;
  const from = typeof data.schemaVersion === 'number' ? data.schemaVersion : 1;
  if (from > SCHEMA_VERSION) {
    throw new StoreVersionError(`the store was written by a newer version (schema ${from}, this build knows ${SCHEMA_VERSION}); upgrade the application`);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new StoreVersionError(`no migration from schema version ${v}`);
    data = step(data);
  }
  return { data: data as DbData, from };
}
