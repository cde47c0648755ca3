// npm run content:check [-- --json]: validates content/, exits 1 naming file, field and fix.
import { readContent } from '../src/content/read';
import { checkContent, formatProblem } from '../src/content';

const json = process.argv.includes('--json');
const started = performance.now();
const { problems, summary } = checkContent(readContent(process.cwd()));
const ms = Math.round(performance.now() - started);
if (json) {
  console.log(JSON.stringify({ ok: problems.length === 0, ...summary, problems, ms }, null, 2));
} else if (problems.length) {
  console.error(`Content check failed: ${problems.length} problem(s)\n`);
  for (const p of problems) console.error(`  ✗ ${formatProblem(p)}`);
} else {
  console.log(
    `Content OK: ${summary.modules} modules, ${summary.knowledgeCheckQuestions} knowledge-check questions, ` +
      `${summary.scenarios.length} scenarios (${summary.scenarioCount.assessmentOnly} assessment-only, ${summary.scenarios.reduce((n, s) => n + s.paths, 0)} paths, ` +
      `${summary.scenarios.reduce((n, s) => n + s.criticalChoices.length, 0)} critical choices), ` +
      `${summary.examQuestions.total} exam questions (${ms} ms)`,
  );
}
process.exit(problems.length ? 1 : 0);
