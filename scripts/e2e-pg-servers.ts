// Two app servers on one PostgreSQL database, for Playwright's two-server
// project (test/e2e/live-two-servers.spec.ts): a throwaway cluster
// (scripts/pg-cluster.ts), then the built app twice, on E2E_PG_PORT_A and
// E2E_PG_PORT_B, with the same DATABASE_URL. Everything is removed on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCluster } from './pg-cluster';

const root = path.resolve(import.meta.dirname, '..');
const ports = [process.env.E2E_PG_PORT_A ?? '4392', process.env.E2E_PG_PORT_B ?? '4393'];
const cluster = await startCluster();
const url = await cluster.createDatabase('wuye_e2e');
const dirs: string[] = [];
const children: ChildProcess[] = [];
let exiting = false;
const shutdown = (code: number) => {
  if (exiting) return;
  exiting = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => {
    cluster.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    process.exit(code);
  }, 1_000);
};
for (const port of ports) {
  // DATA_DIR holds nothing on PostgreSQL; a fresh folder keeps the embedded store out of it.
  const dir = mkdtempSync(path.join(tmpdir(), 'wuye-e2e-pg-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [path.join(root, 'scripts/serve.mjs')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, HOST: '127.0.0.1', PORT: port, DATA_DIR: dir, DATABASE_URL: url, NODE_ENV: 'test' },
  });
  child.on('exit', (code) => shutdown(code ?? 1));
  children.push(child);
}
// Both start at once on the empty database, as servers behind one address do: one seeds the demo organisation.
for (const port of ports) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
console.log(`[e2e] two app servers on one PostgreSQL database: ${ports.map((p) => `http://127.0.0.1:${p}`).join(', ')}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => shutdown(0));
