// Calls a subgraph, forwarding the caller's token so the subgraph can verify it again; each fetch is timed and traced.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectTraceHeaders, inSpan, REQUEST_ID_HEADER, SpanKind, tracingEnabled } from '@marketplace/service-kit';
import type { RouterContext } from './context.ts';
import { mergeKey, type InFlightRequests } from './inflight.ts';
import type { RouterMetrics } from './metrics.ts';

/** A fetch that failed outright (no answer, not JSON, a 5xx without GraphQL errors). */
type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource<RouterContext>['process']>>;

/** What a subgraph's Cache-Control allows, applied to the incoming request's policy (as the data source does for its own fetches). */
function restrictCachePolicy(options: GraphQLDataSourceProcessOptions<RouterContext>, header: string | null): void {
  if (!('incomingRequestContext' in options)) return;
  const policy = options.incomingRequestContext.overallCachePolicy;
  const maxAge = /(?:^|,)\s*max-age=(\d+)\s*(?:,|$)/.exec(header ?? '')?.[1];
  const scope = /(?:^|,)\s*private\s*(?:,|$)/.test(header ?? '') ? 'PRIVATE' : /(?:^|,)\s*public\s*(?:,|$)/.test(header ?? '') ? 'PUBLIC' : undefined;
  policy.restrict({ maxAge: maxAge === undefined || /no-store/.test(header ?? '') ? 0 : Number(maxAge), ...(scope ? { scope } : {}) });
}

export const SUBGRAPH_FETCH_FAILED = 'SUBGRAPH_FETCH_FAILED';

export class AuthForwardingDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #subgraph: string;
  readonly #metrics: RouterMetrics | undefined;
  readonly #inFlight: InFlightRequests | undefined;

  /** `inFlight`: identical reads in flight share one fetch (see inflight.ts); each its own when left out. `fetcher`: the connection pool (subgraph-pool.ts). */
  constructor(options: { subgraph: string; url: string; metrics?: RouterMetrics | undefined; inFlight?: InFlightRequests | undefined; fetcher?: RemoteGraphQLDataSource['fetcher'] | undefined }) {
    super({ url: options.url, ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
    this.#subgraph = options.subgraph;
    this.#metrics = options.metrics;
    this.#inFlight = options.inFlight;
  }

  override process(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<SubgraphResponse> {
    const { context } = options;
    const authorization = 'authorization' in context ? context.authorization : undefined;
    const key = this.#inFlight ? mergeKey(this.#subgraph, authorization ?? undefined, options.request) : undefined;
    if (!key) return this.#fetch(options);
    if (!this.#inFlight!.has(key)) return this.#inFlight!.run(key, () => this.#fetch(options));
    this.#metrics?.merged(this.#subgraph);
    // The first caller's fetch restricted its own cache policy from the subgraph's Cache-Control; a
    // merged caller must restrict its own from the same header, or it could keep what it may not.
    return this.#inFlight!.run(key, () => this.#fetch(options)).then((answer) => {
      restrictCachePolicy(options, answer.http?.headers.get('cache-control') ?? null);
      return answer;
    });
  }

  async #fetch(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<SubgraphResponse> {
    const fetch = () => super.process(options);
    if (!this.#metrics && !tracingEnabled()) return fetch();
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const response = await inSpan(`subgraph ${this.#subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.subgraph.name': this.#subgraph } }, fetch);
      const codes = (response.errors ?? []).map((error) => (typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR'));
      this.#metrics?.fetched(this.#subgraph, seconds(), codes);
      return response;
    } catch (error) {
      this.#metrics?.fetched(this.#subgraph, seconds(), [SUBGRAPH_FETCH_FAILED]);
      throw error;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    // Only the verified token travels on; any identity header a client made up stays behind.
    if ('authorization' in context && context.authorization) {
      request.http?.headers.set('authorization', context.authorization);
    }
    if ('requestId' in context) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    // The client's address as the router resolved it (behind TRUSTED_PROXIES), for per-address
    // sign-in throttles; a subgraph reads it only from a peer it trusts.
    if ('clientIp' in context && context.clientIp) request.http?.headers.set('x-forwarded-for', context.clientIp);
    // Kept with a new session, so the user can tell their sessions apart.
    if ('userAgent' in context && context.userAgent) request.http?.headers.set('user-agent', context.userAgent);
    // The subgraph's spans join this request's trace, under this fetch's span.
    injectTraceHeaders((name, value) => request.http?.headers.set(name, value));
  }
}
