// MongoDB commands and the connection pool, from the driver's monitoring events: a latency histogram
// by command and collection, pool gauges, and a client span per command of a traced request.
import type { Span } from '@opentelemetry/api';
import { otel } from './otel-api.ts';
import type { CommandFailedEvent, CommandStartedEvent, CommandSucceededEvent, MongoClient } from 'mongodb';
import type { ServiceMetrics } from './metrics.ts';
import { tracingEnabled } from './tracing.ts';

const { SpanKind, SpanStatusCode, context, trace } = otel;

const tracer = trace.getTracer('@marketplace/service-kit/mongodb');

/** Commands the driver sends on its own (handshakes, heartbeats): neither timed nor traced. */
const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'saslStart', 'saslContinue', 'endSessions', 'buildInfo', 'getParameter']);

/** The collection a command is about: the value of its first key (find: "orders"), or getMore's `collection`. */
function collectionOf(event: CommandStartedEvent): string {
  const command = event.command as Record<string, unknown>;
  const target = event.commandName === 'getMore' ? command.collection : command[event.commandName];
  return typeof target === 'string' ? target : '';
}

const instrumented = new WeakSet<MongoClient>();

/**
 * Once per client, best before it connects (connectMongo does so), so the pool gauges see every
 * connection. Command events need a client made with `monitorCommands`.
 */
export function instrumentMongo(client: MongoClient, metrics: ServiceMetrics | undefined): void {
  const tracing = tracingEnabled();
  if ((!metrics && !tracing) || instrumented.has(client)) return;
  instrumented.add(client);

  const duration = metrics?.histogram('mongodb_command_duration_seconds', 'MongoDB command round trips by command, collection and outcome', ['command', 'collection', 'outcome']);
  const inFlight = new Map<number, { command: string; collection: string; span: Span | undefined }>();

  client.on('commandStarted', (event: CommandStartedEvent) => {
    if (HOUSEKEEPING.has(event.commandName)) return;
    const collection = collectionOf(event);
    let span: Span | undefined;
    // Only inside a traced request: sweeps and start-up work would each make a trace of their own.
    if (tracing && trace.getSpan(context.active())?.isRecording()) {
      span = tracer.startSpan(`${event.commandName} ${collection}`.trim(), {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'mongodb',
          'db.namespace': event.databaseName,
          'db.collection.name': collection,
          'db.operation.name': event.commandName,
        },
      });
    }
    inFlight.set(event.requestId, { command: event.commandName, collection, span });
  });
  const finish = (event: CommandSucceededEvent | CommandFailedEvent, outcome: 'success' | 'error') => {
    const started = inFlight.get(event.requestId);
    if (!started) return;
    inFlight.delete(event.requestId);
    duration?.observe({ command: started.command, collection: started.collection, outcome }, event.duration / 1000);
    if (started.span) {
      if (outcome === 'error') started.span.setStatus({ code: SpanStatusCode.ERROR, message: (event as CommandFailedEvent).failure?.name ?? 'error' });
      started.span.end();
    }
  };
  client.on('commandSucceeded', (event: CommandSucceededEvent) => finish(event, 'success'));
  client.on('commandFailed', (event: CommandFailedEvent) => finish(event, 'error'));

  if (!metrics) return;
  const inUse = metrics.gauge('mongodb_pool_connections_in_use', 'Connections checked out of the MongoDB pool');
  const open = metrics.gauge('mongodb_pool_connections_open', 'Connections the MongoDB pool holds open');
  client.on('connectionCheckedOut', () => inUse.inc());
  client.on('connectionCheckedIn', () => inUse.dec());
  client.on('connectionCreated', () => open.inc());
  client.on('connectionClosed', () => open.dec());
}
