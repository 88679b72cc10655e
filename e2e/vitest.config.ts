// End-to-end tests: one database for the run, a fresh supergraph per test file.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['harness/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    env: { NODE_ENV: 'test' },
  },
});
