// The parent's side of telemetry-load.ts: forks the load generator once and runs one autocannon round per call.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LoadJob, LoadResult } from './telemetry-load.ts';

export interface LoadWorker {
  pid: number;
  run(job: LoadJob): Promise<LoadResult>;
  /** Lets it exit (it leaves once the channel closes). */
  stop(): void;
  /** For a signal handler. */
  kill(): void;
}

export function startLoadWorker(): LoadWorker {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'telemetry-load.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: child.pid!,
    run: (job) =>
      new Promise<LoadResult>((resolve, reject) => {
        const onMessage = (message: { result?: LoadResult; error?: string }) => {
          child.off('exit', onExit);
          if (message.result) resolve(message.result);
          else reject(new Error(`load generator: ${message.error}`));
        };
        const onExit = (code: number | null) => {
          child.off('message', onMessage);
          reject(new Error(`load generator exited (${code})`));
        };
        child.once('message', onMessage);
        child.once('exit', onExit);
        child.send(job);
      }),
    stop: () => {
      if (child.connected) child.disconnect();
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
