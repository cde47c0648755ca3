import { parseModules } from '../modules/load';
import type { SourceFile } from './frontmatter';
import type { ContentProblem } from './problems';

/** All content files, grouped by kind, as read from content/. */
export interface ContentFiles {
  modules: SourceFile[];
}

export interface ContentSummary {
  modules: number;
  knowledgeCheckQuestions: number;
}

/** Validates everything in content/ at once; the build, the tests and `content:check` all call this. */
export function checkContent(files: ContentFiles): { problems: ContentProblem[]; summary: ContentSummary } {
  const problems: ContentProblem[] = [];
  if (!files.modules.length) problems.push({ file: 'content/modules', path: '', message: 'no module files found; add NN-name.md files' });
  const { modules, problems: moduleProblems } = parseModules(files.modules);
  problems.push(...moduleProblems);
  return {
    problems,
    summary: {
      modules: modules.length,
      knowledgeCheckQuestions: modules.reduce((n, m) => n + m.knowledgeCheck.questions.length, 0),
    },
  };
}
