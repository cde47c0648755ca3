import { createHash } from 'node:crypto';
import type { CertificationRules } from './schema';
import { isStanding } from './certificate';

export interface ScenarioBest {
  passed: boolean;
  calmness: number;
  empathy: number;
  solution: number;
}

export interface CertificationInput {
  completedChapters: ReadonlySet<number>;
  allChapters: readonly number[];
  /** Best passing-or-not result per scenario id. */
  scenarioBest: ReadonlyMap<string, ScenarioBest>;
  scenarioTitles: ReadonlyMap<string, string>;
  examPassed: boolean;
  /** Scenarios drawn from the rules' pool for this person and round (see drawPool). */
  drawn?: readonly string[];
}

/**
 * One thing still missing for the certificate, as data: pages word it with
 * `t.cert.missing(item)` (src/i18n) and code decides by `kind`, never by text.
 */
export type MissingItem =
  | { kind: 'module'; chapter: number }
  | { kind: 'scenario'; id: string; title: string }
  | { kind: 'more-scenarios'; count: number }
  | { kind: 'exam' };

/** Missing before the exam may be sat (everything but the exam itself). */
export const isPrerequisite = (m: MissingItem): boolean => m.kind !== 'exam';

export interface CertificationProgress {
  modulesMissing: number[];
  requiredScenariosMissing: string[];
  additionalPassed: number;
  additionalNeeded: number;
  /** Scenarios that count towards the certificate (required first). */
  countedScenarios: string[];
  /** Everything before the exam is done. */
  prerequisitesMet: boolean;
  examPassed: boolean;
  complete: boolean;
  /** What is still missing, prerequisites first and the exam last. */
  missing: MissingItem[];
}

const counts = (b: ScenarioBest | undefined, minEach: number) =>
  !!b && b.passed && b.calmness >= minEach && b.empathy >= minEach && b.solution >= minEach;

/** Applies the certification rules to a trainee's records. */
export function certificationProgress(rules: Pick<CertificationRules, 'modules' | 'scenarios'>, x: CertificationInput): CertificationProgress {
  const chapters = rules.modules === 'all' ? x.allChapters : rules.modules;
  const modulesMissing = chapters.filter((c) => !x.completedChapters.has(c));
  const required = [...rules.scenarios.required, ...(x.drawn ?? [])];
  const requiredScenariosMissing = required.filter((id) => !counts(x.scenarioBest.get(id), rules.scenarios.minEach));
  const others = [...x.scenarioBest.entries()]
    .filter(([id, b]) => !required.includes(id) && counts(b, rules.scenarios.minEach))
    .map(([id]) => id)
    .sort();
  const additionalPassed = Math.min(others.length, rules.scenarios.additional);
  const prerequisitesMet = !modulesMissing.length && !requiredScenariosMissing.length && others.length >= rules.scenarios.additional;
  const missing: MissingItem[] = [
    ...modulesMissing.map((chapter) => ({ kind: 'module' as const, chapter })),
    ...requiredScenariosMissing.map((id) => ({ kind: 'scenario' as const, id, title: x.scenarioTitles.get(id) ?? id })),
    ...(others.length < rules.scenarios.additional ? [{ kind: 'more-scenarios' as const, count: rules.scenarios.additional - others.length }] : []),
  ];
  if (!x.examPassed) missing.push({ kind: 'exam' });
  return {
    modulesMissing,
    requiredScenariosMissing,
    additionalPassed,
    additionalNeeded: rules.scenarios.additional,
    countedScenarios: [...required.filter((id) => !requiredScenariosMissing.includes(id)), ...others.slice(0, rules.scenarios.additional)],
    prerequisitesMet,
    examPassed: x.examPassed,
    complete: prerequisitesMet && x.examPassed,
    missing,
  };
}

/** Role-plays a trainee passes for the certificate: the required ones, the pool's draw and the additional ones. */
export const scenariosNeeded = (rules: Pick<CertificationRules, 'scenarios'>): number =>
  rules.scenarios.required.length + (rules.scenarios.pool?.draw ?? 0) + rules.scenarios.additional;

export interface ProgressFacts {
  modulesDone: number;
  modulesTotal: number;
  /** Scenarios passed (capped at `scenariosNeeded`). */
  scenariosPassed: number;
  examPassed: boolean;
}

/**
 * A trainee's overall progress, 0–100, as the trainer's cohort table shows it:
 * the share of modules, of the role-plays needed and the exam, weighed by the
 * rules' `progress` weights (content/certification.yaml; they sum to 100).
 */
export function overallProgress(rules: Pick<CertificationRules, 'scenarios' | 'progress'>, x: ProgressFacts): number {
  const w = rules.progress;
  const needed = scenariosNeeded(rules);
  const modules = x.modulesTotal ? x.modulesDone / x.modulesTotal : 0;
  const scenarios = needed ? Math.min(x.scenariosPassed / needed, 1) : 1;
  return Math.round(modules * w.modules + scenarios * w.scenarios + (x.examPassed ? w.exam : 0));
}

/** Adds calendar months (the last day of a shorter month when needed). */
export function addMonths(d: Date, months: number): Date {
  const out = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return out;
}

/**
 * Where the current certification round began: the latest expiry of a
 * certificate that was neither revoked nor replaced (undefined: the first
 * round). Exam attempts and assessment plays are counted from here.
 */
export const roundStart = (certs: ReadonlyArray<{ expiresAt: string; revokedAt?: string; supersededBy?: string }>): string | undefined =>
  certs.filter(isStanding).map((c) => c.expiresAt).sort().at(-1);

/** The pool scenarios drawn for one person and round: the same every time for the same key, different between people. */
export function drawPool(rules: Pick<CertificationRules, 'scenarios'>, key: string): string[] {
  const pool = rules.scenarios.pool;
  if (!pool) return [];
  const rank = (id: string) => createHash('sha256').update(`${key}\u0000${id}`).digest('hex');
  return [...pool.from].sort((a, b) => (rank(a) < rank(b) ? -1 : 1)).slice(0, pool.draw);
}

interface AttemptLike {
  scenarioId: string;
  mode: string;
  playId?: string;
  at: string;
}
interface PlayLike {
  id: string;
  scenarioId: string;
  mode: string;
  startedAt: string;
}

/**
 * The role-play attempts that count towards certification: assessment plays
 * dealt by the server (a `playId`) and started in this round; practice never
 * counts, nor an attempt replayed from a posted path (before schema 7). With
 * `notPractisedFirst`, an assessment counts only when that scenario was not
 * played in practice before it started.
 */
export function countedAttempts<A extends AttemptLike>(rules: Pick<CertificationRules, 'assessment'>, attempts: readonly A[], plays: readonly PlayLike[], since?: string): A[] {
  const started = new Map(plays.map((p) => [p.id, p.startedAt]));
  const firstPractice = new Map<string, string>();
  for (const p of plays) {
    const earliest = firstPractice.get(p.scenarioId);
    if (p.mode === 'practice' && (earliest === undefined || p.startedAt < earliest)) firstPractice.set(p.scenarioId, p.startedAt);
  }
  return attempts.filter((a) => {
    const start = a.playId && started.get(a.playId);
    if (a.mode !== 'assessment' || !start || (since && start <= since)) return false;
    const practised = firstPractice.get(a.scenarioId);
    return !(rules.assessment.notPractisedFirst && practised !== undefined && practised < start);
  });
}

/** Assessment plays of one scenario still allowed in this round. */
export function assessmentsLeft(rules: Pick<CertificationRules, 'assessment'>, plays: ReadonlyArray<PlayLike>, scenarioId: string, since?: string): number {
  const used = plays.filter((p) => p.scenarioId === scenarioId && p.mode === 'assessment' && (!since || p.startedAt > since)).length;
  return Math.max(0, rules.assessment.maxPlaysPerRound - used);
}
