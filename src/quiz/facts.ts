import type { ExamQuestion } from './schema';

/** One draw group (a category × difficulty cell): how many it still needs and which questions it may still take. */
export interface FactGroup {
  key: string;
  need: number;
  pool: readonly ExamQuestion[];
}

export interface FactShortfall {
  key: string;
  /** Questions the group cannot get under the cap. */
  missing: number;
  /** The group's tagged questions per fact, most first. */
  facts: Array<[string, number]>;
}

/**
 * Whether every group can still be filled when no fact may appear more than
 * `cap` times on the paper (`used`: how often each fact is already on it).
 * Untagged questions are unconstrained, so each group takes those first; the
 * rest is a max flow facts → groups (fact capacity cap − used, edge capacity
 * the fact's questions in the group). Returns the groups left short, none if
 * the paper can be filled.
 */
export function factShortfall(groups: readonly FactGroup[], used: ReadonlyMap<string, number>, cap: number): FactShortfall[] {
  const facts = [...new Set(groups.flatMap((g) => g.pool.flatMap((q) => (q.fact ? [q.fact] : []))))].sort();
  const rest = groups.map((g) => Math.max(0, g.need - g.pool.filter((q) => !q.fact).length));
  // edge[f][g]: the fact's questions in the group; flow[f][g]: how many are used.
  const edge = facts.map((f) => groups.map((g) => g.pool.filter((q) => q.fact === f).length));
  const flow = facts.map(() => groups.map(() => 0));
  const spare = facts.map((f) => Math.max(0, cap - (used.get(f) ?? 0)));
  const filled = groups.map(() => 0);
  // Augmenting paths, one unit at a time: fact (with spare) → group … → group with demand left.
  const augment = (): boolean => {
    // BFS over groups; a group is reached from a fact with spare, or from another group via a fact (g1 ← f → g2 by moving a unit of f from g1 to g2).
    const prev: Array<[number, number] | null> = groups.map(() => null); // [from group or -1, via fact]
    const seen = groups.map(() => false);
    const queue: number[] = [];
    facts.forEach((_, f) => {
      if (spare[f]! <= 0) return;
      groups.forEach((_, g) => {
        if (!seen[g] && flow[f]![g]! < edge[f]![g]!) {
          seen[g] = true;
          prev[g] = [-1, f];
          queue.push(g);
        }
      });
    });
    while (queue.length) {
      const g = queue.shift()!;
      if (filled[g]! < rest[g]!) {
        // Apply the path back to its start.
        let cur = g;
        for (;;) {
          const [from, f] = prev[cur]!;
          flow[f]![cur]!++;
          if (from === -1) {
            spare[f]!--;
            break;
          }
          flow[f]![from]!--;
          cur = from;
        }
        filled[g]!++;
        return true;
      }
      // Move a unit of some fact f that g uses to another group g2 that could take f; g then takes it from elsewhere.
      facts.forEach((_, f) => {
        if (flow[f]![g]! <= 0) return;
        groups.forEach((_, g2) => {
          if (!seen[g2] && flow[f]![g2]! < edge[f]![g2]!) {
            seen[g2] = true;
            prev[g2] = [g, f];
            queue.push(g2);
          }
        });
      });
    }
    return false;
  };
  while (augment());
  return groups.flatMap((g, i) =>
    filled[i]! < rest[i]!
      ? [{ key: g.key, missing: rest[i]! - filled[i]!, facts: facts.map((f, k): [string, number] => [f, edge[k]![i]!]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]) }]
      : [],
  );
}
