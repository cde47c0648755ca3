import type { Question } from './schema';

/** What a trainee answered: the shape depends on the question type. */
export type Response = string | string[] | boolean | Record<string, string> | undefined;

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Whether a response is exactly right (no partial credit: knowledge checks, correctness flags). */
export function isCorrect(q: Question, r: Response): boolean {
  switch (q.type) {
    case 'single':
      return r === q.answer;
    case 'multiple':
      return Array.isArray(r) && new Set(r).size === r.length && sameSet(r, q.answer);
    case 'truefalse':
      return r === q.answer;
    case 'ordering':
      return Array.isArray(r) && r.length === q.answer.length && r.every((x, i) => x === q.answer[i]);
    case 'matching':
      return typeof r === 'object' && r !== null && !Array.isArray(r) &&
        Object.keys(q.answer).every((l) => r[l] === q.answer[l]) && Object.keys(r).length === Object.keys(q.answer).length;
  }
}

/**
 * Reads a response from submitted form fields named after the question id.
 * Values that name no option are dropped, so a forged id can never score.
 */
export function responseFromForm(q: Question, values: string[]): Response {
  switch (q.type) {
    case 'single':
      return values.length === 1 && q.options.some((o) => o.id === values[0]) ? values[0] : undefined;
    case 'multiple': {
      const ids = new Set(q.options.map((o) => o.id));
      const picked = [...new Set(values.filter((v) => ids.has(v)))];
      return picked.length ? picked : undefined;
    }
    case 'truefalse':
      return values.length === 1 && (values[0] === 'true' || values[0] === 'false') ? values[0] === 'true' : undefined;
    default:
      return undefined;
  }
}
