// The load generator of telemetry-overhead.ts: a process of its own (forked with an IPC channel), so its
// CPU is never counted as the measured services'. Each message is one autocannon round; the answer is its summary.
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
}

export interface LoadResult {
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
}

interface AutocannonResult {
  start: Date;
  finish: Date;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number };
}

type Autocannon = (options: { url: string; connections: number; duration: number; requests: LoadRequest[] }) => Promise<AutocannonResult>;

// autocannon is CommonJS without type declarations: the few fields read here are typed above.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

process.on('message', (job: LoadJob) => {
  autocannon({ url: job.origin, connections: job.connections, duration: job.seconds, requests: job.requests }).then(
    (result) => {
      const answer: LoadResult = {
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
        p50: result.latency.p50,
        p99: result.latency.p99,
      };
      process.send!({ result: answer });
    },
    (error: unknown) => process.send!({ error: String(error) }),
  );
});
// The parent gone (finished, or killed): nothing left to do.
process.on('disconnect', () => process.exit(0));
