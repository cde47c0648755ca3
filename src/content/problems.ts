import type { z } from 'zod';

/** One thing wrong with a content file, phrased so an author can fix it. */
export interface ContentProblem {
  /** Path of the file relative to the project root, e.g. `content/modules/03-service-skills.md`. */
  file: string;
  /** Where inside the file, e.g. `nodes.apologise.choices[1].next` (empty for the whole file). */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Turns zod issues into problems; the messages say what was expected. */
export function zodProblems(file: string, error: z.ZodError, input: unknown, prefix: ReadonlyArray<PropertyKey> = []): ContentProblem[] {
  return error.issues.map((issue) => ({
    file,
    path: formatPath([...prefix, ...issue.path]),
    message: describeIssue(issue, valueAt(input, issue.path)),
  }));
}

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `missing; add this field (${issue.expected})` : `expected ${issue.expected}, found ${kindOf(value)}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove or rename (see docs/CONTENT.md)`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return `does not match any allowed form; check the "type" field and docs/CONTENT.md`;
    default:
      return issue.message;
  }
}

export function formatProblem(p: ContentProblem): string {
  return `${p.file}${p.path ? ` → ${p.path}` : ''}: ${p.message}`;
}

/** Thrown when content cannot be loaded; carries every problem found, not just the first. */
export class ContentError extends Error {
  constructor(public readonly problems: ContentProblem[]) {
    super(`Content has ${problems.length} problem(s):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`);
    this.name = 'ContentError';
  }
}
