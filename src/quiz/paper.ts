import { CATEGORIES, type Category, type ExamQuestion, type QuestionType } from './schema';
import type { Blueprint } from './blueprint';
import { factShortfall, type FactGroup } from './facts';
import { seededRandom, shuffle, token } from './random';

/** One question of a drawn paper: which, and in what order its options (or right-hand items) are shown. */
export interface PaperQuestion {
  id: string;
  /** Authored option/item ids in display order (single, multiple, ordering) or left items (matching). */
  order: string[];
  /** Matching only: right-hand ids in display order. */
  rightOrder?: string[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface Paper {
  seed: string;
  questions: PaperQuestion[];
}

/** When each question was last on one of the trainee's papers: question id → ISO time. */
export type ShownHistory = ReadonlyMap<string, string>;

/**
 * A pool in retake order: what was never shown first (in seeded random order),
 * then what was, the longest ago first (ties in random order). `shown`: id →
 * when it was last shown. Exam papers and knowledge checks draw this way.
 */
export function unseenFirst<T>(pool: readonly T[], idOf: (x: T) => string, shown: ReadonlyMap<string, string>, random: () => number): T[] {
  const fresh = shuffle(pool.filter((x) => !shown.has(idOf(x))), random);
  // Shuffle, then a stable sort by when last shown: oldest first, ties stay in random order.
  const stale = shuffle(pool.filter((x) => shown.has(idOf(x))), random).sort((a, b) => compare(shown.get(idOf(a))!, shown.get(idOf(b))!));
  return [...fresh, ...stale];
}

/**
 * The history a retake is drawn against: every question of every earlier
 * paper, with the latest time it was shown (a paper shows its questions when
 * it is started).
 */
export function shownHistory(papers: ReadonlyArray<{ startedAt: string; paper: ReadonlyArray<{ id: string }> }>): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of papers) {
    for (const { id } of p.paper) {
      const seen = out.get(id);
      if (!seen || seen < p.startedAt) out.set(id, p.startedAt);
    }
  }
  return out;
}

/**
 * Draws a paper: the blueprint's count per category and difficulty. Within
 * each of those groups it takes questions the trainee has never been shown
 * first; only when they run out does it reuse shown ones, the longest ago
 * first (ties in seeded random order). With `maxPerFact`, no fact tag appears
 * more than that many times on the paper: a question is passed over when
 * taking it would exceed the cap or leave some group unfillable, and the next
 * in the same order is taken instead. Question and option orders are fixed
 * by `seed` so the paper can be reproduced.
 */
export function assemblePaper(bank: readonly ExamQuestion[], blueprint: Blueprint, seed: string, shown: ShownHistory = new Map()): Paper {
  const random = seededRandom(seed);
  const groups: Array<{ key: string; need: number; candidates: ExamQuestion[] }> = [];
  for (const c of CATEGORIES) {
    for (const d of [1, 2, 3] as const) {
      const need = blueprint.questions[c][d] ?? 0;
      if (!need) continue;
      const pool = [...bank].filter((q) => q.category === c && q.difficulty === d).sort((a, b) => a.id.localeCompare(b.id));
      const candidates = unseenFirst(pool, (q) => q.id, shown, random);
      if (candidates.length < need) throw new Error(`the bank has only ${candidates.length} ${c} questions of difficulty ${d}; the blueprint needs ${need}`);
      groups.push({ key: `${c}.${d}`, need, candidates });
    }
  }
  const picked: ExamQuestion[] = [];
  const cap = blueprint.maxPerFact;
  if (cap === undefined) {
    for (const g of groups) picked.push(...g.candidates.slice(0, g.need));
  } else {
    const used = new Map<string, number>();
    // What is still open: each group's remaining need and the candidates it has not yet passed.
    const next = groups.map(() => 0);
    const taken = groups.map(() => 0);
    const open = (): FactGroup[] => groups.map((g, i) => ({ key: g.key, need: g.need - taken[i]!, pool: g.candidates.slice(next[i]) }));
    const short = factShortfall(open(), used, cap);
    if (short.length) throw new Error(`with at most ${cap} questions per fact the bank cannot fill ${short.map((s) => s.key).join(', ')}`);
    groups.forEach((g, i) => {
      while (taken[i]! < g.need) {
        const q = g.candidates[next[i]!]!;
        next[i]!++;
        if (q.fact) {
          if ((used.get(q.fact) ?? 0) >= cap) continue;
          used.set(q.fact, (used.get(q.fact) ?? 0) + 1);
          taken[i]!++;
          if (factShortfall(open(), used, cap).length) {
            // Taking it would strand another group: put it back and pass it over.
            used.set(q.fact, used.get(q.fact)! - 1);
            taken[i]!--;
            continue;
          }
        } else taken[i]!++;
        picked.push(q);
      }
    });
  }
  const ordered = blueprint.shuffleQuestions ? shuffle(picked, random) : picked;
  return {
    seed,
    questions: ordered.map((q) => {
      if (q.type === 'truefalse') return { id: q.id, order: [] };
      if (q.type === 'matching') {
        return { id: q.id, order: q.left.map((o) => o.id), rightOrder: blueprint.shuffleOptions ? shuffle(q.right.map((o) => o.id), random) : q.right.map((o) => o.id) };
      }
      const ids = q.options.map((o) => o.id);
      if (q.type === 'ordering') {
        // Items to put in order are always shuffled, and never shown already in the right order.
        let order = shuffle(ids, random);
        if (order.join() === q.answer.join()) order = [...order.slice(1), order[0]!];
        return { id: q.id, order };
      }
      return { id: q.id, order: blueprint.shuffleOptions ? shuffle(ids, random) : ids };
    }),
  };
}

/** What the browser gets before submission: no key, no explanation, no source, no authored option ids. */
export interface PublicQuestion {
  id: string;
  number: number;
  category: Category;
  type: QuestionType;
  stem: string;
  options?: Array<{ id: string; text: string }>;
  left?: Array<{ id: string; text: string }>;
  right?: Array<{ id: string; text: string }>;
}

export function publicPaper(paper: Paper, bank: ReadonlyMap<string, ExamQuestion>): PublicQuestion[] {
  return paper.questions.map((pq, i) => {
    const q = bank.get(pq.id)!;
    const tok = (id: string) => token(paper.seed, q.id, id);
    const base = { id: q.id, number: i + 1, category: q.category, type: q.type, stem: q.stem };
    if (q.type === 'truefalse') return base;
    if (q.type === 'matching') {
      const text = (list: typeof q.left, id: string) => list.find((o) => o.id === id)!.text;
      return {
        ...base,
        left: pq.order.map((id) => ({ id: tok(id), text: text(q.left, id) })),
        right: (pq.rightOrder ?? []).map((id) => ({ id: tok(`r:${id}`), text: text(q.right, id) })),
      };
    }
    return { ...base, options: pq.order.map((id) => ({ id: tok(id), text: q.options.find((o) => o.id === id)!.text })) };
  });
}

export class AnswerError extends Error {}

/** Bounds on what the browser may send for one answer: the largest real one is a matching table of option tokens. */
const MAX_DEPTH = 2;
const MAX_NODES = 200;
const MAX_STRING = 200;

/**
 * Refuses an answer nested deeper, holding more values or longer strings than
 * any real answer, before anything walks it recursively (a 7,000-deep array
 * made String() overflow the stack: a 500 instead of a 400). Iterative.
 */
function checkSize(questionId: string, raw: unknown) {
  const stack: Array<[unknown, number]> = [[raw, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++nodes > MAX_NODES) throw new AnswerError(`题目 ${questionId} 的答案过大`);
    if (typeof v === 'string' && v.length > MAX_STRING) throw new AnswerError(`题目 ${questionId} 的答案过长`);
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_DEPTH) throw new AnswerError(`题目 ${questionId} 的答案嵌套过深`);
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
}

/** A value the browser sent, shown in a message: a short string as it is, anything else by its kind. */
const shown = (t: unknown) => (typeof t === 'string' ? t.slice(0, 40) : Array.isArray(t) ? '（列表）' : t === null ? 'null' : typeof t === 'object' ? '（对象）' : String(t));

/**
 * Turns what the browser sent for one question (in tokens) into an authored
 * response. Throws AnswerError for a question not in the paper, an unknown
 * option id, or the wrong shape; `null` clears the answer.
 */
export function responseFromPublic(paper: Paper, bank: ReadonlyMap<string, ExamQuestion>, questionId: string, raw: unknown): unknown {
  const pq = paper.questions.find((x) => x.id === questionId);
  const q = pq && bank.get(questionId);
  if (!pq || !q) throw new AnswerError(`题目 ${questionId} 不在这份试卷中`);
  if (raw === null) return undefined;
  checkSize(questionId, raw);
  const back = new Map(pq.order.map((id) => [token(paper.seed, q.id, id), id]));
  const one = (t: unknown) => {
    if (typeof t !== 'string' || !back.has(t)) throw new AnswerError(`题目 ${questionId} 没有选项 ${shown(t)}`);
    return back.get(t)!;
  };
  switch (q.type) {
    case 'single':
      return one(raw);
    case 'truefalse':
      if (typeof raw !== 'boolean') throw new AnswerError(`题目 ${questionId} 需要 true 或 false`);
      return raw;
    case 'multiple': {
      if (!Array.isArray(raw) || raw.length > q.options.length) throw new AnswerError(`题目 ${questionId} 需要选项列表`);
      const ids = raw.map(one);
      if (new Set(ids).size !== ids.length) throw new AnswerError(`题目 ${questionId} 有重复选项`);
      return ids;
    }
    case 'ordering': {
      if (!Array.isArray(raw) || raw.length !== q.options.length) throw new AnswerError(`题目 ${questionId} 需要把全部 ${q.options.length} 项排好顺序`);
      const ids = raw.map(one);
      if (new Set(ids).size !== ids.length) throw new AnswerError(`题目 ${questionId} 有重复项`);
      return ids;
    }
    case 'matching': {
      if (typeof raw !== 'object' || Array.isArray(raw)) throw new AnswerError(`题目 ${questionId} 需要配对表`);
      const right = new Map((pq.rightOrder ?? []).map((id) => [token(paper.seed, q.id, `r:${id}`), id]));
      const out: Record<string, string> = {};
      for (const [l, r] of Object.entries(raw as Record<string, unknown>)) {
        const left = one(l);
        if (typeof r !== 'string' || !right.has(r)) throw new AnswerError(`题目 ${questionId} 没有选项 ${shown(r)}`);
        out[left] = right.get(r)!;
      }
      return out;
    }
  }
}

/** The reverse of responseFromPublic, to restore saved answers in the browser. */
export function responseToPublic(paper: Paper, q: ExamQuestion, response: unknown): unknown {
  if (response === undefined || q.type === 'truefalse') return response;
  const tok = (id: string) => token(paper.seed, q.id, id);
  if (q.type === 'matching') {
    return Object.fromEntries(Object.entries(response as Record<string, string>).map(([l, r]) => [tok(l), tok(`r:${r}`)]));
  }
  return Array.isArray(response) ? response.map(tok) : tok(response as string);
}
