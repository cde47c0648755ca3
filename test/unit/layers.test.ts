import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// docs/decisions/0004-storage-ports.md: pages, components and layouts reach
// storage only through the application layer (src/app view and command functions).
describe('layers', () => {
  const ui = ['src/pages', 'src/components', 'src/layouts'].flatMap(files);

  // The words on their own: 'stored', 'restore', 'no-store' and localStorage are other things.
  const mention = /(?<![\w-])(store|storage|storageOf)(?![\w-])/i;

  it('no page, component or layout mentions storage', () => {
    const offenders = ui.filter((f) => mention.test(readFileSync(f, 'utf8'))).map((f) => {
      const lines = readFileSync(f, 'utf8').split('\n');
      const at = lines.findIndex((l) => mention.test(l));
      return `${f}:${at + 1}: ${lines[at]!.trim()}`;
    });
    expect(offenders).toEqual([]);
  });

  it('the check sees the files it guards and the words it looks for', () => {
    for (const line of ["import { storageOf } from '../app/runtime';", 'const store = x;', "from '../../store'", '// the Store keeps it']) expect(line).toMatch(mention);
    for (const line of ["'Cache-Control', 'no-store'", 'localStorage.getItem(k)', 'is stored', 'npm run restore']) expect(line).not.toMatch(mention);
    expect(ui.filter((f) => f.endsWith('.astro')).length).toBeGreaterThan(40);
    expect(ui).toContain(path.join('src', 'layouts', 'Layout.astro'));
  });
});
