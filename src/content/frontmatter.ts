import { parseDocument } from 'yaml';

export interface SourceFile {
  /** Path relative to the project root, used in messages. */
  path: string;
  text: string;
}

/** Parses YAML and reports syntax errors with line numbers instead of throwing. */
export function parseYaml(text: string): { data: unknown; error?: string } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    return { data: undefined, error: `YAML syntax error${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}` };
  }
  return { data: doc.toJS() };
}

/** Splits `---\nyaml\n---\nbody` into its parts; `frontMatter` is undefined when absent. */
export function splitFrontMatter(text: string): { frontMatter?: string; body: string; bodyLine: number } {
  const src = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(src);
  if (!m) return { body: src, bodyLine: 1 };
  return { frontMatter: m[1], body: src.slice(m[0].length), bodyLine: m[0].split('\n').length };
}
