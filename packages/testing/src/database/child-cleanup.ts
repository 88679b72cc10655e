// Kills database servers we spawned when this process goes away, so no orphan servers outlive tests or `npm start`.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface Tracked {
  child: ChildProcess;
  dir: string | undefined;
}

const tracked = new Set<Tracked>();
let installed = false;

function killAllSync(): void {
  for (const entry of tracked) {
    if (entry.child.exitCode === null && entry.child.signalCode === null) entry.child.kill('SIGKILL');
    if (entry.dir !== undefined) rmSync(entry.dir, { recursive: true, force: true });
  }
  tracked.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // When the app has its own handler it owns shutdown (and may still need the database);
  // the 'exit' hook cleans up after it. Alone, we must restore the default "die on signal".
  if (process.listenerCount(signal) > 1) return;
  killAllSync();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, onSignal);
  }
}

/** Registers a child (and its scratch dir) for synchronous cleanup; call the returned function once it is stopped. */
export function trackChild(child: ChildProcess, dir?: string): () => void {
  install();
  const entry: Tracked = { child, dir };
  tracked.add(entry);
  return () => {
    tracked.delete(entry);
  };
}

/**
 * SIGTERM, then SIGKILL if the child has not exited within `graceMs`; resolves once it is gone.
 * The child is re-referenced first, so a script whose last act is awaiting this stays alive until then.
 */
export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}
