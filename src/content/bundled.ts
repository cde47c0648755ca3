import type { SourceFile } from './frontmatter';
import type { ContentFiles } from './check';

// Content is bundled into the server build, so a deployed dist/ needs no content/ folder beside it.
const raw = (files: Record<string, string>): SourceFile[] =>
  Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([p, text]) => ({ path: p.replace(/^\//, ''), text }));

export const bundledContent = (): ContentFiles => ({
  modules: raw(import.meta.glob('/content/modules/*.md', { query: '?raw', import: 'default', eager: true }) as Record<string, string>),
  scenarios: raw(import.meta.glob('/content/scenarios/*.{yaml,yml}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>),
  questions: raw(import.meta.glob('/content/quiz/questions/*.{yaml,yml}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>),
  blueprint: raw(import.meta.glob('/content/quiz/blueprint.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>)[0],
  certification: raw(import.meta.glob('/content/certification.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>)[0],
  rubric: raw(import.meta.glob('/content/rubric.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>)[0],
});
