// OpenTelemetry traces, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set.
//
// Off, nothing is registered: the API's no-op tracer answers, and the code here checks
// `tracingEnabled()` first so that hot paths (resolvers, database commands) add no work.
// On, each process has one tracer provider; a request continues a valid incoming W3C
// `traceparent`, or starts a new trace.
import type { IncomingHttpHeaders } from 'node:http';
import type { Attributes, Context, Span, SpanKind as SpanKindValue } from '@opentelemetry/api';
import { otel } from './otel-api.ts';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Env } from '../config.ts';

const { context, propagation, SpanKind, SpanStatusCode, trace, isSpanContextValid } = otel;

let enabled = false;
const tracer = trace.getTracer('@marketplace/service-kit');

/** True once startTracing has registered an exporter in this process. */
export function tracingEnabled(): boolean {
  return enabled;
}

export interface Tracing {
  /** Where spans go, or undefined when tracing is off. */
  endpoint: string | undefined;
  /** Sends the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/** The OTLP/HTTP traces URL of the environment, if any. */
export function otlpTracesUrl(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG as the specification names them; parentbased_always_on by default. */
export function samplerOf(env: Env): Sampler {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const fraction = Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
  switch (env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(fraction);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(fraction) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The batch processor's settings from the specification's OTEL_BSP_* variables (the SDK no longer reads them itself). */
export function batchSettingsOf(env: Env) {
  const read = (name: string) => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const settings = {
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT'),
    maxQueueSize: read('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<Record<keyof typeof settings, number>>;
}

/** A span marked so is left out of the export: a resolver that answered without waiting on anything. */
const DROP = 'marketplace.drop';

class DroppingProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  constructor(next: SpanProcessor) {
    this.#next = next;
  }
  onStart(span: Parameters<SpanProcessor['onStart']>[0], parent: Context): void {
    this.#next.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    if (span.attributes[DROP] !== true) this.#next.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.#next.shutdown();
  }
}

/** Registers the process's tracer provider when an OTLP endpoint is configured; `service` names it unless OTEL_SERVICE_NAME does. */
export function startTracing(service: string, env: Env): Tracing {
  const url = otlpTracesUrl(env);
  if (!url || enabled) return { endpoint: enabled ? url : undefined, shutdown: async () => {} };
  const resource = resourceFromAttributes({ 'service.name': `marketplace-${service}` }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(env),
    spanProcessors: [new DroppingProcessor(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), ...batchSettingsOf(env) }))],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enabled = true;
  return {
    endpoint: url,
    async shutdown() {
      await provider.shutdown();
    },
  };
}

/** `trace_id` and `span_id` of the active span, for every log line written inside a traced request. */
export function traceLogFields(): Record<string, string> {
  if (!enabled) return {};
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

const headerGetter = {
  keys: (headers: IncomingHttpHeaders) => Object.keys(headers),
  get: (headers: IncomingHttpHeaders, key: string) => headers[key],
};

/** The server span of an incoming request, under the caller's `traceparent` when it is valid; undefined when tracing is off. */
export function startServerSpan(method: string, path: string, headers: IncomingHttpHeaders): { span: Span; context: Context } | undefined {
  if (!enabled) return undefined;
  const parent = propagation.extract(context.active(), headers, headerGetter);
  const span = tracer.startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Adds the active span's `traceparent` to outgoing request headers (a subgraph fetch, a stock call). */
export function injectTraceHeaders(set: (name: string, value: string) => void): void {
  if (!enabled) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, key, value) => set(key, value) });
}

function endWith(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
  span.end();
}

/** Runs `work` in a span of its own (a child of the active one); only the call itself when tracing is off. */
export async function inSpan<T>(name: string, options: { kind?: SpanKindValue; attributes?: Attributes }, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      const result = await work();
      span.end();
      return result;
    } catch (error) {
      endWith(span, error);
      throw error;
    }
  });
}

type AnyFunction = (...args: never[]) => unknown;
const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/**
 * Wraps a resolver in a span `resolve Type.field`, active while it runs, so the database commands it
 * sends are its children. A resolver that answers without a promise did no I/O: its span is dropped.
 */
export function tracedResolver<F extends AnyFunction>(name: string, resolve: F): F {
  return function traced(this: unknown, ...args: Parameters<F>) {
    if (!enabled || !trace.getSpan(context.active())?.isRecording()) return resolve.apply(this, args);
    return tracer.startActiveSpan(name, (span) => {
      let result: unknown;
      try {
        result = resolve.apply(this, args);
      } catch (error) {
        endWith(span, error);
        throw error;
      }
      if (!isThenable(result)) {
        span.setAttribute(DROP, true);
        span.end();
        return result;
      }
      return Promise.resolve(result).then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          endWith(span, error);
          throw error;
        },
      );
    });
  } as F;
}

/** Every function of a resolver map (fields and __resolveReference), each in its own span when tracing is on; the map itself when off. */
export function traceResolvers<R extends Record<string, unknown>>(resolvers: R): R {
  if (!enabled) return resolvers;
  const traced: Record<string, unknown> = {};
  for (const [typeName, fields] of Object.entries(resolvers)) {
    if (typeof fields !== 'object' || fields === null || Object.getPrototypeOf(fields) !== Object.prototype) {
      traced[typeName] = fields; // scalars and enums
      continue;
    }
    traced[typeName] = Object.fromEntries(
      Object.entries(fields).map(([field, value]) => [field, typeof value === 'function' ? tracedResolver(`resolve ${typeName}.${field}`, value as AnyFunction) : value]),
    );
  }
  return traced as R;
}

export { context as traceContext, SpanKind, SpanStatusCode, trace };
export type { Span };
