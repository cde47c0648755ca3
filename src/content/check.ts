import { parseModules } from '../modules/load';
import { parseScenarios, type ModuleHeadings } from '../scenarios/load';
import type { CriticalChoice } from '../scenarios/analyse';
import { parseQuestionBank, parseBlueprint, summariseBank, type QuestionBankSummary } from '../quiz/load';
import { paperSize } from '../quiz/blueprint';
import { parseCertificationRules } from '../certification';
import { parseRubric } from '../live/rubric';
import type { SourceFile } from './frontmatter';
import type { ContentProblem } from './problems';

/** All content files, grouped by kind, as read from content/. */
export interface ContentFiles {
  modules: SourceFile[];
  scenarios: SourceFile[];
  questions: SourceFile[];
  blueprint?: SourceFile;
  certification?: SourceFile;
  rubric?: SourceFile;
}

export interface ScenarioSummary {
  id: string;
  version: number;
  /** Played only as an assessment for the certificate, never in practice. */
  assessmentOnly: boolean;
  /** Decision nodes that some path visits. */
  decisions: number;
  endings: number;
  paths: number;
  passingPaths: number;
  /** Decisions on the best path. */
  bestPathDecisions: number;
  /** Best achievable total per dimension (the 100 % marks). */
  best: { calmness: number; empathy: number; solution: number };
  /** Choices that break a critical courseware rule (each fails the play), with the rule and where it is stated. */
  criticalChoices: CriticalChoice[];
}

export interface ContentSummary {
  modules: number;
  knowledgeCheckQuestions: number;
  scenarios: ScenarioSummary[];
  /** Scenarios in the library, and how many of them are assessment-only. */
  scenarioCount: { total: number; assessmentOnly: number };
  examQuestions: QuestionBankSummary;
  /** Questions in every exam paper. */
  examPaperSize: number;
}

/** Validates everything in content/ at once; the build, the tests and `content:check` all call this. */
export function checkContent(files: ContentFiles): { problems: ContentProblem[]; summary: ContentSummary } {
  const problems: ContentProblem[] = [];
  if (!files.modules.length) problems.push({ file: 'content/modules', path: '', message: 'no module files found; add NN-name.md files' });
  const { modules, problems: moduleProblems } = parseModules(files.modules);
  problems.push(...moduleProblems);

  const headings: ModuleHeadings = new Map(modules.map((m) => [m.chapter, m.toc]));
  const { scenarios, problems: scenarioProblems } = parseScenarios(files.scenarios, headings);
  problems.push(...scenarioProblems);

  const checkIds = new Map(modules.flatMap((m) => m.knowledgeCheck.questions.map((q) => [q.id, m.file] as const)));
  const { questions, problems: questionProblems } = parseQuestionBank(files.questions, checkIds);
  problems.push(...questionProblems);
  const bp = parseBlueprint(files.blueprint, questions);
  problems.push(...bp.problems);
  const assessmentOnly = new Set(scenarios.filter((s) => s.def.assessmentOnly).map((s) => s.def.id));
  problems.push(...parseCertificationRules(files.certification, new Set(scenarios.map((s) => s.def.id)), assessmentOnly).problems);
  problems.push(...parseRubric(files.rubric).problems);

  return {
    problems,
    summary: {
      modules: modules.length,
      knowledgeCheckQuestions: modules.reduce((n, m) => n + m.knowledgeCheck.questions.length, 0),
      scenarios: scenarios.map(({ def, analysis }) => ({
        id: def.id,
        version: def.version,
        assessmentOnly: !!def.assessmentOnly,
        decisions: analysis.decisions,
        endings: Object.keys(def.endings).length,
        paths: analysis.paths,
        passingPaths: analysis.passingPaths,
        bestPathDecisions: analysis.bestPath.choices.length,
        best: analysis.best,
        criticalChoices: analysis.criticalChoices,
      })),
      scenarioCount: { total: scenarios.length, assessmentOnly: assessmentOnly.size },
      examQuestions: summariseBank(questions, bp.blueprint),
      examPaperSize: bp.blueprint ? paperSize(bp.blueprint) : 0,
    },
  };
}
