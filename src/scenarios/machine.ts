import { setup, assign, and, initialTransition, transition, type SnapshotFrom } from 'xstate';
import type { Choice, Condition, Scenario } from './schema';
import { applyChoice, evaluate, initialContext, type PlayContext } from './rules';

export type ScenarioEvent = { type: 'scenario.choose'; choiceId: string };

/**
 * The scenario as an XState machine: one state per node and ending, named and
 * parameterised guards and actions, no side effects, no clock, no randomness.
 * The same machine runs in the player (instant feedback) and on the server
 * (replay of the submitted choice ids with the pure `transition`).
 */
export function createScenarioMachine(def: Scenario) {
  const scenarioSetup = setup({
    types: { context: {} as PlayContext, events: {} as ScenarioEvent },
    guards: {
      /** The event picks this choice. */
      chose: ({ event }, params: { choiceId: string }) => event.choiceId === params.choiceId,
      /** A content condition holds (absent = always). */
      holds: ({ context }, params: { when?: Condition }) => evaluate(params.when, context),
      /** The owner's mood has reached the scenario's limit. */
      moodAtLimit: ({ context }, params: { at: number }) => context.mood >= params.at,
    },
    actions: {
      applyChoice: assign((({ context }: { context: PlayContext }, params: { node: string; choice: Choice }) =>
        applyChoice(context, params.node, params.choice)) as never),
    },
  });

  const limit = def.moodLimit
    ? [{ guard: { type: 'moodAtLimit' as const, params: { at: def.moodLimit.at } }, target: def.moodLimit.ending }]
    : [];

  const states: Record<string, object> = {};
  for (const [id, node] of Object.entries(def.nodes)) {
    if (node.route) {
      states[id] = {
        always: [
          ...limit,
          ...node.route.map((r) => ({ guard: { type: 'holds' as const, params: { when: r.when } }, target: r.next })),
        ],
      };
    } else {
      states[id] = {
        always: limit,
        on: {
          'scenario.choose': (node.choices ?? []).map((c) => ({
            guard: and([
              { type: 'chose', params: { choiceId: c.id } },
              { type: 'holds', params: { when: c.when } },
            ]),
            target: c.next,
            actions: { type: 'applyChoice' as const, params: { node: id, choice: c } },
          })),
        },
      };
    }
  }
  for (const id of Object.keys(def.endings)) states[id] = { type: 'final' };

  return scenarioSetup.createMachine({
    id: def.id,
    context: initialContext(def),
    initial: def.start,
    states: states as never,
  });
}

export type ScenarioMachine = ReturnType<typeof createScenarioMachine>;
export type ScenarioSnapshot = SnapshotFrom<ScenarioMachine>;

export class ReplayError extends Error {}

/** Where a snapshot stands: the current node or ending id. */
export const currentId = (s: ScenarioSnapshot) => String(s.value);

/**
 * Replays choice ids through the machine with xstate's pure transition
 * functions. Throws ReplayError for a choice not offered at that point, a
 * choice after the ending, or a path that stops before an ending (unless
 * `allowIncomplete`, used to resume a half-played conversation).
 */
export function replay(machine: ScenarioMachine, choiceIds: readonly string[], opts: { allowIncomplete?: boolean } = {}): ScenarioSnapshot {
  let [snapshot] = initialTransition(machine);
  choiceIds.forEach((choiceId, i) => {
    if (snapshot.status === 'done') throw new ReplayError(`choice ${i + 1} ("${choiceId}") comes after the conversation ended`);
    const [next] = transition(machine, snapshot, { type: 'scenario.choose', choiceId });
    if (next.context.steps.length !== snapshot.context.steps.length + 1) {
      throw new ReplayError(`choice ${i + 1} ("${choiceId}") is not available at "${currentId(snapshot)}"`);
    }
    snapshot = next;
  });
  if (!opts.allowIncomplete && snapshot.status !== 'done') throw new ReplayError(`the path stops at "${currentId(snapshot)}" before an ending`);
  return snapshot;
}

export { initialTransition, transition };
