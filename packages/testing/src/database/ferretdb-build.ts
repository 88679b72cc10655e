// Provides a working FerretDB binary: FERRETDB_BIN, the shared cache, or a one-time build from source with Go.
import { chmod, cp, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './dir-lock.ts';
import { cacheBinDir } from './repo-root.ts';
import { findOnPath, runCommand, tail } from './run-command.ts';

export const FERRETDB_VERSION = '1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';
// Long enough for a cold `go build` on a slow machine; a dead owner pid frees the lock sooner.
const LOCK_STALE_MS = 15 * 60_000;

async function checkBinary(bin: string): Promise<string | undefined> {
  try {
    const result = await runCommand(bin, ['--version'], { timeoutMs: 10_000 });
    if (result.code === 0 && result.stdout.includes('version:')) return undefined;
    return `\`${bin} --version\` failed (exit ${result.code ?? result.signal}):\n${tail(result.stderr || result.stdout, 8)}`;
  } catch (error) {
    return `cannot run ${bin}: ${(error as Error).message}`;
  }
}

async function cachedBinaryOk(bin: string): Promise<boolean> {
  const result = await runCommand(bin, ['--version'], { timeoutMs: 10_000 }).catch(() => undefined);
  return result?.code === 0 && result.stdout.includes(`version: v${FERRETDB_VERSION}`);
}

async function makeWritable(dir: string): Promise<void> {
  // The Go module cache is read-only; copies keep that mode, which blocks edits and cleanup.
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

async function build(target: string, log: (line: string) => void): Promise<void> {
  const go = await findOnPath('go');
  if (go === undefined) {
    throw new Error(
      `Go is not on the PATH, so FerretDB ${FERRETDB_VERSION} cannot be built. Install Go (https://go.dev/dl/), ` +
        'or set FERRETDB_BIN to a FerretDB binary.',
    );
  }
  const started = Date.now();
  log(`building FerretDB ${FERRETDB_VERSION} with go (once, cached in .cache/bin)…`);
  const heartbeat = setInterval(() => log(`still building FerretDB… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const work = await mkdtemp(path.join(os.tmpdir(), 'ferretdb-src-'));
  const partial = `${target}.partial-${process.pid}`;
  try {
    const goEnv = { ...process.env, GOBIN: path.dirname(target) };
    const download = await runCommand(go, ['mod', 'download', '-json', `${MODULE}@v${FERRETDB_VERSION}`], {
      cwd: work,
      env: goEnv,
      onStderrLine: log,
    });
    const info = JSON.parse(download.stdout || '{}') as { Dir?: string; Error?: string };
    if (download.code !== 0 || info.Dir === undefined) {
      throw new Error(`go mod download ${MODULE}@v${FERRETDB_VERSION} failed: ${info.Error ?? tail(download.stderr)}`);
    }
    // `go install …@v1.24.2` yields a binary that panics at startup: its version package insists on a
    // generated build/version/version.txt that the module zip lacks. So build a copy with that file added.
    const src = path.join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await makeWritable(src);
    await writeFile(path.join(src, 'build', 'version', 'version.txt'), `v${FERRETDB_VERSION}\n`);
    const compiled = await runCommand(go, ['build', '-buildvcs=false', '-o', partial, './cmd/ferretdb'], {
      cwd: src,
      env: goEnv,
      onStderrLine: log,
    });
    if (compiled.code !== 0) throw new Error(`go build of FerretDB ${FERRETDB_VERSION} failed:\n${tail(compiled.stderr)}`);
    const problem = await checkBinary(partial);
    if (problem !== undefined) throw new Error(`freshly built FerretDB does not run: ${problem}`);
    // rename is atomic, so concurrent readers never see a half-written binary.
    await rename(partial, target);
    log(`FerretDB ${FERRETDB_VERSION} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

let pending: Promise<string> | undefined;

async function resolveBinary(log: (line: string) => void): Promise<string> {
  const override = process.env.FERRETDB_BIN;
  if (override !== undefined && override !== '') {
    const problem = await checkBinary(override);
    if (problem !== undefined) throw new Error(`FERRETDB_BIN=${override} is not a usable FerretDB binary: ${problem}`);
    return override;
  }
  const target = path.join(cacheBinDir(), 'ferretdb');
  if (await cachedBinaryOk(target)) return target;
  await withDirLock(path.join(cacheBinDir(), 'ferretdb.lock'), async () => {
    // Whoever held the lock before us may have just finished the build.
    if (!(await cachedBinaryOk(target))) await build(target, log);
  }, {
    staleMs: LOCK_STALE_MS,
    onWait: (owner) => log(`waiting for another process (pid ${owner}) that is building FerretDB…`),
    isDone: () => cachedBinaryOk(target),
  });
  return target;
}

/** Memoised per process; a failure is not cached so a later call can retry (e.g. after installing Go). */
export function ensureFerretDbBinary(log: (line: string) => void): Promise<string> {
  pending ??= resolveBinary(log).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
