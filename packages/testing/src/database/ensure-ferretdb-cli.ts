// CLI for CI: builds (or finds) the cached FerretDB binary up front, outside any test timeout, and prints its path.
import { ensureFerretDb } from './index.ts';

try {
  process.stdout.write(`${await ensureFerretDb()}\n`);
} catch (error) {
  process.stderr.write(`[database] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
