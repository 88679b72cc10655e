// Provides a Jaeger v2 binary for the tracing tests: JAEGER_BIN, the shared cache, or a one-time build from source with Go.
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './database/dir-lock.ts';
import { cacheBinDir } from './database/repo-root.ts';
import { findOnPath, runCommand, tail } from './database/run-command.ts';

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

async function makeWritable(dir: string): Promise<void> {
  // The Go module cache is read-only, and copies keep that mode, which would block the cleanup.
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

async function build(target: string, log: (line: string) => void): Promise<void> {
  const go = await findOnPath('go');
  if (go === undefined) {
    throw new Error(`Go is not on the PATH, so Jaeger ${JAEGER_VERSION} cannot be built. Install Go (https://go.dev/dl/), or set JAEGER_BIN to a Jaeger v2 binary.`);
  }
  const started = Date.now();
  log(`building Jaeger v2 (module ${MODULE}@v${JAEGER_VERSION}) with go (once, cached in .cache/bin; a cold build takes several minutes)…`);
  const heartbeat = setInterval(() => log(`still building Jaeger… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const work = await mkdtemp(path.join(os.tmpdir(), 'jaeger-src-'));
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  try {
    const download = await runCommand(go, ['mod', 'download', '-json', `${MODULE}@v${JAEGER_VERSION}`], { cwd: work, onStderrLine: log });
    const info = JSON.parse(download.stdout || '{}') as { Dir?: string; Error?: string };
    if (download.code !== 0 || info.Dir === undefined) {
      throw new Error(`go mod download ${MODULE}@v${JAEGER_VERSION} failed: ${info.Error ?? tail(download.stderr)}`);
    }
    // `go install …/cmd/jaeger@v…` refuses a module whose go.mod has replace directives, so build a copy
    // of the module as the main module instead, where its replace directives apply.
    const src = path.join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await makeWritable(src);
    const ldflags = `-s -w -X ${MODULE}/internal/version.latestVersion=v${JAEGER_VERSION}`;
    const compiled = await runCommand(go, ['build', '-buildvcs=false', '-ldflags', ldflags, '-o', partial, './cmd/jaeger'], { cwd: src, onStderrLine: log });
    if (compiled.code !== 0) throw new Error(`go build of Jaeger ${JAEGER_VERSION} failed:\n${tail(compiled.stderr)}`);
    const problem = await checkBinary(partial, `v${JAEGER_VERSION}`);
    if (problem !== undefined) throw new Error(`freshly built Jaeger does not run: ${problem}`);
    // rename is atomic, so concurrent readers never see a half-written binary.
    await rename(partial, target);
    log(`Jaeger ${JAEGER_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

async function resolveBinary(log: (line: string) => void): Promise<string> {
  const override = process.env.JAEGER_BIN;
  if (override !== undefined && override !== '') {
    const problem = await checkBinary(override);
    if (problem !== undefined) throw new Error(`JAEGER_BIN=${override} is not a usable Jaeger v2 binary: ${problem}`);
    return override;
  }
  const target = jaegerCachePath();
  if (await cachedBinaryOk(target)) return target;
  await withDirLock(path.join(cacheBinDir(), 'jaeger.lock'), async () => {
    // Whoever held the lock before us may have just finished the build.
    if (!(await cachedBinaryOk(target))) await build(target, log);
  }, {
    staleMs: LOCK_STALE_MS,
    onWait: (owner) => log(`waiting for another process (pid ${owner}) that is building Jaeger…`),
    isDone: () => cachedBinaryOk(target),
  });
  return target;
}

let pending: Promise<string> | undefined;

/**
 * The Jaeger v2 binary: JAEGER_BIN when set, else <repo>/.cache/bin/jaeger-v<version>/jaeger, built with Go
 * on first use (one build across parallel processes). Memoised per process; a failure is not cached.
 */
export function ensureJaeger(log: (line: string) => void = defaultLog): Promise<string> {
  pending ??= resolveBinary(log).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
