// Starts a throwaway redis-server on a free loopback port, for the tests of the shared rate-limit store.
import { spawn, spawnSync } from 'node:child_process';
import { freePort, portAcceptsConnections } from './database/free-port.ts';

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

/** The redis-server binary: REDIS_SERVER_BIN, or the one on the PATH (Debian's `redis-server` package). */
export function redisServerBinary(): string | undefined {
  const candidate = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  return spawnSync(candidate, ['--version'], { stdio: 'ignore' }).status === 0 ? candidate : undefined;
}

export async function startRedis(): Promise<RunningRedis> {
  const binary = redisServerBinary();
  if (!binary) throw new Error('redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER_BIN)');
  const port = await freePort();
  // No persistence and loopback only: it lives as long as the test.
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await portAcceptsConnections(port, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
