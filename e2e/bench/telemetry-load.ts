// The load generator of telemetry-overhead.ts and gateways.ts: a process of its own (forked with an IPC
// channel), so its CPU is never counted as the measured services'. Each message is one autocannon round;
// the answer is its summary.
import { createRequire } from 'node:module';

export interface LoadRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadJob {
  /** The router's origin, http://127.0.0.1:<port>. */
  origin: string;
  /** Sent in turn by each connection, round and round. */
  requests: LoadRequest[];
  connections: number;
  seconds: number;
  /**
   * 'per-connection' (the default): each connection goes through `requests` from the first on, so
   * connections in step send the same request at once. 'shared': one turn for all connections, so
   * requests in flight at once are different ones (consecutive entries of `requests`).
   */
  rotation?: 'per-connection' | 'shared';
  /** Read every body and count those with a GraphQL `errors` entry (graphqlErrors in the result). */
  countGraphqlErrors?: boolean;
  /** Send this many requests in all (spread over the connections) instead of running for `seconds`. */
  amount?: number;
  /** How long a request may take before it counts as timed out (autocannon's default: 10 s). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** Requests sent, answered or not (those still in flight at the end are not answered). */
  sent: number;
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  /** The slowest answer, ms. */
  max: number;
  /**
   * From the start until the last answer, s: what an `amount` run took (autocannon's own start and
   * finish wait for its next whole-second tick).
   */
  answeredWithin: number;
  /** 2xx responses whose body had GraphQL errors, when the job asked for them to be counted. */
  graphqlErrors?: number;
  /** The first such body (shortened). */
  firstGraphqlError?: string;
}

interface AutocannonResult {
  start: Date;
  finish: Date;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number; max: number };
  requests: { sent: number };
}

interface AutocannonRequest extends Partial<LoadRequest> {
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  amount?: number;
  timeout?: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

// autocannon is CommonJS without type declarations: the few fields read here are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** Requests for autocannon: the job's as they are, or one entry that hands out the job's in one shared turn. */
function requestsOf(job: LoadJob, onResponse: NonNullable<AutocannonRequest['onResponse']>): AutocannonRequest[] {
  const observed = (request: AutocannonRequest): AutocannonRequest => ({ ...request, onResponse });
  if (job.rotation !== 'shared') return job.requests.map(observed);
  let turn = 0;
  const next = (request: AutocannonRequest): AutocannonRequest => {
    const { headers, body } = job.requests[turn++ % job.requests.length]!;
    return { ...request, headers, body };
  };
  const first = job.requests[0]!;
  return [observed({ method: first.method, path: first.path, setupRequest: next })];
}

process.on('message', (job: LoadJob) => {
  let graphqlErrors = 0;
  let firstGraphqlError: string | undefined;
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const onResponse = (status: number, body: string) => {
    lastAnswerAt = performance.now();
    if (!job.countGraphqlErrors || status < 200 || status >= 300 || !body.includes('"errors":')) return;
    graphqlErrors++;
    firstGraphqlError ??= body.slice(0, 500);
  };
  autocannon({
    url: job.origin,
    connections: job.connections,
    duration: job.seconds,
    ...(job.amount ? { amount: job.amount } : {}),
    ...(job.timeoutSeconds ? { timeout: job.timeoutSeconds } : {}),
    requests: requestsOf(job, onResponse),
  }).then(
    (result) => {
      const answer: LoadResult = {
        sent: result.requests.sent,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        answeredWithin: (lastAnswerAt - startedAt) / 1000,
        ...(job.countGraphqlErrors ? { graphqlErrors, ...(firstGraphqlError ? { firstGraphqlError } : {}) } : {}),
      };
      process.send!({ result: answer });
    },
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
// The parent gone (finished, or killed): nothing left to do.
process.on('disconnect', () => process.exit(0));
