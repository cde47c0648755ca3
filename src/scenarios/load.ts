import { scenarioSchema, type Scenario } from './schema';
import { analyseScenario, type Analysis } from './analyse';
import { flagProblems } from './flags';
import { parseYaml, type SourceFile } from '../content/frontmatter';
import { zodProblems, type ContentProblem } from '../content/problems';

/** A validated scenario with its analysis (best achievable scores, paths, best path). */
export interface CompiledScenario {
  def: Scenario;
  file: string;
  analysis: Analysis;
}

/** Headings per chapter, to check that `practises` points at real module sections. */
export type ModuleHeadings = Map<number, { text: string; id: string }[]>;

export function parseScenario(src: SourceFile, headings?: ModuleHeadings): { scenario?: CompiledScenario; problems: ContentProblem[] } {
  const yaml = parseYaml(src.text);
  if (yaml.error) return { problems: [{ file: src.path, path: '', message: yaml.error }] };
  const parsed = scenarioSchema.safeParse(yaml.data);
  if (!parsed.success) return { problems: zodProblems(src.path, parsed.error, yaml.data) };
  const def = parsed.data;
  const problems: ContentProblem[] = [];
  const expectedId = src.path.split('/').pop()!.replace(/\.ya?ml$/, '');
  if (def.id !== expectedId) problems.push({ file: src.path, path: 'id', message: `is "${def.id}" but the file is ${expectedId}.yaml; make them the same` });
  if (headings) {
    // `practises` and each critical rule point at a module section; both must exist.
    const checkHeading = (at: string, ref: { chapter: number; heading: string }) => {
      const list = headings.get(ref.chapter);
      if (!list) problems.push({ file: src.path, path: `${at}.chapter`, message: `there is no module for chapter ${ref.chapter}` });
      else if (!list.some((h) => h.text === ref.heading)) {
        problems.push({ file: src.path, path: `${at}.heading`, message: `chapter ${ref.chapter} has no heading "${ref.heading}"; use one of: ${list.map((h) => h.text).join('、')}` });
      }
    };
    def.practises.forEach((p, i) => checkHeading(`practises[${i}]`, p));
    for (const [id, node] of Object.entries(def.nodes)) {
      (node.choices ?? []).forEach((c, i) => {
        if (c.critical) checkHeading(`nodes.${id}.choices[${i}].critical`, c.critical);
      });
    }
  }
  problems.push(...flagProblems(def).map((p) => ({ file: src.path, ...p })));
  const { analysis, problems: graph } = analyseScenario(def);
  problems.push(...graph.map((g) => ({ file: src.path, ...g })));
  if (problems.length || !analysis) return { problems };
  return { scenario: { def, file: src.path, analysis }, problems };
}

export function parseScenarios(files: SourceFile[], headings?: ModuleHeadings): { scenarios: CompiledScenario[]; problems: ContentProblem[] } {
  const scenarios: CompiledScenario[] = [];
  const problems: ContentProblem[] = [];
  for (const f of files) {
    const r = parseScenario(f, headings);
    problems.push(...r.problems);
    if (r.scenario) scenarios.push(r.scenario);
  }
  return { scenarios, problems };
}
