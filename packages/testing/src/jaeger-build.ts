// Provides a Jaeger v2 binary for the tracing tests: JAEGER_BIN, the shared cache, or a one-time build from source with Go.
import path from 'node:path';
import { cacheBinDir } from './database/repo-root.ts';
import { runCommand, tail } from './database/run-command.ts';
import { sourceBuiltBinary } from './go-source-build.ts';

/** The Go module's version; Jaeger v2 ships from the v1.x module tags. */
export const JAEGER_VERSION = '1.76.0';
const MODULE = 'github.com/jaegertracing/jaeger';
// A cold build downloads a few hundred modules and compiles the whole collector: minutes, not seconds.
const LOCK_STALE_MS = 30 * 60_000;

const defaultLog = (line: string): void => {
  process.stderr.write(`[jaeger] ${line}\n`);
};

/** Where the built binary lives: <repo>/.cache/bin/jaeger-v<version>/jaeger. */
export function jaegerCachePath(): string {
  return path.join(cacheBinDir(), `jaeger-v${JAEGER_VERSION}`, 'jaeger');
}

/** Undefined when `bin version` runs (and, with `expected`, reports that version); else why not. */
async function checkBinary(bin: string, expected?: string): Promise<string | undefined> {
  try {
    const result = await runCommand(bin, ['version'], { timeoutMs: 15_000 });
    if (result.code !== 0) return `\`${bin} version\` failed (exit ${result.code ?? result.signal}):\n${tail(result.stderr || result.stdout, 8)}`;
    if (!result.stdout.includes('"gitVersion"')) return `\`${bin} version\` printed no version: ${tail(result.stdout, 4)}`;
    if (expected !== undefined && !result.stdout.includes(`"gitVersion":"${expected}"`)) return `\`${bin} version\` is not ${expected}: ${tail(result.stdout, 4)}`;
    return undefined;
  } catch (error) {
    return `cannot run ${bin}: ${(error as Error).message}`;
  }
}

const cachedBinaryOk = async (bin: string): Promise<boolean> => (await checkBinary(bin, `v${JAEGER_VERSION}`)) === undefined;

let pending: Promise<string> | undefined;

/**
 * The Jaeger v2 binary: JAEGER_BIN when set, else <repo>/.cache/bin/jaeger-v<version>/jaeger, built with Go
 * on first use (one build across parallel processes). Memoised per process; a failure is not cached.
 */
export function ensureJaeger(log: (line: string) => void = defaultLog): Promise<string> {
  pending ??= sourceBuiltBinary(
    {
      label: 'Jaeger v2',
      module: MODULE,
      version: JAEGER_VERSION,
      command: './cmd/jaeger',
      target: jaegerCachePath(),
      overrideVar: 'JAEGER_BIN',
      lockStaleMs: LOCK_STALE_MS,
      buildFlags: ['-ldflags', `-s -w -X ${MODULE}/internal/version.latestVersion=v${JAEGER_VERSION}`],
      check: (bin) => checkBinary(bin),
      checkBuilt: (bin) => checkBinary(bin, `v${JAEGER_VERSION}`),
      cachedOk: cachedBinaryOk,
    },
    log,
  ).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
