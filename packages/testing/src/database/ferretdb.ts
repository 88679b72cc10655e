// Runs a throwaway FerretDB (SQLite backend) in a temp dir on a free loopback port.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { stopChild, trackChild } from './child-cleanup.ts';
import { freePort, portAcceptsConnections } from './free-port.ts';
import type { Log, OwnDatabaseHandle } from './types.ts';

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const KEPT_OUTPUT_LINES = 60;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

class PortClashError extends Error {}

function unrefStream(stream: unknown): void {
  // Pipes to a child are sockets at runtime; unref'd they don't keep the event loop alive.
  if (typeof stream === 'object' && stream !== null && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
}

async function pings(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db('admin').admin().ping();
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function captureOutput(child: ChildProcess): string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').trimEnd().split('\n'));
    lines.splice(0, Math.max(0, lines.length - KEPT_OUTPUT_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return lines;
}

async function launch(bin: string, dir: string, port: number, log: Log): Promise<OwnDatabaseHandle> {
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${dir}`,
    '--log-level=warn',
  ];
  const started = Date.now();
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const untrack = trackChild(child, dir);
  child.unref();
  unrefStream(child.stdout);
  unrefStream(child.stderr);
  const output = captureOutput(child);
  let stopping = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  void exited.then((exit) => {
    if (!stopping) log(`FerretDB on port ${port} exited unexpectedly (${exit.error?.message ?? exit.code ?? exit.signal})`);
  });

  const uri = `mongodb://127.0.0.1:${port}/`;
  let exit: Exit | undefined;
  for (;;) {
    // A bare TCP probe first: the driver would spend its whole selection timeout on a closed port.
    const outcome = await Promise.race([portAcceptsConnections(port, 500).then((open) => open && pings(uri)), exited]);
    if (outcome === true) break;
    if (typeof outcome === 'object') {
      exit = outcome;
      break;
    }
    if (Date.now() - started > READY_TIMEOUT_MS) break;
    await sleep(100);
  }
  if (exit !== undefined || Date.now() - started > READY_TIMEOUT_MS) {
    stopping = true;
    child.kill('SIGKILL');
    await exited;
    const text = output.join('\n');
    if (/address already in use/i.test(text)) throw new PortClashError(`port ${port} is already in use`);
    const why = exit === undefined
      ? `did not accept connections within ${READY_TIMEOUT_MS / 1000} s`
      : `exited before accepting connections (${exit.error?.message ?? `code ${exit.code ?? exit.signal}`})`;
    throw new Error(`FerretDB ${why}: ${bin} ${args.join(' ')}\n--- FerretDB output ---\n${text || '(none)'}`);
  }
  log(`FerretDB ready at ${uri} in ${Date.now() - started} ms`);

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    await stopChild(child, exited, STOP_GRACE_MS);
    untrack();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  return {
    uri,
    kind: 'ferretdb',
    dataDir: dir,
    stop: () => (stopped ??= stop()),
  };
}

/** Starts FerretDB from `bin`, retrying on another port if the chosen one was taken meanwhile. */
export async function startFerretDb(bin: string, log: Log): Promise<OwnDatabaseHandle> {
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'marketplace-ferretdb-'));
    try {
      return await launch(bin, dir, await freePort(), log);
    } catch (error) {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      if (!(error instanceof PortClashError) || attempt >= PORT_ATTEMPTS) throw error;
      log(`${error.message}; retrying on another port`);
    }
  }
}
