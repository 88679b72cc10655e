// Process entry: start a service from the environment, log where it serves, drain on SIGTERM or SIGINT.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
import { databaseConfig, shutdownDelayMs, type Env, type SubgraphName } from './config.ts';
import { configProblems, LOG_LEVELS, type ConfigCheck, type ServiceName } from './config-check.ts';
import type { RunningServer } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { connectMongo } from './mongo.ts';

export interface StartedService {
  server: RunningServer;
  /** Called after the server has drained (close the database client, ...). */
  close?: () => Promise<void>;
}

function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining and stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Checks the configuration, then runs a service's start function; any failure logs clear lines and exits 1. */
export function runService(
  name: ServiceName,
  start: (env: Env, logger: Logger) => Promise<StartedService>,
  extraChecks: readonly ConfigCheck[] = [],
): void {
  // A bad LOG_LEVEL is one of the problems to report, so the report itself must not depend on it.
  const levelOk = process.env.LOG_LEVEL === undefined || process.env.LOG_LEVEL === '' || LOG_LEVELS.includes(process.env.LOG_LEVEL);
  const logger = createLogger(name, undefined, levelOk ? {} : { level: 'info' });
  const problems = configProblems(process.env, name, extraChecks);
  if (problems.length) {
    for (const problem of problems) logger.fatal(`configuration: ${problem}`);
    process.exit(1);
  }
  start(process.env, logger).then(
    ({ server, close }) => {
      logger.info({ url: server.url }, `${name} ready`);
      const delay = shutdownDelayMs(process.env);
      stopOnSignals(async () => {
        // Report not-ready first and keep serving while load balancers catch up, then drain.
        server.beginDrain();
        if (delay > 0) await sleep(delay);
        await server.stop();
        await close?.();
      }, logger);
    },
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
      process.exit(1);
    },
  );
}

/** Connects a subgraph to its own database as configured by MONGODB_URI and <NAME>_DB. */
export async function connectServiceDatabase(env: Env, name: SubgraphName): Promise<{ mongo: MongoClient; database: string }> {
  const { uri, database } = databaseConfig(env, name);
  return { mongo: await connectMongo(uri, { appName: `marketplace-${name}` }), database };
}
