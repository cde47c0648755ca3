import { DIMENSIONS, type Scenario, type Totals } from './schema';
import { applyChoice, arrive, availableChoices, initialContext, type PlayContext } from './rules';
import { scoreAttempt, type Scores } from './score';
import type { Breach } from './critical';

/** A problem found in a scenario, with the path inside the file. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

/** One complete way through a scenario. */
export interface PathResult {
  choices: string[];
  ending: string;
  totals: Totals;
  moods: number[];
}

export interface Analysis {
  /** Best total achievable per dimension over all paths (the 100 % mark). */
  best: Totals;
  paths: number;
  passingPaths: number;
  /** Decision nodes that appear on some path. */
  decisions: number;
  /** The highest-scoring path: its choices, ending and scores. */
  bestPath: PathResult & { scores: Scores };
  /** For each decision node, the choice taken on the best-scoring path through it. */
  bestChoiceAt: Record<string, string>;
  endingsReached: string[];
  /** Every choice marked critical, with its place in the file; none of them lies on a passing path. */
  criticalChoices: CriticalChoice[];
}

/** A choice marked critical, and where it sits in the file (`nodes.X.choices[i]`). */
export interface CriticalChoice extends Breach {
  path: string;
}

/** The choices marked critical, in file order. */
export const criticalChoices = (def: Scenario): CriticalChoice[] =>
  Object.entries(def.nodes).flatMap(([node, n]) =>
    (n.choices ?? []).flatMap((c, i) => (c.critical ? [{ node, choice: c.id, path: `nodes.${node}.choices[${i}]`, ...c.critical }] : [])),
  );

const CRITICAL_FIX = 'a critical choice must not lead to a passing ending: lower its effects or send it to a failing ending';

export const MAX_PATHS = 50_000;
const MAX_DEPTH = 60;

/**
 * Edges of the graph ignoring conditions: every node's possible next ids. The
 * mood-limit ending counts for reachability, but not as a node's way out: a
 * conversation must be able to end without the owner giving up.
 */
function edges(def: Scenario, withMoodLimit: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, n] of Object.entries(def.nodes)) {
    const next = [...(n.choices ?? []).map((c) => c.next), ...(n.route ?? []).map((r) => r.next)];
    if (def.moodLimit && withMoodLimit) next.push(def.moodLimit.ending);
    out.set(id, next);
  }
  return out;
}

/** Checks that do not depend on conditions: ids, targets, node shapes, reachability. */
export function staticProblems(def: Scenario): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const known = (id: string) => id in def.nodes || id in def.endings;
  const target = (path: string, id: string) => {
    if (!known(id)) problems.push({ path, message: `"${id}" is not a node or an ending; fix the id or add it under nodes/endings` });
  };
  for (const id of Object.keys(def.nodes)) {
    if (id in def.endings) problems.push({ path: `endings.${id}`, message: `"${id}" is both a node and an ending; ids must be unique` });
  }
  target('start', def.start);
  if (def.start in def.endings) problems.push({ path: 'start', message: 'the scenario cannot start at an ending' });
  if (def.moodLimit) {
    if (!(def.moodLimit.ending in def.endings)) problems.push({ path: 'moodLimit.ending', message: `"${def.moodLimit.ending}" is not an ending` });
    if (def.startMood >= def.moodLimit.at) problems.push({ path: 'startMood', message: `starts at or above the mood limit (${def.moodLimit.at}); lower it` });
  }
  const choiceIds = new Map<string, string>();
  for (const [id, n] of Object.entries(def.nodes)) {
    const at = `nodes.${id}`;
    if (n.route) {
      if (n.choices || n.line || n.speaker) problems.push({ path: at, message: 'a routing step has only `route`; move the line and choices to another node' });
      n.route.forEach((r, i) => {
        target(`${at}.route[${i}].next`, r.next);
        if (!r.when && i < n.route!.length - 1) problems.push({ path: `${at}.route[${i + 1}]`, message: 'comes after the default entry (the one without `when`) and can never be used' });
      });
      if (n.route[n.route.length - 1]!.when) problems.push({ path: `${at}.route`, message: 'the last entry needs no `when`, so that some route always applies' });
    } else {
      for (const f of ['speaker', 'emotion', 'line', 'choices'] as const) {
        if (f === 'emotion' && n.speaker === 'narrator') continue;
        if (n[f] === undefined) problems.push({ path: `${at}.${f}`, message: `missing; a decision node needs speaker, emotion (except for the narrator), line and 2–4 choices (or make it a routing step with \`route\`)` });
      }
      (n.choices ?? []).forEach((c, i) => {
        target(`${at}.choices[${i}].next`, c.next);
        const seen = choiceIds.get(c.id);
        if (seen) problems.push({ path: `${at}.choices[${i}].id`, message: `"${c.id}" is already used at ${seen}; choice ids must be unique in the scenario` });
        choiceIds.set(c.id, `${at}.choices[${i}]`);
      });
    }
  }
  if (problems.length) return problems;

  // Reachability from the start, and an ending reachable from every node.
  const graph = edges(def, true);
  const exits = edges(def, false);
  const reached = new Set<string>();
  const stack = [def.start];
  while (stack.length) {
    const id = stack.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...(graph.get(id) ?? []));
  }
  for (const id of Object.keys(def.nodes)) if (!reached.has(id)) problems.push({ path: `nodes.${id}`, message: 'unreachable: no choice or route leads here; link it or remove it' });
  for (const id of Object.keys(def.endings)) if (!reached.has(id)) problems.push({ path: `endings.${id}`, message: 'unreachable: no choice or route leads to this ending' });
  const canEnd = new Set(Object.keys(def.endings));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, next] of exits) {
      if (!canEnd.has(id) && next.some((n) => canEnd.has(n))) {
        canEnd.add(id);
        changed = true;
      }
    }
  }
  for (const id of Object.keys(def.nodes)) {
    if (reached.has(id) && !canEnd.has(id)) {
      const loop = (exits.get(id) ?? []).length ? ` (a loop with no way out: ${id} → ${[...new Set(exits.get(id))].join(' / ')} …)` : '';
      problems.push({ path: `nodes.${id}`, message: `no ending can be reached from here${loop}; add a choice that leads towards an ending` });
    }
  }
  return problems;
}

/** Walks every path through the scenario, conditions respected. */
export function enumeratePaths(def: Scenario): { paths: PathResult[]; problems: ScenarioProblem[] } {
  const paths: PathResult[] = [];
  const problems: ScenarioProblem[] = [];
  const reported = new Set<string>();
  const report = (path: string, message: string) => {
    if (!reported.has(path + message)) problems.push({ path, message });
    reported.add(path + message);
  };
  const walk = (nodeId: string, ctx: PlayContext, moods: number[]) => {
    if (paths.length >= MAX_PATHS) return;
    if (ctx.steps.length >= MAX_DEPTH) {
      report(`nodes.${nodeId}`, `a path reaches ${MAX_DEPTH} decisions: some loop has no way out under the conditions met; make sure every loop can be left`);
      return;
    }
    const node = def.nodes[nodeId]!;
    const offered = availableChoices(node, ctx);
    if (!offered.length) {
      report(`nodes.${nodeId}.choices`, `no choice is available after ${ctx.steps.map((s) => s.choice).join(' → ') || 'the start'} (flags: ${ctx.flags.join(', ') || 'none'}); relax a \`when\``);
      return;
    }
    for (const choice of offered) {
      const next = applyChoice(ctx, nodeId, choice);
      const where = arrive(def, choice.next, next);
      const trail = [...moods, next.mood];
      if (where.kind === 'stuck') report(`nodes.${where.id}`, where.reason);
      else if (where.kind === 'ending') paths.push({ choices: next.steps.map((s) => s.choice), ending: where.id, totals: next.totals, moods: trail });
      else walk(where.id, next, trail);
    }
  };
  const ctx = initialContext(def);
  const first = arrive(def, def.start, ctx);
  if (first.kind === 'stuck') report(`nodes.${first.id}`, first.reason);
  else if (first.kind === 'ending') report('start', 'the scenario ends before the first decision');
  else walk(first.id, ctx, [ctx.mood]);
  if (paths.length >= MAX_PATHS) report('nodes', `more than ${MAX_PATHS} paths; split the scenario or add conditions`);
  return { paths, problems };
}

/** Full analysis: best achievable scores, path counts, the best path; or the problems that prevent it. */
export function analyseScenario(def: Scenario): { analysis?: Analysis; problems: ScenarioProblem[] } {
  const problems = staticProblems(def);
  if (problems.length) return { problems };
  const { paths, problems: walkProblems } = enumeratePaths(def);
  if (walkProblems.length || !paths.length) return { problems: walkProblems.length ? walkProblems : [{ path: 'start', message: 'no complete path through the scenario' }] };

  const best = Object.fromEntries(DIMENSIONS.map((d) => [d, Math.max(...paths.map((p) => p.totals[d]))])) as Totals;
  for (const d of DIMENSIONS) {
    if (best[d] <= 0) problems.push({ path: 'nodes', message: `no path earns any ${d} points, so it cannot be scored; give good choices a positive ${d} effect` });
  }
  const endingsReached = new Set(paths.map((p) => p.ending));
  for (const id of Object.keys(def.endings)) {
    if (!endingsReached.has(id)) problems.push({ path: `endings.${id}`, message: 'no path reaches this ending once conditions are respected; check the `when`s and routes that lead here' });
  }
  if (problems.length) return { problems };

  const scored = paths.map((p) => ({ ...p, scores: scoreAttempt(def, best, p.totals, def.endings[p.ending]!.outcome) }));
  const passingPaths = scored.filter((p) => p.scores.passed).length;
  if (passingPaths === 0) problems.push({ path: 'pass', message: 'no path passes; make the best choices worth more or lower the pass thresholds' });
  if (passingPaths === scored.length) problems.push({ path: 'pass', message: 'every path passes; wrong choices must cost something (negative effects, a failed ending)' });

  // Paths are scored here without breaches, on effects and ending alone. A
  // critical choice fails any real play (scoreAttempt with breaches), so the
  // scenario's own scoring must agree: no path through one may pass.
  const critical = criticalChoices(def);
  const criticalById = new Map(critical.map((c) => [c.choice, c]));
  const flagged = new Set<string>();
  const flag = (id: string, where: string) => {
    const c = criticalById.get(id);
    if (!c || flagged.has(id)) return;
    flagged.add(id);
    problems.push({ path: c.path, message: `breaks the critical rule "${c.rule}" yet lies on ${where}; ${CRITICAL_FIX}` });
  };
  for (const p of scored) if (p.scores.passed) for (const id of p.choices) flag(id, `a passing path (${[...p.choices, p.ending].join(' → ')})`);

  // Best path: highest overall, then a better ending, then the shorter conversation.
  const rank = { resolved: 0, partial: 1, escalated: 2, failed: 3 } as const;
  const order = [...scored].sort(
    (a, b) => b.scores.overall - a.scores.overall || rank[def.endings[a.ending]!.outcome] - rank[def.endings[b.ending]!.outcome] || a.choices.length - b.choices.length,
  );
  const bestPath = order[0]!;
  for (const id of bestPath.choices) flag(id, `the best path (${[...bestPath.choices, bestPath.ending].join(' → ')})`);
  const bestChoiceAt: Record<string, string> = {};
  const decisionNodes = new Set<string>();
  const nodeOfChoice = new Map(Object.entries(def.nodes).flatMap(([id, n]) => (n.choices ?? []).map((c) => [c.id, id] as const)));
  for (const p of order) {
    for (const c of p.choices) {
      const n = nodeOfChoice.get(c)!;
      decisionNodes.add(n);
      if (!(n in bestChoiceAt)) bestChoiceAt[n] = c;
    }
  }
  if (bestPath.choices.length < 4) problems.push({ path: 'nodes', message: `the best path has ${bestPath.choices.length} decisions; a scenario needs at least 4 on its main line` });
  if (Object.keys(def.endings).length < 3) problems.push({ path: 'endings', message: 'needs at least 3 endings' });
  if (problems.length) return { problems };
  return {
    problems,
    analysis: { best, paths: scored.length, passingPaths, decisions: decisionNodes.size, bestPath, bestChoiceAt, endingsReached: [...endingsReached], criticalChoices: critical },
  };
}
