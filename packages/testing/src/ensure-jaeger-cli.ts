// CLI for CI: builds (or finds) the cached Jaeger v2 binary up front, outside any test timeout, and prints its path.
import { ensureJaeger } from './jaeger-build.ts';

try {
  process.stdout.write(`${await ensureJaeger()}\n`);
} catch (error) {
  process.stderr.write(`[jaeger] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
