import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Playwright specs live in test/e2e and must not be collected by vitest.
    // test/contract: the storage contract suite, per adapter (no server needed).
    // Integration tests start the built server (npm test builds first); SKIP_INTEGRATION=1 leaves them out.
    include: process.env.SKIP_INTEGRATION === '1' ? ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts'] : ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 30_000,
    // One throwaway PostgreSQL cluster for the run (test/pg): the contract and integration suites run on both stores.
    globalSetup: ['test/pg/global-setup.ts'],
    environment: 'node',
  },
});
