/**
 * Rendered HTML of page parts that depend only on content loaded once per
 * process (a course module's table of contents, its knowledge-check form …),
 * kept per owner object so a page renders them once instead of on every request.
 * Never for markup that shows who is signed in, per-request values or islands.
 */
const fragments = new WeakMap<object, Map<string, string>>();

export const cachedFragment = (owner: object, part: string): string | undefined => fragments.get(owner)?.get(part);

export function keepFragment(owner: object, part: string, html: string): void {
  let parts = fragments.get(owner);
  if (!parts) fragments.set(owner, (parts = new Map()));
  parts.set(part, html);
}
