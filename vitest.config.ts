import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests spawn bin/aoai; two cores, so keep the pool small and the timeouts honest.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    // A test that runs no expect() proves nothing; fail it.
    expect: { requireAssertions: true },
  },
});
