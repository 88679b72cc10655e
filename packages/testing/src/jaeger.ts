// Runs a throwaway Jaeger v2 (in-memory storage, OTLP/HTTP in, query API out) on free loopback ports, and reads traces back from it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild, trackChild } from './database/child-cleanup.ts';
import { freePort, portAcceptsConnections } from './database/free-port.ts';
import { ensureJaeger } from './jaeger-build.ts';

export { ensureJaeger, JAEGER_VERSION, jaegerCachePath } from './jaeger-build.ts';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const PORT_ATTEMPTS = 3;
const KEPT_OUTPUT_LINES = 200;
const DEFAULT_WAIT_MS = 30_000;
const POLL_MS = 200;

export type JaegerTagValue = string | number | boolean;

export interface JaegerLog {
  /** Microseconds since the epoch. */
  timestamp: number;
  fields: Record<string, JaegerTagValue>;
}

export interface JaegerSpan {
  /** 32 lowercase hex digits, as in a W3C traceparent. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** The CHILD_OF reference's span id: the parent span, which may be a remote caller not in this trace. */
  parentSpanId: string | undefined;
  operationName: string;
  /** The resource's service.name, resolved from the trace's processes. */
  serviceName: string;
  /** Span attributes plus Jaeger's own (span.kind, otel.status_code, error, otel.scope.name, …). */
  tags: Record<string, JaegerTagValue>;
  /** Resource attributes other than service.name. */
  processTags: Record<string, JaegerTagValue>;
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  /** Span events. */
  logs: JaegerLog[];
  /** Every reference as Jaeger reports it (CHILD_OF for the parent, FOLLOWS_FROM for links). */
  references: { refType: string; traceId: string; spanId: string }[];
  warnings: string[];
}

export interface JaegerTrace {
  traceId: string;
  spans: JaegerSpan[];
}

export interface TracesQuery {
  /** At most this many traces (Jaeger's `limit`); 20 unless told. */
  limit?: number;
  operation?: string;
  /** Only traces that started within this many milliseconds before now. */
  lookbackMs?: number;
}

export interface Jaeger {
  /** OTLP/HTTP base URL (no /v1/traces), e.g. for OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpHttpUrl: string;
  /** `${otlpHttpUrl}/v1/traces`, for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or a plain POST. */
  otlpTracesUrl: string;
  /** Base URL of the query service (HTTP API under /api). */
  queryUrl: string;
  /** Recent traces that have a span of `service`, newest first. */
  traces(service: string, query?: TracesQuery): Promise<JaegerTrace[]>;
  /** The trace as stored so far, or undefined when Jaeger has none of its spans. */
  trace(traceId: string): Promise<JaegerTrace | undefined>;
  /** Polls until the trace exists and satisfies `predicate` (any trace does by default); throws with what it saw on timeout. */
  waitForTrace(traceId: string, predicate?: (trace: JaegerTrace) => boolean, timeoutMs?: number): Promise<JaegerTrace>;
  /** Service names Jaeger has received spans from. */
  services(): Promise<string[]>;
  /** The last lines Jaeger printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartJaegerOptions {
  /** A Jaeger v2 binary; by default `ensureJaeger()` (JAEGER_BIN, or the cached build). */
  binary?: string;
  log?: (line: string) => void;
}

// ---- the query API's JSON (the v1 "UI" model) ----

interface RawKeyValue {
  key: string;
  type?: string;
  value: unknown;
}

interface RawSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[] | null;
  startTime: number;
  duration: number;
  tags?: RawKeyValue[] | null;
  logs?: { timestamp: number; fields?: RawKeyValue[] | null }[] | null;
  processID: string;
  warnings?: string[] | null;
}

interface RawTrace {
  traceID: string;
  spans: RawSpan[];
  processes: Record<string, { serviceName: string; tags?: RawKeyValue[] | null }>;
}

interface RawResponse<T> {
  data: T | null;
  errors?: { code: number; msg: string }[] | null;
}

/** Jaeger prints a trace id whose high 64 bits are zero as 16 digits; OpenTelemetry always uses 32. */
const traceIdOf = (id: string): string => id.toLowerCase().padStart(32, '0');

function tagValue(kv: RawKeyValue): JaegerTagValue {
  const { value } = kv;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

const toRecord = (kvs: RawKeyValue[] | null | undefined): Record<string, JaegerTagValue> =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, tagValue(kv)]));

function toTrace(raw: RawTrace): JaegerTrace {
  const spans = raw.spans.map((span): JaegerSpan => {
    const process = raw.processes[span.processID];
    const references = (span.references ?? []).map((ref) => ({ refType: ref.refType, traceId: traceIdOf(ref.traceID), spanId: ref.spanID }));
    return {
      traceId: traceIdOf(span.traceID),
      spanId: span.spanID,
      parentSpanId: references.find((ref) => ref.refType === 'CHILD_OF')?.spanId,
      operationName: span.operationName,
      serviceName: process?.serviceName ?? '',
      tags: toRecord(span.tags),
      processTags: toRecord(process?.tags),
      startTime: span.startTime,
      duration: span.duration,
      logs: (span.logs ?? []).map((entry) => ({ timestamp: entry.timestamp, fields: toRecord(entry.fields) })),
      references,
      warnings: span.warnings ?? [],
    };
  });
  spans.sort((a, b) => a.startTime - b.startTime);
  return { traceId: traceIdOf(raw.traceID), spans };
}

/** One line per span, for a timeout's message. */
export function describeTrace(trace: JaegerTrace): string {
  return trace.spans
    .map((span) => `  ${span.spanId} ← ${span.parentSpanId ?? '(root)'} ${span.serviceName}: ${span.operationName} [${String(span.tags['span.kind'] ?? '')}]`)
    .join('\n');
}

function config(ports: { otlpHttp: number; queryHttp: number; queryGrpc: number }): string {
  // Every listener on loopback and on a port picked for this run: the OTLP/HTTP receiver and the query
  // service's HTTP and gRPC servers. OTLP/gRPC, the collector's own metrics and the health check are off.
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    resource:
      service.name: jaeger
    metrics:
      level: none
    logs:
      level: info

extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memstore
    # Its own spans would land in the traces under test.
    enable_tracing: false
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}

receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}

processors:
  batch:
    timeout: 100ms

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

class PortClashError extends Error {}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function unrefStream(stream: unknown): void {
  // Pipes to a child are sockets at runtime; unref'd they don't keep the event loop alive.
  if (typeof stream === 'object' && stream !== null && 'unref' in stream && typeof stream.unref === 'function') stream.unref();
}

function captureOutput(child: ChildProcess): string[] {
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').trimEnd().split('\n'));
    lines.splice(0, Math.max(0, lines.length - KEPT_OUTPUT_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return lines;
}

async function getJson<T>(url: string): Promise<{ status: number; body: RawResponse<T> | undefined; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  let body: RawResponse<T> | undefined;
  try {
    body = JSON.parse(text) as RawResponse<T>;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
}

async function queryAnswers(queryUrl: string): Promise<boolean> {
  try {
    return (await getJson<string[]>(`${queryUrl}/api/services`)).status === 200;
  } catch {
    return false;
  }
}

async function otlpAccepts(otlpTracesUrl: string, port: number): Promise<boolean> {
  if (!(await portAcceptsConnections(port, 500))) return false;
  try {
    // An export with no spans: proves the receiver decodes OTLP/HTTP JSON without storing anything.
    const response = await fetch(otlpTracesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceSpans: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function launch(binary: string, log: (line: string) => void): Promise<Jaeger> {
  const ports = { otlpHttp: await freePort(), queryHttp: await freePort(), queryGrpc: await freePort() };
  if (new Set(Object.values(ports)).size !== 3) throw new PortClashError('the same free port was handed out twice');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'marketplace-jaeger-'));
  const configFile = path.join(dir, 'config.yaml');
  await writeFile(configFile, config(ports));
  const args = ['--config', `file:${configFile}`];

  const started = Date.now();
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const untrack = trackChild(child, dir);
  child.unref();
  unrefStream(child.stdout);
  unrefStream(child.stderr);
  const output = captureOutput(child);
  const outputText = (): string => output.join('\n');
  let stopping = false;
  let ready = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  void exited.then((exit) => {
    // Before it is ready, the start-up error below reports the exit.
    if (ready && !stopping) log(`Jaeger (query on port ${ports.queryHttp}) exited unexpectedly (${exit.error?.message ?? exit.code ?? exit.signal})\n--- Jaeger output ---\n${outputText() || '(none)'}`);
  });

  const otlpHttpUrl = `http://127.0.0.1:${ports.otlpHttp}`;
  const otlpTracesUrl = `${otlpHttpUrl}/v1/traces`;
  const queryUrl = `http://127.0.0.1:${ports.queryHttp}`;

  let exit: Exit | undefined;
  while (!ready && Date.now() - started <= READY_TIMEOUT_MS) {
    const outcome = await Promise.race([
      (async () => (await queryAnswers(queryUrl)) && (await otlpAccepts(otlpTracesUrl, ports.otlpHttp)))(),
      exited,
    ]);
    if (typeof outcome === 'object') {
      exit = outcome;
      break;
    }
    ready = outcome;
    if (!ready) await sleep(100);
  }
  if (!ready) {
    stopping = true;
    child.kill('SIGKILL');
    await exited;
    untrack();
    await rm(dir, { recursive: true, force: true });
    const text = outputText();
    if (/address already in use/i.test(text)) throw new PortClashError(`a port of ${JSON.stringify(ports)} was taken meanwhile`);
    const why = exit === undefined
      ? `did not answer on ${queryUrl} and ${otlpTracesUrl} within ${READY_TIMEOUT_MS / 1000} s`
      : `exited before it was ready (${exit.error?.message ?? `code ${exit.code ?? exit.signal}`})`;
    throw new Error(`Jaeger ${why}: ${binary} ${args.join(' ')}\n--- config ---\n${config(ports)}--- Jaeger output ---\n${text || '(none)'}`);
  }
  log(`Jaeger ready in ${Date.now() - started} ms: OTLP/HTTP ${otlpHttpUrl}, query ${queryUrl}`);

  const trace = async (traceId: string): Promise<JaegerTrace | undefined> => {
    const id = traceIdOf(traceId);
    const { status, body, text } = await getJson<RawTrace[]>(`${queryUrl}/api/traces/${id}`);
    if (status === 404) return undefined;
    if (status !== 200 || body === undefined) throw new Error(`Jaeger answered ${status} for trace ${id}: ${text.slice(0, 500)}`);
    const raw = body.data?.[0];
    return raw === undefined ? undefined : toTrace(raw);
  };

  const traces = async (service: string, query: TracesQuery = {}): Promise<JaegerTrace[]> => {
    const params = new URLSearchParams({ service, limit: String(query.limit ?? 20) });
    if (query.operation !== undefined) params.set('operation', query.operation);
    if (query.lookbackMs !== undefined) {
      const end = Date.now() * 1000;
      params.set('start', String(end - query.lookbackMs * 1000));
      params.set('end', String(end));
    }
    const { status, body, text } = await getJson<RawTrace[]>(`${queryUrl}/api/traces?${params}`);
    if (status !== 200 || body === undefined) throw new Error(`Jaeger answered ${status} for traces of ${service}: ${text.slice(0, 500)}`);
    const found = (body.data ?? []).map(toTrace);
    const startOf = (t: JaegerTrace): number => t.spans[0]?.startTime ?? 0;
    return found.sort((a, b) => startOf(b) - startOf(a));
  };

  const services = async (): Promise<string[]> => {
    const { status, body, text } = await getJson<string[]>(`${queryUrl}/api/services`);
    if (status !== 200 || body === undefined) throw new Error(`Jaeger answered ${status} for services: ${text.slice(0, 500)}`);
    return [...(body.data ?? [])].sort();
  };

  const waitForTrace = async (traceId: string, predicate: (trace: JaegerTrace) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<JaegerTrace> => {
    const deadline = Date.now() + timeoutMs;
    let last: JaegerTrace | undefined;
    let failure: unknown;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Jaeger is not running (it exited with ${child.exitCode ?? child.signalCode}) while waiting for trace ${traceId}\n--- Jaeger output ---\n${outputText()}`);
      }
      try {
        last = await trace(traceId);
        failure = undefined;
      } catch (error) {
        // A slow answer under load is no reason to give up before the deadline.
        failure = error;
      }
      if (last !== undefined && predicate(last)) return last;
      if (Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
    const seen = last === undefined ? 'Jaeger has no span of it' : `Jaeger has ${last.spans.length} span(s):\n${describeTrace(last)}`;
    const queryFailure = failure === undefined ? '' : `\nthe last query failed: ${failure instanceof Error ? failure.message : String(failure)}`;
    throw new Error(
      `trace ${traceId} did not satisfy the condition within ${timeoutMs} ms; ${seen}${queryFailure}\nservices: ${(await services().catch(() => [])).join(', ') || '(none)'}\n` +
        `--- Jaeger output (last lines) ---\n${output.slice(-20).join('\n')}`,
    );
  };

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopping = true;
    await stopChild(child, exited, STOP_GRACE_MS);
    untrack();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };

  return {
    otlpHttpUrl,
    otlpTracesUrl,
    queryUrl,
    traces,
    trace,
    waitForTrace,
    services,
    output: outputText,
    stop: () => (stopped ??= stop()),
  };
}

const defaultLog = (line: string): void => {
  process.stderr.write(`[jaeger] ${line}\n`);
};

/**
 * Starts Jaeger v2 with in-memory storage on free loopback ports (building it first if the cache lacks it,
 * which takes minutes: run `ensureJaeger()` ahead, e.g. in a global setup). It is killed when this process exits.
 */
export async function startJaeger(options: StartJaegerOptions = {}): Promise<Jaeger> {
  const log = options.log ?? defaultLog;
  const binary = options.binary ?? (await ensureJaeger(log));
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(binary, log);
    } catch (error) {
      if (!(error instanceof PortClashError) || attempt >= PORT_ATTEMPTS) throw error;
      log(`${error.message}; retrying on other ports`);
    }
  }
}
