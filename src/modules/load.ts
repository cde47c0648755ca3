import { moduleFrontMatterSchema, type ModuleFrontMatter } from './schema';
import { renderLesson, CALLOUT_KINDS, type TocEntry } from './render';
import { questionKeyProblems } from '../quiz/schema';
import { reviewPolicyProblems, ONE_LEVEL_REVIEW_FIX } from '../quiz/review';
import { parseYaml, splitFrontMatter, type SourceFile } from '../content/frontmatter';
import { zodProblems, type ContentProblem } from '../content/problems';

/** A course module ready to show: front matter plus the rendered lesson. */
export interface CourseModule extends ModuleFrontMatter {
  /** File name without number and extension, e.g. `service-skills`. */
  slug: string;
  file: string;
  html: string;
  toc: TocEntry[];
}

export const CHAPTER_COUNT = 7;

/** Checks that every `:::` call-out is opened with a known kind and closed. */
function calloutProblems(file: string, body: string, firstLine: number): ContentProblem[] {
  const problems: ContentProblem[] = [];
  let open: { line: number } | null = null;
  body.split('\n').forEach((line, i) => {
    const m = /^:::(\w*)/.exec(line);
    if (!m) return;
    const lineNo = firstLine + i;
    if (!open) {
      if (!m[1]) problems.push({ file, path: `line ${lineNo}`, message: 'closing ::: without an opening :::kind' });
      else if (!(m[1] in CALLOUT_KINDS)) problems.push({ file, path: `line ${lineNo}`, message: `unknown call-out kind "${m[1]}"; use one of ${Object.keys(CALLOUT_KINDS).join(', ')}` });
      else open = { line: lineNo };
    } else if (m[1]) {
      problems.push({ file, path: `line ${lineNo}`, message: `call-out opened at line ${open.line} is not closed before this one; call-outs do not nest` });
    } else open = null;
  });
  if (open) problems.push({ file, path: `line ${(open as { line: number }).line}`, message: 'call-out is never closed; add a line with ::: after its content' });
  return problems;
}

export function parseModule(src: SourceFile): { module?: CourseModule; problems: ContentProblem[] } {
  const { frontMatter, body, bodyLine } = splitFrontMatter(src.text);
  if (frontMatter === undefined) {
    return { problems: [{ file: src.path, path: '', message: 'no front matter; start the file with --- , the YAML fields, and --- (see docs/CONTENT.md)' }] };
  }
  const yaml = parseYaml(frontMatter);
  if (yaml.error) return { problems: [{ file: src.path, path: 'front matter', message: yaml.error }] };
  const review = (yaml.data as { knowledgeCheck?: { review?: unknown } } | null)?.knowledgeCheck?.review;
  if (typeof review === 'string') return { problems: [{ file: src.path, path: 'knowledgeCheck.review', message: ONE_LEVEL_REVIEW_FIX }] };
  const parsed = moduleFrontMatterSchema.safeParse(yaml.data);
  if (!parsed.success) return { problems: zodProblems(src.path, parsed.error, yaml.data) };
  const fm = parsed.data;
  const problems: ContentProblem[] = [];
  for (const [path, message] of reviewPolicyProblems(fm.knowledgeCheck.review)) problems.push({ file: src.path, path: `knowledgeCheck.review.${path}`, message });
  const { draw, questions } = fm.knowledgeCheck;
  if (draw > questions.length - 2) {
    problems.push({
      file: src.path,
      path: 'knowledgeCheck.draw',
      message: `is ${draw} but the pool has ${questions.length} questions, so a retry could show the same ones; set draw to at most ${questions.length - 2} or add ${draw + 2 - questions.length} question(s)`,
    });
  }
  fm.knowledgeCheck.questions.forEach((q, i) => {
    for (const [path, message] of questionKeyProblems(q)) {
      problems.push({ file: src.path, path: `knowledgeCheck.questions[${i}].${path}`, message });
    }
  });
  problems.push(...calloutProblems(src.path, body, bodyLine));
  if (!body.trim()) problems.push({ file: src.path, path: 'body', message: 'the lesson is empty; write it below the front matter' });
  const name = src.path.split('/').pop()!.replace(/\.md$/, '');
  const numbered = /^(\d{2})-([a-z0-9-]+)$/.exec(name);
  if (!numbered) problems.push({ file: src.path, path: '', message: 'name the file NN-name.md, e.g. 03-service-skills.md' });
  else if (Number(numbered[1]) !== fm.chapter) problems.push({ file: src.path, path: 'chapter', message: `is ${fm.chapter} but the file name says ${numbered[1]}; make them agree` });
  if (problems.length) return { problems };
  const { html, toc } = renderLesson(body);
  return { module: { ...fm, slug: numbered![2]!, file: src.path, html, toc }, problems };
}

/** Parses all module files; the course needs exactly one module per chapter and unique question ids. */
export function parseModules(files: SourceFile[]): { modules: CourseModule[]; problems: ContentProblem[] } {
  const modules: CourseModule[] = [];
  const problems: ContentProblem[] = [];
  for (const f of files) {
    const r = parseModule(f);
    problems.push(...r.problems);
    if (r.module) modules.push(r.module);
  }
  const byChapter = new Map<number, CourseModule>();
  const questionIds = new Map<string, string>();
  for (const m of modules) {
    const other = byChapter.get(m.chapter);
    if (other) problems.push({ file: m.file, path: 'chapter', message: `chapter ${m.chapter} is also ${other.file}; one file per chapter` });
    byChapter.set(m.chapter, m);
    m.knowledgeCheck.questions.forEach((q, i) => {
      const seen = questionIds.get(q.id);
      if (seen) problems.push({ file: m.file, path: `knowledgeCheck.questions[${i}].id`, message: `"${q.id}" is already used in ${seen}; ids must be unique` });
      questionIds.set(q.id, m.file);
    });
  }
  if (files.length && !problems.length) {
    for (let c = 1; c <= CHAPTER_COUNT; c++) {
      if (!byChapter.has(c)) problems.push({ file: 'content/modules', path: '', message: `no module for chapter ${c}; add content/modules/0${c}-name.md` });
    }
  }
  modules.sort((a, b) => a.chapter - b.chapter);
  return { modules, problems };
}
