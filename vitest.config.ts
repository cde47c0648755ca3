import { defineConfig } from 'vitest/config';

// Playwright specs live in test/e2e and must not be collected by vitest.
// test/contract: the storage contract suite, per adapter (no server needed).
// Integration tests start the built server (npm test builds first); SKIP_INTEGRATION=1 leaves them out.
// Two projects: `embedded` runs everything on the embedded store; `postgres`
// runs the integration suite again with every server on PostgreSQL (the
// run's throwaway cluster, test/pg), less the files about the embedded
// store's own files. PG_TESTS=0 leaves PostgreSQL out.
const integration = process.env.SKIP_INTEGRATION !== '1';
const postgres = process.env.PG_TESTS !== '0';
/** Integration files about the embedded store's files (snapshot, journal, folder lock, backups of a folder). */
const EMBEDDED_ONLY = ['test/integration/backup.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    environment: 'node',
    // One throwaway PostgreSQL cluster per project that runs (test/pg/global-setup.ts).
    globalSetup: ['test/pg/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'embedded', include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', ...(integration ? ['test/integration/**/*.test.ts'] : [])] },
      },
      ...(integration && postgres
        ? [{ extends: true as const, test: { name: 'postgres', include: ['test/integration/**/*.test.ts'], exclude: EMBEDDED_ONLY, env: { STORE_BACKEND: 'postgres' } } }]
        : []),
    ],
  },
});
