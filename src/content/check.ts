import { parseModules } from '../modules/load';
import { parseScenarios, type ModuleHeadings } from '../scenarios/load';
import type { CriticalChoice } from '../scenarios/analyse';
import { parseQuestionBank, parseBlueprint, summariseBank, type QuestionBankSummary } from '../quiz/load';
import { paperSize } from '../quiz/blueprint';
import { parseCertificationRules } from '../certification';
import { parseRubric } from '../live/rubric';
import type { SourceFile } from './frontmatter';
import type { ContentProblem } from './problems';
import { findOverlaps, NEAR_STEM, NEAR_STEM_SAME_KEY, type Overlap } from './overlap';
import { parseYaml } from './frontmatter';

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
  /** Questions in all knowledge-check pools. */
  knowledgeCheckQuestions: number;
  /** Each chapter's knowledge check: the pool and how many an attempt shows. */
  knowledgeChecks: Array<{ chapter: number; questions: number; draw: number }>;
  /** Knowledge-check questions that copy an exam question (each is also a problem). */
  overlap: number;
  overlaps: Overlap[];
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

  // Knowledge checks and the exam share no question.
  const examFile = new Map<string, { file: string; index: number }>();
  for (const f of files.questions) {
    const list = parseYaml(f.text).data;
    if (Array.isArray(list)) list.forEach((q, index) => typeof q?.id === 'string' && examFile.set(q.id, { file: f.path, index }));
  }
  const checkAt = new Map(modules.flatMap((m) => m.knowledgeCheck.questions.map((q, index) => [q.id, { file: m.file, index }] as const)));
  const overlaps = findOverlaps(modules.flatMap((m) => m.knowledgeCheck.questions), questions);
  for (const o of overlaps) {
    const at = checkAt.get(o.check)!;
    const ex = examFile.get(o.exam);
    const how = o.why === 'same stem' ? 'the same stem as' : o.why === 'near-identical stem' ? `a stem near-identical to (similarity ${o.dice} ≥ ${NEAR_STEM})` : `the same key and a stem close to (similarity ${o.dice} ≥ ${NEAR_STEM_SAME_KEY})`;
    problems.push({
      file: at.file,
      path: `knowledgeCheck.questions[${at.index}].stem`,
      message: `${o.check} has ${how} exam question ${o.exam} (${ex ? `${ex.file} [${ex.index}]` : 'content/quiz/questions'}); knowledge checks and the exam must not share questions: rewrite one of the two so it tests the point differently`,
    });
  }

  return {
    problems,
    summary: {
      modules: modules.length,
      knowledgeCheckQuestions: modules.reduce((n, m) => n + m.knowledgeCheck.questions.length, 0),
      knowledgeChecks: modules.map((m) => ({ chapter: m.chapter, questions: m.knowledgeCheck.questions.length, draw: m.knowledgeCheck.draw })),
      overlap: overlaps.length,
      overlaps,
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
