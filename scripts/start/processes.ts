// Runs one service as a child process: prefixed output, readiness polling, and a bounded graceful stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeLine } from './console.ts';
import { portTakenMessage } from './ports.ts';
import { ENTRY_POINTS, type Endpoint, type ServiceName } from './services.ts';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  name: ServiceName;
  endpoint: Endpoint;
  /** Resolves once the process is gone and its output has been fully printed. */
  exited: Promise<ChildExit>;
  running(): boolean;
  /** Why it stopped, in words: the last fatal log line, a port clash, or the exit code. */
  explain(exit: ChildExit): string;
  waitReady(): Promise<void>;
  stop(): Promise<void>;
  kill(): void;
}

/** Keeps the most telling line of a service's output: its last error-level log, or its last raw stderr line. */
function problemTracker() {
  let last: string | undefined;
  return {
    see(line: string, fromStderr: boolean) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string; code?: string } };
        if ((entry.level ?? 0) >= 50) last = [...new Set([entry.msg, entry.err?.code, entry.err?.message].filter(Boolean))].join(' — ');
      } catch {
        if (fromStderr && line.trim() !== '') last = line.trim();
      }
    },
    get: () => last,
  };
}

function relay(stream: Readable, out: Writable, name: string, onLine: (line: string) => void): Promise<void> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => {
    onLine(line);
    writeLine(out, name, line);
  });
  return new Promise((resolve) => lines.once('close', resolve));
}

export function startService(endpoint: Endpoint, root: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const { name } = endpoint;
  const child: ChildProcess = spawn(process.execPath, [ENTRY_POINTS[name]], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const problem = problemTracker();
  const drained = Promise.all([
    relay(child.stdout!, process.stdout, name, (line) => problem.see(line, false)),
    relay(child.stderr!, process.stderr, name, (line) => problem.see(line, true)),
  ]);
  let gone = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      gone = true;
      problem.see(`cannot start ${process.execPath}: ${error.message}`, true);
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => {
      gone = true;
      void drained.then(() => resolve({ code, signal }));
    });
  });

  const explain = (exit: ChildExit): string => {
    const last = problem.get();
    if (last !== undefined && /EADDRINUSE/.test(last)) return portTakenMessage(endpoint);
    const status = exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
    return last === undefined ? status : `${status}: ${last}`;
  };

  const waitReady = async (): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    // Set by a callback queued after the caller's own exit watcher, so the watcher has explained the exit first.
    let hasExited = false;
    void exited.then(() => (hasExited = true));
    while (Date.now() < deadline) {
      if (hasExited) throw new Error(`${name} stopped before it was ready`);
      const ok = await fetch(endpoint.readyUrl, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) return;
      await sleep(150);
    }
    throw new Error(`${name} did not become ready at ${endpoint.readyUrl} within ${READY_TIMEOUT_MS / 1000} s`);
  };

  const stop = async (): Promise<void> => {
    if (!gone) {
      child.kill('SIGTERM');
      // A service drains and exits on its own; one that has not within the grace period is killed.
      const inTime = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS, undefined, { ref: false }).then(() => false)]);
      if (!inTime) {
        writeLine(process.stderr, 'start', `${name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
        child.kill('SIGKILL');
      }
    }
    await exited;
  };

  return {
    name,
    endpoint,
    exited,
    running: () => !gone,
    explain,
    waitReady,
    stop,
    kill: () => {
      if (!gone) child.kill('SIGKILL');
    },
  };
}
