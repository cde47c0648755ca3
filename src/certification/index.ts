import { certificationSchema, type CertificationRules } from './schema';
import { parseYaml, type SourceFile } from '../content/frontmatter';
import { zodProblems, ContentError, type ContentProblem } from '../content/problems';

export { certificationProgress, isPrerequisite, overallProgress, scenariosNeeded, addMonths, roundStart, countedAttempts, drawPool, assessmentsLeft, type CertificationProgress, type CertificationInput, type MissingItem, type ProgressFacts, type ScenarioBest } from './rules';
export { formatCode, newCode, normaliseCode, maskName, certificateStatus, isInForce, isStanding, latestCertificate, type CertificateStatus } from './certificate';
export type { CertificationRules } from './schema';

/**
 * Validates content/certification.yaml against the scenario library.
 * `assessmentOnly`: scenarios never played in practice; each must be required
 * or in the pool, or no trainee could ever play it.
 */
export function parseCertificationRules(file: SourceFile | undefined, scenarioIds: ReadonlySet<string>, assessmentOnly: ReadonlySet<string> = new Set()): { rules?: CertificationRules; problems: ContentProblem[] } {
  if (!file) return { problems: [{ file: 'content/certification.yaml', path: '', message: 'missing; add the certification rules (see docs/CONTENT.md)' }] };
  const yaml = parseYaml(file.text);
  if (yaml.error) return { problems: [{ file: file.path, path: '', message: yaml.error }] };
  const parsed = certificationSchema.safeParse(yaml.data);
  if (!parsed.success) return { problems: zodProblems(file.path, parsed.error, yaml.data) };
  const problems: ContentProblem[] = [];
  parsed.data.scenarios.required.forEach((id, i) => {
    if (!scenarioIds.has(id)) problems.push({ file: file.path, path: `scenarios.required[${i}]`, message: `"${id}" is not a scenario in content/scenarios` });
  });
  const pool = parsed.data.scenarios.pool;
  pool?.from.forEach((id, i) => {
    if (!scenarioIds.has(id)) problems.push({ file: file.path, path: `scenarios.pool.from[${i}]`, message: `"${id}" is not a scenario in content/scenarios` });
    else if (parsed.data.scenarios.required.includes(id)) problems.push({ file: file.path, path: `scenarios.pool.from[${i}]`, message: `"${id}" is also required; take it out of one of the two lists` });
  });
  for (const id of assessmentOnly) {
    if (!parsed.data.scenarios.required.includes(id) && !pool?.from.includes(id)) {
      problems.push({ file: file.path, path: 'scenarios.pool.from', message: `"${id}" is assessment-only (content/scenarios/${id}.yaml) but neither required nor in the pool, so no trainee could ever play it; add it to scenarios.pool.from or drop its assessmentOnly` });
    }
  }
  const w = parsed.data.progress;
  const sum = w.modules + w.scenarios + w.exam;
  if (sum !== 100) problems.push({ file: file.path, path: 'progress', message: `weights add up to ${sum}, not 100 (modules ${w.modules} + scenarios ${w.scenarios} + exam ${w.exam}); change them so they sum to 100` });
  if (pool && pool.draw > pool.from.length) problems.push({ file: file.path, path: 'scenarios.pool.draw', message: `draws ${pool.draw} but the pool has only ${pool.from.length}; lower draw or add scenarios to from` });
  const others = scenarioIds.size - parsed.data.scenarios.required.length - (pool?.from.length ?? 0);
  if (parsed.data.scenarios.additional > others) {
    problems.push({ file: file.path, path: 'scenarios.additional', message: `asks for ${parsed.data.scenarios.additional} more scenarios but only ${others} others exist` });
  }
  return problems.length ? { problems } : { rules: parsed.data, problems };
}

export function loadCertificationRules(file: SourceFile | undefined, scenarioIds: ReadonlySet<string>, assessmentOnly?: ReadonlySet<string>): CertificationRules {
  const r = parseCertificationRules(file, scenarioIds, assessmentOnly);
  if (!r.rules) throw new ContentError(r.problems);
  return r.rules;
}
