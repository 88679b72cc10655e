// CLI: finds or downloads mongod ahead of time (once, into mongodb-memory-server's cache), so a first
// `npm test` on a slow connection does not spend its test timeouts on a 100 MB download. Prints its path.
import { resolveMongodBinary } from './mongod.ts';

try {
  process.stdout.write(`${await resolveMongodBinary((line) => process.stderr.write(`[database] ${line}\n`))}\n`);
} catch (error) {
  process.stderr.write(`[database] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
