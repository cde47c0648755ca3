import { z } from 'zod';
import { createHash } from 'node:crypto';
import { blueprintSchema, blueprintProblems, type Blueprint } from './blueprint';
import { ONE_LEVEL_REVIEW_FIX } from './review';
import { examQuestionSchema, questionKeyProblems, CATEGORIES, QUESTION_TYPES, type ExamQuestion, type Category, type QuestionType } from './schema';
import { parseYaml, type SourceFile } from '../content/frontmatter';
import { zodProblems, type ContentProblem } from '../content/problems';

export interface QuestionBankSummary {
  total: number;
  byCategory: Record<Category, number>;
  byType: Record<QuestionType, number>;
  /** Questions per category and difficulty (1–3). */
  byCategoryDifficulty: Record<Category, Record<1 | 2 | 3, number>>;
  /**
   * How many consecutive papers a trainee can sit without seeing any question
   * twice: the least, over the blueprint's category × difficulty cells, of
   * floor(questions in the bank ÷ questions per paper). 0 without a valid blueprint.
   */
  papersWithoutRepeat: number;
}

/** Parses every question file (each a YAML list); ids must be unique across the bank and `taken` (e.g. knowledge checks). */
export function parseQuestionBank(files: SourceFile[], taken: ReadonlyMap<string, string> = new Map()): { questions: ExamQuestion[]; problems: ContentProblem[] } {
  const questions: ExamQuestion[] = [];
  const problems: ContentProblem[] = [];
  const ids = new Map(taken);
  for (const f of files) {
    const yaml = parseYaml(f.text);
    if (yaml.error) {
      problems.push({ file: f.path, path: '', message: yaml.error });
      continue;
    }
    const list = z.array(z.unknown()).safeParse(yaml.data);
    if (!list.success) {
      problems.push({ file: f.path, path: '', message: 'a question file is a YAML list: each question starts with "- id: …"' });
      continue;
    }
    list.data.forEach((raw, i) => {
      const parsed = examQuestionSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...zodProblems(f.path, parsed.error, raw, [i]));
        return;
      }
      const q = parsed.data;
      for (const [path, message] of questionKeyProblems(q)) problems.push({ file: f.path, path: `[${i}].${path}`, message: `${q.id}: ${message}` });
      const seen = ids.get(q.id);
      if (seen) problems.push({ file: f.path, path: `[${i}].id`, message: `"${q.id}" is already used in ${seen}; ids must be unique` });
      ids.set(q.id, f.path);
      questions.push(q);
    });
  }
  return { questions, problems };
}

export function summariseBank(questions: ExamQuestion[], blueprint?: Blueprint): QuestionBankSummary {
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  const byType = Object.fromEntries(QUESTION_TYPES.map((t) => [t, 0])) as Record<QuestionType, number>;
  const byCategoryDifficulty = Object.fromEntries(CATEGORIES.map((c) => [c, { 1: 0, 2: 0, 3: 0 }])) as QuestionBankSummary['byCategoryDifficulty'];
  for (const q of questions) {
    byCategory[q.category]++;
    byType[q.type]++;
    byCategoryDifficulty[q.category][q.difficulty as 1 | 2 | 3]++;
  }
  let papersWithoutRepeat = 0;
  if (blueprint) {
    const cells = CATEGORIES.flatMap((c) => ([1, 2, 3] as const).map((d) => [byCategoryDifficulty[c][d], blueprint.questions[c][d] ?? 0] as const)).filter(([, need]) => need > 0);
    papersWithoutRepeat = cells.length ? Math.min(...cells.map(([have, need]) => Math.floor(have / need))) : 0;
  }
  return { total: questions.length, byCategory, byType, byCategoryDifficulty, papersWithoutRepeat };
}

export function parseBlueprint(file: SourceFile | undefined, bank: ExamQuestion[]): { blueprint?: Blueprint; problems: ContentProblem[] } {
  if (!file) return { problems: [{ file: 'content/quiz/blueprint.yaml', path: '', message: 'missing; the final exam needs a blueprint (see docs/CONTENT.md)' }] };
  const yaml = parseYaml(file.text);
  if (yaml.error) return { problems: [{ file: file.path, path: '', message: yaml.error }] };
  const review = (yaml.data as { review?: unknown } | null)?.review;
  if (typeof review === 'string') return { problems: [{ file: file.path, path: 'review', message: ONE_LEVEL_REVIEW_FIX }] };
  const parsed = blueprintSchema.safeParse(yaml.data);
  if (!parsed.success) return { problems: zodProblems(file.path, parsed.error, yaml.data) };
  const problems = blueprintProblems(parsed.data, bank).map((p) => ({ file: file.path, ...p }));
  return problems.length ? { problems } : { blueprint: parsed.data, problems };
}

/** A short fingerprint of the bank's content, recorded with attempts and certificates. */
export const bankVersion = (questions: ExamQuestion[]) =>
  createHash('sha256').update(JSON.stringify(questions)).digest('hex').slice(0, 12);
