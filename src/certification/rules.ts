import type { CertificationRules } from './schema';

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
}

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
  /** What is still missing, in words for the trainee (zh-CN). */
  missing: string[];
}

const counts = (b: ScenarioBest | undefined, minEach: number) =>
  !!b && b.passed && b.calmness >= minEach && b.empathy >= minEach && b.solution >= minEach;

/** Applies the certification rules to a trainee's records. */
export function certificationProgress(rules: CertificationRules, x: CertificationInput): CertificationProgress {
  const chapters = rules.modules === 'all' ? x.allChapters : rules.modules;
  const modulesMissing = chapters.filter((c) => !x.completedChapters.has(c));
  const requiredScenariosMissing = rules.scenarios.required.filter((id) => !counts(x.scenarioBest.get(id), rules.scenarios.minEach));
  const others = [...x.scenarioBest.entries()]
    .filter(([id, b]) => !rules.scenarios.required.includes(id) && counts(b, rules.scenarios.minEach))
    .map(([id]) => id)
    .sort();
  const additionalPassed = Math.min(others.length, rules.scenarios.additional);
  const prerequisitesMet = !modulesMissing.length && !requiredScenariosMissing.length && others.length >= rules.scenarios.additional;
  const missing = [
    ...modulesMissing.map((c) => `完成第 ${c} 章课程`),
    ...requiredScenariosMissing.map((id) => `通过情景演练“${x.scenarioTitles.get(id) ?? id}”`),
    ...(others.length < rules.scenarios.additional ? [`再通过 ${rules.scenarios.additional - others.length} 个其他情景演练`] : []),
  ];
  if (!x.examPassed) missing.push('通过结业考试');
  return {
    modulesMissing,
    requiredScenariosMissing,
    additionalPassed,
    additionalNeeded: rules.scenarios.additional,
    countedScenarios: [...rules.scenarios.required.filter((id) => !requiredScenariosMissing.includes(id)), ...others.slice(0, rules.scenarios.additional)],
    prerequisitesMet,
    examPassed: x.examPassed,
    complete: prerequisitesMet && x.examPassed,
    missing,
  };
}

/** Adds calendar months (the last day of a shorter month when needed). */
export function addMonths(d: Date, months: number): Date {
  const out = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return out;
}
