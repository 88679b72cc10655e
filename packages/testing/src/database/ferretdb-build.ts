// Provides a working FerretDB binary: FERRETDB_BIN, the shared cache, or a one-time build from source with Go.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sourceBuiltBinary, type SourceBuild } from '../go-source-build.ts';
import { cacheBinDir } from './repo-root.ts';
import { runCommand, tail } from './run-command.ts';

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

const FERRETDB_BUILD: Omit<SourceBuild, 'target'> = {
  label: 'FerretDB',
  module: MODULE,
  version: FERRETDB_VERSION,
  command: './cmd/ferretdb',
  overrideVar: 'FERRETDB_BIN',
  lockStaleMs: LOCK_STALE_MS,
  // `go install …@v1.24.2` yields a binary that panics at startup: its version package insists on a
  // generated build/version/version.txt that the module zip lacks. So the copy gets that file.
  prepare: (src) => writeFile(path.join(src, 'build', 'version', 'version.txt'), `v${FERRETDB_VERSION}\n`),
  check: checkBinary,
  cachedOk: cachedBinaryOk,
};

let pending: Promise<string> | undefined;

/** Memoised per process; a failure is not cached so a later call can retry (e.g. after installing Go). */
export function ensureFerretDbBinary(log: (line: string) => void): Promise<string> {
  pending ??= sourceBuiltBinary({ ...FERRETDB_BUILD, target: path.join(cacheBinDir(), 'ferretdb') }, log).catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}
