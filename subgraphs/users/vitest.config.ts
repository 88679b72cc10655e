// Users tests: they start a database (slow the first time) and race real writes on it.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 240_000 } });
