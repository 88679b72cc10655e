// A Go command built from a copy of its module's source and cached in .cache/bin: how FerretDB and
// Jaeger are provided, since neither installs with a plain `go install` (FerretDB's module zip lacks a
// generated version file; Jaeger's go.mod has replace directives, which only apply to a main module).
import { chmod, cp, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withDirLock } from './database/dir-lock.ts';
import { cacheBinDir } from './database/repo-root.ts';
import { findOnPath, runCommand, tail } from './database/run-command.ts';

export interface SourceBuild {
  /** For messages: "FerretDB", "Jaeger v2". */
  label: string;
  module: string;
  /** The module version, without the leading "v". */
  version: string;
  /** The package to build, relative to the module: "./cmd/ferretdb". */
  command: string;
  /** Where the binary is kept. */
  target: string;
  /** The variable that names a binary instead of a build (FERRETDB_BIN). */
  overrideVar: string;
  /** How long a build may hold the lock before another process takes over. */
  lockStaleMs: number;
  /** `go build` flags before `-o` (ldflags). */
  buildFlags?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Changes the copied source before the build (a file the module zip lacks). */
  prepare?: (src: string) => Promise<void>;
  /** Undefined when the binary runs at all, else why not (a binary named by `overrideVar`). */
  check: (bin: string) => Promise<string | undefined>;
  /** The same for a fresh build, when it must say more (its version); `check` when left out. */
  checkBuilt?: (bin: string) => Promise<string | undefined>;
  /** True when a cached binary is the expected version. */
  cachedOk: (bin: string) => Promise<boolean>;
}

async function makeWritable(dir: string): Promise<void> {
  // The Go module cache is read-only; copies keep that mode, which blocks edits and cleanup.
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    await chmod(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
}

async function buildFromSource(build: SourceBuild, log: (line: string) => void): Promise<void> {
  const { label, module, version, target } = build;
  const go = await findOnPath('go');
  if (go === undefined) {
    throw new Error(`Go is not on the PATH, so ${label} ${version} cannot be built. Install Go (https://go.dev/dl/), or set ${build.overrideVar} to a ${label} binary.`);
  }
  const started = Date.now();
  log(`building ${label} ${version} (${module}) with go (once, cached in .cache/bin; a cold build takes minutes)…`);
  const heartbeat = setInterval(() => log(`still building ${label}… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
  const work = await mkdtemp(path.join(os.tmpdir(), 'go-src-'));
  await mkdir(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  const options = { ...(build.env ? { env: build.env } : {}), onStderrLine: log };
  try {
    const download = await runCommand(go, ['mod', 'download', '-json', `${module}@v${version}`], { cwd: work, ...options });
    const info = JSON.parse(download.stdout || '{}') as { Dir?: string; Error?: string };
    if (download.code !== 0 || info.Dir === undefined) throw new Error(`go mod download ${module}@v${version} failed: ${info.Error ?? tail(download.stderr)}`);
    const src = path.join(work, 'src');
    await cp(info.Dir, src, { recursive: true });
    await makeWritable(src);
    await build.prepare?.(src);
    const compiled = await runCommand(go, ['build', '-buildvcs=false', ...(build.buildFlags ?? []), '-o', partial, build.command], { cwd: src, ...options });
    if (compiled.code !== 0) throw new Error(`go build of ${label} ${version} failed:\n${tail(compiled.stderr)}`);
    const problem = await (build.checkBuilt ?? build.check)(partial);
    if (problem !== undefined) throw new Error(`freshly built ${label} does not run: ${problem}`);
    // rename is atomic, so concurrent readers never see a half-written binary.
    await rename(partial, target);
    log(`${label} ${version} built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  } finally {
    clearInterval(heartbeat);
    await rm(partial, { force: true });
    await rm(work, { recursive: true, force: true });
  }
}

/** The binary: `overrideVar` when set (checked), else the cached build, else a build (one across parallel processes). */
export async function sourceBuiltBinary(build: SourceBuild, log: (line: string) => void): Promise<string> {
  const override = process.env[build.overrideVar];
  if (override !== undefined && override !== '') {
    const problem = await build.check(override);
    if (problem !== undefined) throw new Error(`${build.overrideVar}=${override} is not a usable ${build.label} binary: ${problem}`);
    return override;
  }
  const { target } = build;
  if (await build.cachedOk(target)) return target;
  await withDirLock(path.join(cacheBinDir(), `${path.basename(target)}.lock`), async () => {
    // Whoever held the lock before us may have just finished the build.
    if (!(await build.cachedOk(target))) await buildFromSource(build, log);
  }, {
    staleMs: build.lockStaleMs,
    onWait: (owner) => log(`waiting for another process (pid ${owner}) that is building ${build.label}…`),
    isDone: () => build.cachedOk(target),
  });
  return target;
}
