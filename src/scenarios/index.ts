import { parseScenarios, type CompiledScenario, type ModuleHeadings } from './load';
import type { SourceFile } from '../content/frontmatter';
import { ContentError } from '../content/problems';

export { createScenarioMachine, replay, ReplayError, currentId, type ScenarioMachine, type ScenarioSnapshot } from './machine';
export { scoreAttempt, type Scores } from './score';
export { criticalBreaches, type Breach } from './critical';
export { DIMENSIONS, OUTCOMES, type Scenario, type Dimension, type Totals, type Outcome, type Choice, type Critical } from './schema';
export type { CompiledScenario, ModuleHeadings } from './load';
export type { Analysis, PathResult } from './analyse';
export type { PlayContext, Step } from './rules';

/** The scenario library, loaded once; throws ContentError listing every problem. */
export function loadScenarios(files: SourceFile[], headings?: ModuleHeadings) {
  const { scenarios, problems } = parseScenarios(files, headings);
  if (problems.length) throw new ContentError(problems);
  const byId = new Map(scenarios.map((s) => [s.def.id, s]));
  return { list: scenarios, get: (id: string): CompiledScenario | undefined => byId.get(id) };
}
export type ScenarioLibrary = ReturnType<typeof loadScenarios>;
export { summariseAttempts, machineFor, attemptKind, MODES, type Mode, type HistoryEntry } from './attempts';
export { playView, dealChoice, playStatus, choiceToken, PlayError, type Play, type PlayStep, type PlayView, type PlayStatus, type DealtTurn, type DealtLine, type PlayResult } from './play';
export { buildDebrief, type DebriefDecision, type DebriefChoice } from './debrief';
export { layoutScenario, type ScenarioMap, type MapNode, type MapEdge } from './layout';
export { describeCondition, flagLabel, flagProblems, flagsUsed } from './flags';
