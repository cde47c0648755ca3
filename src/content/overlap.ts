// Knowledge checks and the final exam must not share questions: a trainee who
// meets an exam question in a knowledge check (with its key shown after a pass)
// is not examined on it. Stems are compared after normalisation, exactly and by
// character-bigram similarity (Dice coefficient); a stem close to another that
// also has the same key is a copy too.
import type { Question } from '../quiz/schema';

/**
 * Bigram Dice at or above which two stems are near-identical. Tuned on the
 * content of issue 18: law-040 vs m2-q2 (the same "which are the owner's
 * duties" question, reworded) scores 0.75, and the other reworded copies
 * 0.57–0.82; different questions on the same fact score at most 0.46 (m2-q1
 * "when to start the renewal" vs law-033 "which lessons did the case teach",
 * m5-q1 "response and completion time of a lift fault" vs case-008 "which
 * class of repair is this").
 */
export const NEAR_STEM = 0.55;
/**
 * With the same key (the same correct option texts, or the same true/false),
 * stems this close are a copy: m1-q7 once restated exam pro-036 ("the bridge
 * only passes the company's notices on", both false) at 0.53.
 */
export const NEAR_STEM_SAME_KEY = 0.45;

/** A stem for comparison: full width to half width (NFKC), the "(多选)" marker, punctuation, symbols and whitespace removed. */
export function normaliseStem(stem: string): string {
  return stem
    .normalize('NFKC')
    .replace(/\((?:多选|单选|判断)[^)]*\)/g, '')
    .replace(/[\p{P}\p{S}\s]/gu, '')
    .toLowerCase();
}

function bigrams(s: string): Map<string, number> {
  const out = new Map<string, number>();
  const chars = [...s];
  for (let i = 0; i + 1 < chars.length; i++) {
    const b = chars[i]! + chars[i + 1]!;
    out.set(b, (out.get(b) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of two strings' character bigrams (multisets): 1 identical, 0 nothing shared. */
export function bigramDice(a: string, b: string): number {
  if (a === b) return 1;
  const x = bigrams(a);
  const y = bigrams(b);
  let nx = 0, ny = 0, shared = 0;
  for (const n of x.values()) nx += n;
  for (const n of y.values()) ny += n;
  for (const [k, n] of x) shared += Math.min(n, y.get(k) ?? 0);
  return nx + ny ? (2 * shared) / (nx + ny) : 0;
}

/** The key as text, independent of option ids and their order. */
export function keyText(q: Question): string {
  if (q.type === 'truefalse') return String(q.answer);
  if (q.type === 'single' || q.type === 'multiple') {
    const ids = Array.isArray(q.answer) ? q.answer : [q.answer];
    return ids.map((id) => normaliseStem(q.options.find((o) => o.id === id)?.text ?? id)).sort().join('|');
  }
  return JSON.stringify(q.answer);
}

export interface Overlap {
  check: string;
  exam: string;
  dice: number;
  why: 'same stem' | 'near-identical stem' | 'close stem, same key';
}

/** Every knowledge-check question that copies an exam question. */
export function findOverlaps(checks: readonly Question[], exam: readonly Question[]): Overlap[] {
  const examStems = exam.map((q) => ({ q, stem: normaliseStem(q.stem), key: keyText(q) }));
  const out: Overlap[] = [];
  for (const c of checks) {
    const stem = normaliseStem(c.stem);
    const key = keyText(c);
    for (const e of examStems) {
      const dice = bigramDice(stem, e.stem);
      const why = stem === e.stem ? 'same stem' : dice >= NEAR_STEM ? 'near-identical stem' : dice >= NEAR_STEM_SAME_KEY && key === e.key ? 'close stem, same key' : undefined;
      if (why) out.push({ check: c.id, exam: e.q.id, dice: Math.round(dice * 100) / 100, why });
    }
  }
  return out;
}
