// Which knowledge-check questions an attempt shows: drawn by the server from
// the chapter's pool, a retry preferring questions the trainee has not been shown.
import type { CourseModule } from './load';
import { seededRandom, shuffle } from '../quiz/random';
import { shownHistory, unseenFirst } from '../quiz/paper';

/** What a deal needs of an earlier attempt: when, and which questions it showed. */
export interface ShownAttempt {
  at: string;
  /** The questions the server dealt; absent on attempts from before the pool (they showed every question they have a result for). */
  dealt?: readonly string[];
  results: ReadonlyArray<{ id: string }>;
}

/** The questions an earlier attempt showed. */
export const shownIn = (a: ShownAttempt): readonly string[] => a.dealt ?? a.results.map((r) => r.id);

/**
 * The question ids (in display order) of the trainee's next attempt at this
 * chapter's check, given their earlier attempts of it. Like an exam retake:
 * questions never shown come first; only when they run out are shown ones
 * reused, the longest ago first (ties in seeded random order). The seed is the
 * person, the chapter and how many attempts they made, so the page and the
 * submission deal the same questions and the next attempt deals afresh.
 */
export function dealCheck(module: Pick<CourseModule, 'chapter' | 'knowledgeCheck'>, userId: string, earlier: readonly ShownAttempt[]): string[] {
  const random = seededRandom(`check|${userId}|${module.chapter}|${earlier.length}`);
  const shown = shownHistory(earlier.map((a) => ({ startedAt: a.at, paper: shownIn(a).map((id) => ({ id })) })));
  const pool = [...module.knowledgeCheck.questions].map((q) => q.id).sort();
  const chosen = unseenFirst(pool, (id) => id, shown, random).slice(0, Math.min(module.knowledgeCheck.draw, pool.length));
  return shuffle(chosen, random);
}
