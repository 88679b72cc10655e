// Prometheus metrics of one service: its own registry, so services sharing a process (tests) keep theirs apart.
//
// Label values are bounded: operation names (capped per service), error codes, subgraph, command
// and collection names, never ids, emails or tokens. Every metric carries `component`.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type Component = 'router' | 'users' | 'products' | 'orders';

/** An operation without a name. Parentheses cannot occur in a GraphQL name, so no operation can take these. */
export const UNNAMED_OPERATION = '(unnamed)';
/** A request answered before an operation was known (a refused body, a rate limit, a parse error). */
export const UNKNOWN_OPERATION = '(unknown)';
/** Any name past the first MAX_OPERATION_NAMES a service has seen. */
export const OTHER_OPERATION = '(other)';
export const MAX_OPERATION_NAMES = 200;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

export type Outcome = 'success' | 'error';

export function createServiceMetrics(component: Component, options: { runtime?: boolean } = {}) {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  // Event loop lag, heap, GC, CPU and handles of the Node process.
  if (options.runtime ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const registers = [registry];

  const operations = new Set<string>();
  /** The label for an operation name: the name itself while the service has seen few, else OTHER_OPERATION. */
  const operationLabel = (name: string | null | undefined): string => {
    if (name === undefined) return UNKNOWN_OPERATION;
    if (name === null || name === '') return UNNAMED_OPERATION;
    if (!GRAPHQL_NAME.test(name)) return OTHER_OPERATION;
    if (operations.has(name)) return name;
    if (operations.size >= MAX_OPERATION_NAMES) return OTHER_OPERATION;
    operations.add(name);
    return name;
  };

  const requests = new Counter({ name: 'graphql_requests_total', help: 'GraphQL requests by operation name and outcome', labelNames: ['operation', 'outcome'], registers });
  const requestDuration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to its response, by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors in responses, by operation name and extensions.code', labelNames: ['operation', 'code'], registers });
  const listeners: ((operation: string, codes: readonly string[]) => void)[] = [];

  return {
    registry,
    component,
    operationLabel,
    /** One request answered: `operation` from operationLabel, `codes` the extensions.code of each error. */
    request(operation: string, seconds: number, codes: readonly string[]) {
      const outcome: Outcome = codes.length ? 'error' : 'success';
      requests.inc({ operation, outcome });
      requestDuration.observe({ operation, outcome }, seconds);
      for (const code of codes) errors.inc({ operation, code });
      for (const listener of listeners) listener(operation, codes);
    },
    /** Told of every request counted (the router counts its refusals by code). */
    onRequest(listener: (operation: string, codes: readonly string[]) => void) {
      listeners.push(listener);
    },
    counter(name: string, help: string, labelNames: readonly string[] = []) {
      return new Counter({ name, help, labelNames, registers });
    },
    gauge(name: string, help: string, labelNames: readonly string[] = []) {
      return new Gauge({ name, help, labelNames, registers });
    },
    histogram(name: string, help: string, labelNames: readonly string[] = [], kind: 'latency' | 'size' = 'latency') {
      return new Histogram({ name, help, labelNames, buckets: kind === 'latency' ? LATENCY_BUCKETS : BATCH_BUCKETS, registers });
    },
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

/** Observes each batch a DataLoader sends (its size), under the loader's name. */
export type BatchObserver = (size: number) => void;

/** The batch-size observer of each loader, by its name. */
export type LoaderBatches = (loader: string) => BatchObserver | undefined;

/** Made once per service (it registers the histogram); observers of nothing when metrics are off. */
export function dataLoaderBatches(metrics: ServiceMetrics | undefined): LoaderBatches {
  if (!metrics) return () => undefined;
  const sizes = metrics.histogram('dataloader_batch_size', 'Keys per DataLoader batch (one database query each)', ['loader'], 'size');
  return (loader) => (size) => sizes.observe({ loader }, size);
}
