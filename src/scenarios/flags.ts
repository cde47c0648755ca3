// Flags in words: each scenario names its flags in Chinese (`flags:` in its
// YAML) so that the trainer's branch map reads "已道歉后" rather than
// {flag: apologised}. Pure; the page supplies the dimension names.
import type { Condition, Comparison, Scenario } from './schema';

/** Every flag a scenario sets or tests, with the first place it appears (for error messages). */
export function flagsUsed(def: Scenario): Map<string, string> {
  const used = new Map<string, string>();
  const add = (flag: string, path: string) => void (used.has(flag) || used.set(flag, path));
  const walk = (c: Condition | undefined, path: string) => {
    if (!c) return;
    if ('flag' in c) add(c.flag, path);
    else if ('notFlag' in c) add(c.notFlag, path);
    else if ('all' in c) c.all.forEach((x, i) => walk(x, `${path}.all[${i}]`));
    else if ('any' in c) c.any.forEach((x, i) => walk(x, `${path}.any[${i}]`));
    else if ('not' in c) walk(c.not, `${path}.not`);
  };
  for (const [id, n] of Object.entries(def.nodes)) {
    (n.choices ?? []).forEach((c, i) => {
      const at = `nodes.${id}.choices[${i}]`;
      (c.sets ?? []).forEach((f, j) => add(f, `${at}.sets[${j}]`));
      walk(c.when, `${at}.when`);
      (c.adjust ?? []).forEach((a, j) => walk(a.when, `${at}.adjust[${j}].when`));
    });
    (n.route ?? []).forEach((r, i) => walk(r.when, `nodes.${id}.route[${i}].when`));
  }
  return used;
}

/** A used flag without a Chinese name, or a name for a flag nothing uses: content problems that fail the build. */
export function flagProblems(def: Scenario): Array<{ path: string; message: string }> {
  const used = flagsUsed(def);
  const labels = def.flags ?? {};
  const problems: Array<{ path: string; message: string }> = [];
  for (const [flag, path] of used) {
    if (!labels[flag]) problems.push({ path, message: `flag "${flag}" has no Chinese name; add \`${flag}: <what was done, in Chinese>\` under \`flags:\` (e.g. \`apologised: 道歉\`, which the branch map reads as “已道歉后” / “未道歉时”)` });
  }
  for (const flag of Object.keys(labels)) {
    if (!used.has(flag)) problems.push({ path: `flags.${flag}`, message: `no choice sets or tests "${flag}"; remove it or fix the spelling` });
  }
  return problems;
}

/** A flag's Chinese name (the deed, e.g. 道歉); the id when it has none. */
export const flagLabel = (def: Pick<Scenario, 'flags'>, flag: string): string => def.flags?.[flag] ?? flag;

const bound = (c: Comparison) =>
  [c.gte !== undefined && `≥ ${c.gte}`, c.gt !== undefined && `> ${c.gt}`, c.lte !== undefined && `≤ ${c.lte}`, c.lt !== undefined && `< ${c.lt}`].filter(Boolean).join(' 且 ');

function phrase(c: Condition, def: Pick<Scenario, 'flags'>, dimension: (d: string) => string): string {
  if ('flag' in c) return `已${flagLabel(def, c.flag)}`;
  if ('notFlag' in c) return `未${flagLabel(def, c.notFlag)}`;
  if ('mood' in c) return `业主情绪 ${bound(c.mood)}`;
  if ('score' in c) return `${dimension(c.score.dimension)} ${bound(c.score)}`;
  if ('all' in c) return c.all.map((x) => phrase(x, def, dimension)).join('并且');
  if ('any' in c) return c.any.map((x) => phrase(x, def, dimension)).join('或者');
  return `并非“${phrase(c.not, def, dimension)}”`;
}

/**
 * A condition in words, as a trainer reads it on the branch map: “已道歉后”,
 * “未确认户号时”, “已承诺跟进并且业主情绪 ≤ 50 时”.
 */
export function describeCondition(c: Condition, def: Pick<Scenario, 'flags'>, dimension: (d: string) => string): string {
  const p = phrase(c, def, dimension);
  return 'flag' in c ? `${p}后` : `${p}${/\d$/.test(p) ? ' ' : ''}时`;
}
