// Cross-process mutex built on atomic mkdir, so parallel test runs build a binary only once.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DirLockOptions {
  /** A lock older than this is presumed abandoned even if its owner pid looks alive (pids get reused). */
  staleMs: number;
  pollMs?: number;
  /** Called once when the lock is busy, so a waiting process can say why it is idle. */
  onWait?: (owner: string) => void;
  /** Checked while waiting; a true result ends the wait without taking the lock (the work got done). */
  isDone?: () => Promise<boolean>;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockDir: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockDir);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const owner = await readFile(path.join(lockDir, 'owner'), 'utf8').catch(() => '');
    const pid = Number.parseInt(owner, 10);
    // A missing owner file may just mean the holder has not written it yet; only age decides then.
    return Number.isInteger(pid) && pid > 0 && !pidAlive(pid);
  } catch {
    return false;
  }
}

/**
 * Runs `work` while holding `lockDir`. Returns `undefined` without running it when `isDone`
 * reports that another process finished the job while we waited.
 */
export async function withDirLock<T>(lockDir: string, work: () => Promise<T>, options: DirLockOptions): Promise<T | undefined> {
  await mkdir(path.dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockDir, options.staleMs)) {
      await rm(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) {
      announced = true;
      const owner = await readFile(path.join(lockDir, 'owner'), 'utf8').catch(() => 'unknown');
      options.onWait?.(owner.trim());
    }
    await sleep(options.pollMs ?? 500);
    if (options.isDone !== undefined && (await options.isDone())) return undefined;
  }
  try {
    await writeFile(path.join(lockDir, 'owner'), `${process.pid}\n`);
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
