import { defineConfig, devices } from '@playwright/test';
import { existsSync } from 'node:fs';

const PORT = Number(process.env.E2E_PORT ?? 4391);
// Two more app servers on one PostgreSQL database for the `two-servers` project (PG_TESTS=0 leaves it out).
const PG = process.env.PG_TESTS !== '0';
const PG_A = Number(process.env.E2E_PG_PORT_A ?? PORT + 1);
const PG_B = Number(process.env.E2E_PG_PORT_B ?? PORT + 2);
// Debian's Chromium where present (Playwright cannot download browsers on these machines); CHROMIUM_PATH overrides.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // CI runs on a machine that may be busy: a flow that answers a whole 40-question paper by
  // clicking took just over 30 s under load, so 30 s was a timing assertion in disguise.
  timeout: 60_000,
  reporter: process.env.PW_JSON ? [['list'], ['json', { outputFile: process.env.PW_JSON }]] : 'list',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'chromium', use: { ...devices['Desktop Chrome'] }, testIgnore: /two-servers/ },
    ...(PG ? [{ name: 'two-servers', use: { ...devices['Desktop Chrome'], baseURL: `http://127.0.0.1:${PG_A}` }, testMatch: /two-servers/ }] : []),
  ],
  webServer: [
    {
      // A fresh temporary DATA_DIR every run: the demo organisation is seeded into an empty store.
      command: `node scripts/e2e-server.mjs`,
      url: `http://127.0.0.1:${PORT}/login`,
      env: { PORT: String(PORT), HOST: '127.0.0.1' },
      reuseExistingServer: false,
      timeout: 180_000,
      stdout: 'pipe',
    },
    ...(PG
      ? [{
          // A throwaway PostgreSQL cluster and two app servers on it (scripts/e2e-pg-servers.ts).
          command: `npx tsx scripts/e2e-pg-servers.ts`,
          url: `http://127.0.0.1:${PG_B}/health`,
          env: { E2E_PG_PORT_A: String(PG_A), E2E_PG_PORT_B: String(PG_B) },
          reuseExistingServer: false,
          timeout: 180_000,
          stdout: 'pipe' as const,
          // Playwright's default is SIGKILL, which would leave the cluster running: let the script stop it.
          gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 15_000 },
        }]
      : []),
  ],
});
