// What the HTTP layer and Apollo Server's plugin hooks learn of one GraphQL request: its operation,
// its error codes and its time, for the request metrics; and spans for parsing and validation.
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Span } from '@opentelemetry/api';
import { otel } from './otel-api.ts';
import type { ServiceMetrics } from './metrics.ts';
import { tracingEnabled } from './tracing.ts';

const { context, SpanStatusCode, trace } = otel;

const tracer = trace.getTracer('@marketplace/service-kit/graphql');

export interface RequestRecord {
  startedAt: bigint;
  /** The operation's name once resolved (null: unnamed); undefined while unknown. */
  operation: string | null | undefined;
  /** extensions.code of every error the response carries. */
  codes: string[];
  /** GraphQL saw the request, or a refusal was noted: it is counted. */
  counted: boolean;
}

const byRequest = new WeakMap<IncomingMessage, RequestRecord>();
/**
 * Where a GraphQL context holds its request's record. A symbol key, because Apollo Server runs
 * each operation on a shallow copy of the context (so the object itself cannot be the key), and
 * the copy keeps enumerable symbol properties.
 */
const RECORD = Symbol('marketplace.requestRecord');
const recordOf = (contextValue: object) => (contextValue as { [RECORD]?: RequestRecord })[RECORD];

export function openRequestRecord(req: IncomingMessage): RequestRecord {
  const record: RequestRecord = { startedAt: process.hrtime.bigint(), operation: undefined, codes: [], counted: false };
  byRequest.set(req, record);
  return record;
}

/** Ties a request's GraphQL context to its record, so the plugin can fill it in. */
export function linkRequestContext(req: IncomingMessage, contextValue: object): void {
  const record = byRequest.get(req);
  if (record) (contextValue as { [RECORD]?: RequestRecord })[RECORD] = record;
}

/** A request refused before GraphQL ran it (a rate limit, a persisted document not allowed): counted under its codes. */
export function noteRefusal(req: IncomingMessage, codes: readonly string[]): void {
  const record = byRequest.get(req);
  if (!record) return;
  record.codes.push(...codes);
  record.counted = true;
}

/** Counts a finished request once, when GraphQL saw it or it was refused with a code. */
export function closeRequestRecord(record: RequestRecord, metrics: ServiceMetrics): void {
  if (!record.counted) return;
  record.counted = false;
  metrics.request(metrics.operationLabel(record.operation), Number(process.hrtime.bigint() - record.startedAt) / 1e9, record.codes);
}

function child(name: string): Span {
  return tracer.startSpan(name);
}

function end(span: Span, failed: boolean): void {
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Records operation names and error codes, and (with tracing on) adds parse and validate spans and names the request's span. */
export function graphqlTelemetryPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const record = recordOf(contextValue);
      const server = tracingEnabled() ? trace.getSpan(context.active()) : undefined;
      if (record) record.counted = true;
      if (!record && !server) return;
      return {
        async parsingDidStart() {
          if (!server) return;
          const span = child('graphql.parse');
          return async (error) => end(span, error !== undefined);
        },
        async validationDidStart() {
          if (!server) return;
          const span = child('graphql.validate');
          return async (errors) => end(span, (errors?.length ?? 0) > 0);
        },
        async didResolveOperation({ operationName, operation }) {
          if (record) record.operation = operationName;
          server?.setAttributes({ 'graphql.operation.name': operationName ?? '', 'graphql.operation.type': operation?.operation ?? '' });
        },
        async willSendResponse({ response }) {
          if (!record || response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            const code = error.extensions?.code;
            record.codes.push(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
          }
        },
      };
    },
  };
}
