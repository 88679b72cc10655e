// Process entry: start a service from the environment, log where it serves, drain on SIGTERM or SIGINT.
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
import { databaseConfig, listenConfig, metricsPort, shutdownDelayMs, type Env, type SubgraphName } from './config.ts';
import { configProblems, LOG_LEVELS, type ConfigCheck, type ServiceName } from './config-check.ts';
import type { RunningServer } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { connectMongo } from './mongo.ts';
import { createServiceMetrics, type ServiceMetrics } from './telemetry/metrics.ts';
import { startMetricsServer, type MetricsServer } from './telemetry/metrics-server.ts';
import { startTracing } from './telemetry/tracing.ts';

/** What runService sets up before a service starts: its metrics (when METRICS_PORT is set). */
export interface ServiceTelemetry {
  metrics: ServiceMetrics | undefined;
}

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
  start: (env: Env, logger: Logger, telemetry: ServiceTelemetry) => Promise<StartedService>,
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
  // Before anything else, so every span of the service has a provider to go to.
  const tracing = startTracing(name, process.env);
  const port = metricsPort(process.env);
  const metrics = port === undefined ? undefined : createServiceMetrics(name);
  let metricsServer: MetricsServer | undefined;
  const started = async () => {
    const service = await start(process.env, logger, { metrics });
    if (metrics) metricsServer = await startMetricsServer(metrics, listenConfig(process.env, name).host, port!);
    return service;
  };
  started().then(
    ({ server, close }) => {
      logger.info({ url: server.url, ...(metricsServer ? { metrics: metricsServer.url } : {}), ...(tracing.endpoint ? { traces: tracing.endpoint } : {}) }, `${name} ready`);
      const delay = shutdownDelayMs(process.env);
      stopOnSignals(async () => {
        // Report not-ready first and keep serving while load balancers catch up, then drain.
        server.beginDrain();
        if (delay > 0) await sleep(delay);
        await server.stop();
        await close?.();
        await metricsServer?.stop();
        await tracing.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'could not send the last spans'));
      }, logger);
    },
    (error: unknown) => {
      logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
      process.exit(1);
    },
  );
}

/** Connects a subgraph to its own database as configured by MONGODB_URI and <NAME>_DB, its commands and pool in `metrics`. */
export async function connectServiceDatabase(env: Env, name: SubgraphName, metrics?: ServiceMetrics): Promise<{ mongo: MongoClient; database: string }> {
  const { uri, database } = databaseConfig(env, name);
  return { mongo: await connectMongo(uri, { appName: `marketplace-${name}`, metrics }), database };
}
