import type { Analysis } from './analyse';
import { applicableAdjustments, applyChoice, arrive, initialContext } from './rules';
import type { Choice, Critical, Scenario, Totals } from './schema';

export interface DebriefChoice {
  id: string;
  text: string;
  feedback: string[];
  point: string;
}

export interface DebriefDecision {
  node: string;
  speaker: string;
  emotion?: string;
  line: string;
  chosen: DebriefChoice;
  /** The choice on the best-scoring path through this node, when it differs from the trainee's. */
  better?: DebriefChoice;
  moodBefore: number;
  moodAfter: number;
  /** Change of the three totals by this choice (adjustments included). */
  delta: Totals;
  /** The critical rule this choice broke (which failed the play), and where the courseware states it. */
  breach?: Critical;
}

const describe = (c: Choice, extra: string[] = []): DebriefChoice => ({ id: c.id, text: c.text, feedback: [c.feedback, ...extra], point: c.point });

/** Each decision of a played path with the trainee's choice beside the best one, for the debrief. */
export function buildDebrief(s: { def: Scenario; analysis: Pick<Analysis, 'bestChoiceAt'> }, choiceIds: readonly string[]): DebriefDecision[] {
  const out: DebriefDecision[] = [];
  let ctx = initialContext(s.def);
  let at = arrive(s.def, s.def.start, ctx);
  for (const id of choiceIds) {
    if (at.kind !== 'node') break;
    const node = s.def.nodes[at.id]!;
    const choice = node.choices?.find((c) => c.id === id);
    if (!choice) break;
    const extra = applicableAdjustments(choice, ctx).flatMap((a) => (a.feedback ? [a.feedback] : []));
    const bestId = s.analysis.bestChoiceAt[at.id];
    const best = bestId && bestId !== id ? node.choices?.find((c) => c.id === bestId) : undefined;
    const next = applyChoice(ctx, at.id, choice);
    out.push({
      node: at.id,
      speaker: node.speaker ?? 'owner',
      emotion: node.emotion,
      line: node.line ?? '',
      chosen: describe(choice, extra),
      better: best ? describe(best) : undefined,
      moodBefore: ctx.mood,
      moodAfter: next.mood,
      delta: {
        calmness: next.totals.calmness - ctx.totals.calmness,
        empathy: next.totals.empathy - ctx.totals.empathy,
        solution: next.totals.solution - ctx.totals.solution,
      },
      breach: choice.critical ? { rule: choice.critical.rule, chapter: choice.critical.chapter, heading: choice.critical.heading } : undefined,
    });
    ctx = next;
    at = arrive(s.def, choice.next, ctx);
  }
  return out;
}
