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

/** How partly right answers earn credit (see content/quiz/blueprint.yaml). */
export interface PartialCreditRules {
  multiple: 'proportional' | 'none';
  ordering: 'adjacentPairs' | 'none';
  matching: 'perPair' | 'none';
}

/** Credit for one answer, 0–1. */
export function scoreQuestion(q: Question, r: Response, rules: PartialCreditRules): number {
  if (isCorrect(q, r)) return 1;
  if (r === undefined) return 0;
  switch (q.type) {
    case 'multiple': {
      if (rules.multiple === 'none' || !Array.isArray(r)) return 0;
      const right = r.filter((x) => q.answer.includes(x)).length;
      const wrong = r.length - right;
      return Math.max(0, (right - wrong) / q.answer.length);
    }
    case 'ordering': {
      if (rules.ordering === 'none' || !Array.isArray(r)) return 0;
      const pos = new Map(q.answer.map((id, i) => [id, i]));
      let good = 0;
      for (let i = 0; i + 1 < r.length; i++) if (pos.get(r[i + 1]!)! === pos.get(r[i]!)! + 1) good++;
      return good / (q.answer.length - 1);
    }
    case 'matching': {
      if (rules.matching === 'none' || typeof r !== 'object' || Array.isArray(r)) return 0;
      const lefts = Object.keys(q.answer);
      return lefts.filter((l) => (r as Record<string, string>)[l] === q.answer[l]).length / lefts.length;
    }
    default:
      return 0;
  }
}
