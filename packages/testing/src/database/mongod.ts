// Starts a real mongod via mongodb-memory-server-core, but only when a binary is at hand or downloads quickly.
import { createRequire } from 'node:module';
import { DryMongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import { findOnPath, runCommand, tail } from './run-command.ts';
import type { DatabaseHandle, Log } from './types.ts';

const DOWNLOAD_TIMEOUT_MS = 15_000;

function envFlag(name: string): boolean | undefined {
  const value = process.env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value);
}

function downloadsAllowed(): boolean {
  return envFlag('MONGOMS_DISABLE_DOWNLOAD') !== true && envFlag('MONGOMS_RUNTIME_DOWNLOAD') !== false;
}

/** A mongod that needs no network: MONGOMS_SYSTEM_BINARY, `mongod` on the PATH, or the library's download cache. */
async function localBinary(): Promise<string | undefined> {
  const fromEnv = process.env.MONGOMS_SYSTEM_BINARY;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const onPath = await findOnPath('mongod');
  if (onPath !== undefined) return onPath;
  return DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
}

/**
 * The library cannot cancel a download and retries DNS failures with back-off, so it runs in a
 * child process that we can kill at the deadline instead of leaving sockets and lock files behind.
 */
async function downloadBinary(log: Log): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('mongodb-memory-server-core');
  const script =
    `require(${JSON.stringify(entry)}).MongoBinary.getPath().then(` +
    '(p) => process.stdout.write(p), (e) => { console.error(String(e && e.message || e)); process.exit(1); });';
  log(`no local mongod; trying a MongoDB download (at most ${DOWNLOAD_TIMEOUT_MS / 1000} s)…`);
  const result = await runCommand(process.execPath, ['-e', script], {
    timeoutMs: DOWNLOAD_TIMEOUT_MS,
    env: { ...process.env, MONGOMS_MAX_RETRIES: process.env.MONGOMS_MAX_RETRIES ?? '1' },
  });
  if (result.timedOut) throw new Error(`MongoDB download did not finish within ${DOWNLOAD_TIMEOUT_MS / 1000} s`);
  const binary = result.stdout.trim();
  if (result.code !== 0 || binary === '') {
    throw new Error(`MongoDB download failed: ${tail(result.stderr, 4).replaceAll(/\s+/g, ' ').trim()}`);
  }
  return binary;
}

export async function startMongod(log: Log): Promise<DatabaseHandle> {
  let binary = await localBinary();
  if (binary === undefined) {
    if (!downloadsAllowed()) {
      throw new Error('no mongod on the PATH or in the mongodb-memory-server cache, and downloads are disabled');
    }
    binary = await downloadBinary(log);
  }
  const started = Date.now();
  const server = await MongoMemoryServer.create({ binary: { systemBinary: binary } });
  const uri = server.getUri();
  log(`mongod (${binary}) ready at ${uri} in ${Date.now() - started} ms`);
  let stopped: Promise<void> | undefined;
  return {
    uri,
    kind: 'mongod',
    stop: () =>
      (stopped ??= server.stop({ doCleanup: true, force: true }).then(() => undefined)),
  };
}
