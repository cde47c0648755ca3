// Zod schemas of every record the store holds, for checking data that comes
// from outside the running store (a backup to restore, a copy just taken).
// Each schema is tied to its interface in types.ts by a type-level assertion
// at the bottom: if a field is added, removed or retyped on one side only,
// `npx tsc` fails, so the two cannot drift apart.
import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { CATEGORIES } from '../quiz/schema';
import { KEYS, type Collection } from './journal';
import type * as T from './types';
import { AUDIT_ACTIONS } from './types';

const str = z.string();
const int = z.number().int();
const num = z.number().finite();
const dims = z.object({ calmness: num, empathy: num, solution: num });

export const userSchema = z.object({
  id: str.min(1),
  username: str.min(1),
  displayName: str,
  role: z.enum(ROLES),
  department: str,
  site: str,
  hireDate: str.optional(),
  passwordHash: str.min(1),
  mustChangePassword: z.boolean().optional(),
  active: z.boolean(),
  createdAt: str,
  updatedAt: str,
});

export const sessionSchema = z.object({ idHash: str.min(1), userId: str.min(1), createdAt: str, lastSeenAt: str });

export const moduleProgressSchema = z.object({
  userId: str.min(1),
  chapter: int,
  openedAt: str,
  lastOpenedAt: str,
  completedAt: str.optional(),
  bestPercent: num.optional(),
});

const responseSchema = z.union([str, z.array(str), z.boolean(), z.record(str, str), z.undefined()]);

export const checkAttemptSchema = z.object({
  id: str.min(1),
  userId: str.min(1),
  at: str,
  chapter: int,
  results: z.array(z.object({ id: str, correct: z.boolean(), answered: z.boolean(), given: responseSchema })),
  correct: num,
  total: num,
  percent: num,
  passed: z.boolean(),
  dealt: z.array(str).optional(),
});

const mode = z.enum(['practice', 'assessment']);

export const scenarioAttemptSchema = z.object({
  id: str.min(1),
  userId: str.min(1),
  scenarioId: str.min(1),
  version: int,
  mode,
  playId: str.optional(),
  choiceIds: z.array(str),
  ending: str,
  outcome: z.enum(['resolved', 'partial', 'escalated', 'failed']),
  totals: dims,
  scores: z.object({ calmness: num, empathy: num, solution: num, overall: num, passed: z.boolean() }),
  moods: z.array(num),
  decisionMs: z.array(num).optional(),
  breaches: z.array(z.object({ node: str, choice: str, rule: str, chapter: int, heading: str })).optional(),
  at: str,
});

export const playStepSchema = z.object({ node: str, choice: str, mood: num, at: str, ms: num });

export const scenarioPlaySchema = z.object({
  id: str.min(1),
  userId: str.min(1),
  scenarioId: str.min(1),
  version: int,
  mode,
  seed: str,
  startedAt: str,
  deadline: str.optional(),
  steps: z.array(playStepSchema),
  end: z.enum(['finished', 'abandoned']).optional(),
  endedAt: str.optional(),
  attemptId: str.optional(),
});

const categoryResult = z.object({ earned: num, total: num, percent: num });

export const examResultSchema = z.object({
  earned: num,
  total: num,
  percent: num,
  passed: z.boolean(),
  byCategory: z.object(Object.fromEntries(CATEGORIES.map((c) => [c, categoryResult])) as Record<(typeof CATEGORIES)[number], typeof categoryResult>),
  weakest: z.enum(CATEGORIES),
  reviewChapters: z.array(int),
  questions: z.array(z.object({ id: str, credit: num, correct: z.boolean() })),
});

export const examAttemptSchema = z.object({
  id: str.min(1),
  userId: str.min(1),
  seed: str,
  paper: z.array(z.object({ id: str.min(1), order: z.array(str), rightOrder: z.array(str).optional() })),
  bankVersion: str,
  startedAt: str,
  deadline: str,
  answers: z.record(str, z.unknown()),
  savedAt: str.optional(),
  submittedAt: str.optional(),
  autoSubmitted: z.boolean().optional(),
  result: examResultSchema.optional(),
});

export const certificateSchema = z.object({
  id: str.min(1),
  userId: str.min(1),
  holderName: str,
  title: str,
  code: str.min(1),
  issuedAt: str,
  expiresAt: str,
  examAttemptId: str,
  examPercent: num,
  dimensions: dims,
  scenarios: z.array(str),
  prerequisitesWaived: z.boolean().optional(),
  contentVersions: z.object({ bank: str, scenarios: z.record(str, num) }),
  revokedAt: str.optional(),
  revokedBy: str.optional(),
  revokeReason: str.optional(),
  supersededBy: str.optional(),
  reissuedFrom: str.optional(),
});

export const waiverSchema = z.object({ userId: str.min(1), by: str.min(1), reason: str, at: str });

export const auditSchema = z.object({
  id: str.min(1),
  at: str,
  actorId: str,
  action: z.enum(AUDIT_ACTIONS),
  targetId: str,
  reason: str.optional(),
  details: z.record(str, z.unknown()).optional(),
});

export const cohortSchema = z.object({
  id: str.min(1),
  name: str,
  trainerId: str,
  traineeIds: z.array(str),
  members: z.array(z.object({ userId: str, joinedAt: str, leftAt: str.optional() })).optional(),
  dueDate: str.optional(),
  createdAt: str,
});

export const liveSessionSchema = z.object({
  id: str.min(1),
  code: str,
  cohortId: str,
  scenarioId: str,
  version: int,
  trainerId: str,
  mode: z.enum(['vote', 'pairs']),
  status: z.enum(['lobby', 'running', 'ended']),
  participants: z.array(str),
  path: z.array(str),
  votes: z.record(str, str),
  revealed: z.boolean(),
  history: z.array(z.object({ node: str, tally: z.record(str, num), chosen: str, by: z.enum(['class', 'trainer']) })),
  pairs: z.array(z.object({ owner: str, agent: str, observers: z.array(str) })),
  round: int.optional(),
  seating: z.array(str).optional(),
  revision: int.optional(),
  createdAt: str,
  endedAt: str.optional(),
  summary: z
    .object({
      decisions: z.array(
        z.object({ node: str, line: str, tally: z.array(z.object({ choiceId: str, text: str, votes: num })), chosen: str, by: z.enum(['class', 'trainer']) }),
      ),
      ending: str.optional(),
    })
    .optional(),
});

export const observationSchema = z.object({
  id: str.min(1),
  sessionId: str,
  cohortId: str,
  scenarioId: str,
  agentId: str,
  raterId: str,
  calmness: num,
  empathy: num,
  solution: num,
  comment: str,
  at: str,
});

export const orgSchema = z.object({ name: str, sites: z.array(str), departments: z.array(str) });

export const throttleSchema = z.object({ key: str.min(1), count: int.min(1), firstAt: str, lastAt: str, expiresAt: str });

/** The schema of each collection's records. */
export const RECORD_SCHEMAS = {
  users: userSchema,
  sessions: sessionSchema,
  moduleProgress: moduleProgressSchema,
  checkAttempts: checkAttemptSchema,
  scenarioAttempts: scenarioAttemptSchema,
  scenarioPlays: scenarioPlaySchema,
  examAttempts: examAttemptSchema,
  certificates: certificateSchema,
  waivers: waiverSchema,
  audit: auditSchema,
  cohorts: cohortSchema,
  liveSessions: liveSessionSchema,
  observations: observationSchema,
  throttles: throttleSchema,
} satisfies Record<Collection, z.ZodType>;

/** Where a problem is, as a path into the store: `users[3].username`. */
export function place(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/**
 * Every problem in `data` (a migrated store), each with its place: a missing
 * collection, a record that does not match its schema, and duplicate keys
 * (ids and the other keys records are found by, usernames, certificate codes).
 * At most `limit` problems are listed.
 */
export function storeProblems(data: Record<string, unknown>, limit = 10): string[] {
  const problems: string[] = [];
  const add = (where: string, what: string) => problems.length < limit && problems.push(`${where}: ${what}`);
  const org = orgSchema.safeParse(data.org);
  if (!org.success) for (const i of org.error.issues) add(place(['org', ...i.path]), i.message);
  for (const [c, schema] of Object.entries(RECORD_SCHEMAS) as Array<[Collection, z.ZodType]>) {
    const list = data[c];
    if (!Array.isArray(list)) {
      add(c, 'the collection is missing or not a list');
      continue;
    }
    const keyOf = KEYS[c] as (r: unknown) => string;
    const unique: Array<[string, (r: any) => unknown, Map<unknown, number>]> = [[c === 'moduleProgress' || c === 'waivers' || c === 'throttles' ? 'key' : c === 'sessions' ? 'idHash' : 'id', keyOf, new Map()]];
    if (c === 'users') unique.push(['username', (r) => r.username, new Map()]);
    if (c === 'certificates') unique.push(['code', (r) => r.code, new Map()]);
    list.forEach((rec, i) => {
      const r = schema.safeParse(rec);
      if (!r.success) {
        for (const issue of r.error.issues.slice(0, 3)) add(place([c, i, ...issue.path]), issue.message);
        return;
      }
      for (const [field, get, seen] of unique) {
        const k = get(rec);
        const first = seen.get(k);
        if (first !== undefined) add(place(field === 'key' ? [c, i] : [c, i, field]), `duplicate ${field === 'key' ? 'record' : field} ${JSON.stringify(k)} (also ${place([c, first])})`);
        else seen.set(k, i);
      }
    });
  }
  return problems;
}

// Type-level checks: each schema describes exactly its interface in types.ts.
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Same<S extends z.ZodType, I> = Equals<z.output<S>, I> extends true ? true : { schema: z.output<S>; interface: I };
const agrees = <X extends true>(..._: X[]) => undefined;
agrees<Same<typeof userSchema, T.UserRecord>>();
agrees<Same<typeof sessionSchema, T.SessionRecord>>();
agrees<Same<typeof moduleProgressSchema, T.StoredModuleProgress>>();
agrees<Same<typeof checkAttemptSchema, T.CheckAttemptRecord>>();
agrees<Same<typeof scenarioAttemptSchema, T.ScenarioAttemptRecord>>();
agrees<Same<typeof scenarioPlaySchema, T.ScenarioPlayRecord>>();
agrees<Same<typeof examAttemptSchema, T.ExamAttemptRecord>>();
agrees<Same<typeof certificateSchema, T.CertificateRecord>>();
agrees<Same<typeof waiverSchema, T.WaiverRecord>>();
agrees<Same<typeof auditSchema, T.AuditRecord>>();
agrees<Same<typeof cohortSchema, T.CohortRecord>>();
agrees<Same<typeof liveSessionSchema, T.LiveSessionRecord>>();
agrees<Same<typeof observationSchema, T.ObservationRecord>>();
agrees<Same<typeof throttleSchema, T.ThrottleRecord>>();
agrees<Same<typeof orgSchema, T.OrgRecord>>();
