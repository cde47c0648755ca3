import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { SourceFile } from './frontmatter';
import type { ContentFiles } from './check';

/** Reads content files from disk (CLI and tests); the app bundles them instead (./bundled.ts). */
export function readDir(root: string, dir: string, ext: RegExp): SourceFile[] {
  const full = path.join(root, dir);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => ({ path: `${dir}/${f}`, text: readFileSync(path.join(full, f), 'utf8') }));
}

export function readContent(root: string): ContentFiles {
  return {
    modules: readDir(root, 'content/modules', /\.md$/),
    scenarios: readDir(root, 'content/scenarios', /\.ya?ml$/),
    questions: readDir(root, 'content/quiz/questions', /\.ya?ml$/),
    blueprint: readDir(root, 'content/quiz', /^blueprint\.ya?ml$/)[0],
    certification: readDir(root, 'content', /^certification\.ya?ml$/)[0],
    rubric: readDir(root, 'content', /^rubric\.ya?ml$/)[0],
  };
}
