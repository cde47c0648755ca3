import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Playwright specs live in test/e2e and must not be collected by vitest.
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
