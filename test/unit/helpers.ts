import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];
/** A private temporary folder, removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wuye-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** Every audit entry of a store, oldest first (the port pages them). */
export async function auditOf(store: Pick<import('../../src/store').Storage, 'listAudit'>) {
  const { everyPage } = await import('../../src/app/paging');
  return everyPage((page) => store.listAudit({}, page));
}
