// Serves an ApolloServer over node:http: /graphql, /healthz and /readyz, with a graceful stop.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { pinoHttp } from 'pino-http';
import type { Logger } from './logger.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { closeRequestRecord, linkRequestContext, noteRefusal, openRequestRecord } from './telemetry/graphql-telemetry.ts';
import type { ServiceMetrics } from './telemetry/metrics.ts';
import { SpanStatusCode, startServerSpan, traceContext } from './telemetry/tracing.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Runs before GraphQL on every /graphql request, in order (CORS, rate limits, ...): returns true
 * when it has answered the request itself, false to let it go on.
 */
export type HttpHook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** A GraphQL request as it arrived over HTTP, before GraphQL sees it. */
export interface IncomingGraphQLRequest {
  method: string;
  /** The parsed JSON body of a POST; undefined for GET. */
  body: unknown;
  /** The query string, with its leading "?" (or empty). */
  search: string;
}

/** Rewrites a request before GraphQL runs it (a persisted document's id to its text), or refuses it with a status and GraphQL errors. */
export type RequestRewriter = (request: IncomingGraphQLRequest) => Pick<IncomingGraphQLRequest, 'body' | 'search'> | { refuse: { status: number; errors: { message: string; extensions: { code: string } }[] } };

/** A plain JSON endpoint beside /graphql (GET only): the users service's key list and revocation view. */
export type JsonRoute = (url: URL) => Promise<unknown>;

export interface HttpServerOptions<TContext extends BaseContext> {
  hooks?: readonly HttpHook[];
  /** GET endpoints by path, answered with the JSON they resolve to. */
  routes?: Readonly<Record<string, JsonRoute>>;
  /** Runs after the hooks, on the parsed request. */
  rewrite?: RequestRewriter;
  apollo: ApolloServer<TContext>;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Resolves when the service can take traffic (its database answers, ...). */
  ready?: () => Promise<boolean>;
  logger: Logger;
  /** Counts each GraphQL request by operation, outcome and error code; none when left out. */
  metrics?: ServiceMetrics;
}

export interface RunningServer {
  url: string;
  port: number;
  /** From now on /readyz answers 503, so load balancers send no new traffic; requests are still served. */
  beginDrain(): void;
  /** Stops accepting connections, finishes the requests in flight, then stops the service. */
  stop(): Promise<void>;
}

class RequestBodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestBodyError(413, 'request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(req.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    throw new RequestBodyError(400, 'request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function headerMapOf(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

const PROBES = new Set(['/healthz', '/readyz']);

export function createHttpHandler<TContext extends BaseContext>(options: HttpServerOptions<TContext>) {
  const { apollo, context, ready, logger, metrics } = options;
  const hooks = options.hooks ?? [];
  const requestId = (req: IncomingMessage, res: ServerResponse) => {
    const id = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, id);
    return id;
  };
  // One access log line per request (at info), carrying the request id the gateway passes on to the
  // subgraphs. At warn and above no such line is written, so the request's id is all that is set:
  // pino-http would still serialize and redact the request into a child logger for nothing.
  const accessLog = logger.isLevelEnabled('info')
    ? pinoHttp({
        logger,
        genReqId: requestId,
        autoLogging: { ignore: (req) => PROBES.has((req.url ?? '/').split('?', 1)[0]!) },
        quietReqLogger: true,
      })
    : (req: IncomingMessage, res: ServerResponse) => {
        req.id ??= requestId(req, res);
      };
  const serve = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      for (const hook of hooks) if (await hook(req, res)) return;
      const method = req.method ?? 'GET';
      let incoming: Pick<IncomingGraphQLRequest, 'body' | 'search'> = { body: await readBody(req), search: url.search };
      if (options.rewrite && method !== 'OPTIONS') {
        const rewritten = options.rewrite({ method, ...incoming });
        if ('refuse' in rewritten) {
          noteRefusal(req, rewritten.refuse.errors.map((e) => e.extensions.code));
          return sendJson(res, rewritten.refuse.status, { errors: rewritten.refuse.errors });
        }
        incoming = rewritten;
      }
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: headerMapOf(req), search: incoming.search, body: incoming.body },
        context: async () => {
          const value = await context(req);
          linkRequestContext(req, value);
          return value;
        },
      });
      for (const [key, value] of response.headers) {
        if (key === 'vary') res.appendHeader(key, value);
        else res.setHeader(key, value);
      }
      // Every answer depends on who asks: a shared cache keys it by the credentials too.
      res.appendHeader('vary', 'Authorization');
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
        return;
      }
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof RequestBodyError) {
        noteRefusal(req, ['BAD_REQUEST']);
        // The rest of a refused body is never read, so the connection cannot carry another request.
        if (error.status === 413) res.setHeader('connection', 'close');
        return sendJson(res, error.status, { errors: [{ message: error.message }] });
      }
      logger.error({ err: error }, 'request failed outside GraphQL execution');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.end();
    }
  };

  /** A GraphQL request: counted when it ends, and in a server span of its own while tracing is on. */
  const serveGraphQL = (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const record = metrics ? openRequestRecord(req) : undefined;
    const traced = startServerSpan(req.method ?? 'GET', url.pathname, req.headers);
    // With neither on, a request costs no listener.
    if (record || traced) {
      res.once('close', () => {
        if (record) closeRequestRecord(record, metrics!);
        if (traced) {
          traced.span.setAttribute('http.response.status_code', res.statusCode);
          if (res.statusCode >= 500) traced.span.setStatus({ code: SpanStatusCode.ERROR });
          traced.span.end();
        }
      });
    }
    if (!traced) {
      accessLog(req, res);
      return serve(req, res, url);
    }
    return traceContext.with(traced.context, () => {
      accessLog(req, res);
      return serve(req, res, url);
    });
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql' || url.pathname === '/') return serveGraphQL(req, res, url);
    accessLog(req, res);
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ok = await (ready?.() ?? Promise.resolve(true)).catch(() => false);
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable' });
    }
    const route = options.routes?.[url.pathname];
    if (route && req.method === 'GET') {
      try {
        return sendJson(res, 200, await route(url));
      } catch (error) {
        logger.error({ err: error }, `${url.pathname} failed`);
        return sendJson(res, 500, { error: 'internal error' });
      }
    }
    return sendJson(res, 404, { errors: [{ message: 'not found: GraphQL is served at /graphql' }] });
  };
}

export async function listen(server: Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return { url: `http://${shownHost}:${address.port}/graphql`, port: address.port };
}
