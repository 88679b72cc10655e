// Background passes that finish what interrupted requests left half-done: one at start-up, then one per interval, on every replica.
//
// A task must be safe to run on many replicas at once (every step it takes is decided by a unique
// insert) and bounded: it handles at most a batch per pass and says when the batch was full, so
// the next pass follows at once instead of after the interval.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './telemetry/metrics.ts';

/** What a pass did, by count (logged when any is above 0); `full` asks for another pass right away. */
export interface SweepReport {
  full?: boolean;
  [count: string]: number | boolean | undefined;
}

export interface SweepTask {
  name: string;
  run(): Promise<SweepReport>;
}

export interface Sweeper {
  /** Waits for the pass in progress, then runs no more. */
  stop(): Promise<void>;
}

/** Pause between passes while a backlog is being worked off. */
const BACKLOG_PAUSE_MS = 50;

export function startSweeps(options: { intervalMs: number; logger: Logger; tasks: readonly SweepTask[]; metrics?: ServiceMetrics | undefined }): Sweeper {
  const stopping = new AbortController();
  const { logger, tasks, intervalMs } = options;
  const runs = options.metrics?.counter('sweep_runs_total', 'Sweep passes by task and outcome', ['task', 'outcome']);
  const items = options.metrics?.counter('sweep_items_total', 'Items a sweep acted on (expired, confirmed, released, refunded, ...), by task', ['task']);

  async function pass(): Promise<boolean> {
    let again = false;
    for (const task of tasks) {
      if (stopping.signal.aborted) return false;
      try {
        const { full, ...counts } = await task.run();
        const acted = Object.values(counts).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
        runs?.inc({ task: task.name, outcome: 'success' });
        if (acted > 0) items?.inc({ task: task.name }, acted);
        if (acted > 0) logger.info({ sweep: task.name, ...counts }, `sweep ${task.name}`);
        again ||= full === true;
      } catch (error) {
        runs?.inc({ task: task.name, outcome: 'error' });
        logger.warn({ err: error, sweep: task.name }, `sweep ${task.name} failed; the next pass tries again`);
      }
    }
    return again;
  }

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      const again = await pass();
      // Replicas started together drift apart instead of sweeping in lockstep.
      const wait = again ? BACKLOG_PAUSE_MS : intervalMs * (0.9 + Math.random() * 0.2);
      await sleep(wait, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  return {
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
