// Orders tests: the lifecycle tests start a database, which can take a while the first time.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 240_000 } });
