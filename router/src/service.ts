// Builds and starts the gateway over the checked-in supergraph; main.ts and the tests share it.
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { TrustedKeys } from '@marketplace/auth';
import {
  compileTrustedProxies,
  createLimiterStore,
  routerRateLimits,
  startGraphQLService,
  type LimiterStore,
  type Logger,
  type RunningServer,
  type ServiceMetrics,
  type SubgraphName,
} from '@marketplace/service-kit';
import { corsOrigins, operationLimits, type OperationLimits } from './config.ts';
import { requestIdentity, routerContext, type RouterContext } from './context.ts';
import { AuthForwardingDataSource } from './data-source.ts';
import { InFlightRequests } from './inflight.ts';
import { countPlanCacheLookups, routerMetrics } from './metrics.ts';
import { readCostModel } from './plugins/cost-model.ts';
import { useCors } from './plugins/cors.ts';
import { tokenLimitErrorOf, useOperationLimits } from './plugins/operation-limits.ts';
import { useRateLimits } from './plugins/rate-limit.ts';
import { useResponseCache } from './plugins/response-cache.ts';
import { useTrustedDocuments, type TrustedDocumentsOptions } from './plugins/trusted-documents.ts';
import { subgraphPool } from './subgraph-pool.ts';
import { watchSessionRevocations } from './session-revocations.ts';
import { readSupergraph } from './supergraph.ts';

export { readManifests, PERSISTED_QUERY_CODES, type TrustedDocumentsOptions } from './plugins/trusted-documents.ts';

export interface RouterOptions {
  keys: TrustedKeys;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  supergraphSdl?: string;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
  /** Operation limits and MAX_COST; the defaults when left out. */
  limits?: Partial<OperationLimits>;
  /** Allowed browser origins; the development or production default when left out. */
  corsOrigins?: readonly string[];
  /** Requests per minute (0: off); the defaults when left out. */
  rateLimits?: Partial<{ userPerMinute: number; anonymousPerMinute: number }>;
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES); none when left out. */
  trustedProxies?: readonly string[];
  /** Where the rate limits count; memory in this process when left out. */
  limiterStore?: LimiterStore;
  /** The users service's revocation view; /revocations next to the users subgraph when left out. */
  revocationsUrl?: string;
  /** Persisted documents and how strictly they are required; none (any document runs) when left out. */
  persistedDocuments?: TrustedDocumentsOptions;
  /** The router's metrics (METRICS_PORT); none when left out. */
  metrics?: ServiceMetrics | undefined;
  /** Merge identical subgraph reads in flight (same subgraph, body and token); on when left out. */
  mergeInFlight?: boolean;
  /** Keep answers in memory per caller as the subgraphs' @cacheControl hints allow (plugins/response-cache.ts); on when left out. */
  responseCache?: boolean;
}

export async function startRouter(options: RouterOptions): Promise<RunningServer> {
  const supergraphSdl = options.supergraphSdl ?? readSupergraph();
  const limits = { ...operationLimits({}), ...options.limits };
  const rateLimits = { ...routerRateLimits({}), ...options.rateLimits };
  const ownStore = options.limiterStore ? undefined : createLimiterStore({ logger: options.logger });
  const store = options.limiterStore ?? ownStore!;
  const revocations = watchSessionRevocations({ url: options.revocationsUrl ?? new URL('/revocations', options.subgraphUrls.users).href, logger: options.logger });
  const calls = requestIdentity(options.keys, compileTrustedProxies(options.trustedProxies ?? []), revocations);
  const metrics = options.metrics ? routerMetrics(options.metrics) : undefined;
  const inFlight = options.mergeInFlight === false ? undefined : new InFlightRequests();
  const pool = subgraphPool();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => new AuthForwardingDataSource({ subgraph: name, url: options.subgraphUrls[name as SubgraphName] ?? url, metrics, inFlight, fetcher: pool.fetcher }),
    logger: options.logger,
  });
  if (metrics && !countPlanCacheLookups(gateway, metrics)) options.logger.warn('the gateway has no query plan cache to count: router_query_plan_cache_total stays empty');
  // In the order a request meets them: CORS, rate limits, persisted documents, then (inside GraphQL) limits and cost.
  return startGraphQLService<RouterContext>({
    gateway,
    context: routerContext(calls),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    // Sandbox sends documents of its own, which a safelist refuses: it is off there.
    ...(options.persistedDocuments?.mode === 'safelist' ? {} : { landingPage: ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }) }),
    ready: async () => revocations.fresh() && (await subgraphsReady(options.subgraphUrls)),
    httpHooks: [
      useCors(options.corsOrigins ?? corsOrigins({}, options.production)),
      useRateLimits({ store, ...rateLimits, identify: calls.identify, onLimited: metrics?.rateLimited }),
    ],
    ...(options.persistedDocuments ? { rewrite: useTrustedDocuments(options.persistedDocuments) } : {}),
    parseOptions: limits.maxTokens ? { maxTokens: limits.maxTokens } : {},
    plugins: [
      useOperationLimits({ limits, costModel: readCostModel(supergraphSdl), exposeCost: !options.production }),
      ...(options.responseCache === false ? [] : useResponseCache()),
    ],
    rewriteError: (formatted, original) => tokenLimitErrorOf(formatted, original, limits.maxTokens),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    onStop: async () => {
      revocations.stop();
      await Promise.all([ownStore?.close(), pool.close()]);
    },
  });
}

async function subgraphsReady(urls: Record<SubgraphName, string>): Promise<boolean> {
  const checks = Object.values(urls).map(async (url) => {
    const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) });
    return response.ok;
  });
  return (await Promise.all(checks.map((c) => c.catch(() => false)))).every(Boolean);
}
