// Entry point of the gateway: read config, serve the supergraph, drain on SIGTERM.
import { importKeyRing } from '@marketplace/auth';
import {
  createLimiterStore,
  isProduction,
  limitSetting,
  listenConfig,
  rateLimitRedisUrl,
  requireSecret,
  routerRateLimits,
  runService,
  SUBGRAPHS,
  subgraphUrl,
  trustedProxies,
  type Env,
} from '@marketplace/service-kit';
import {
  corsOrigins,
  OPERATION_LIMIT_DEFAULTS,
  operationLimits,
  persistedDocumentManifests,
  persistedDocuments,
  persistedDocumentsMode,
  persistedDocumentsRequireId,
  responseCacheEnabled,
} from './config.ts';
import { startRouter } from './service.ts';

runService(
  'router',
  async (env, logger, { metrics }) => {
    const keys = { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) };
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl(env, name)])) as Record<(typeof SUBGRAPHS)[number], string>;
    const production = isProduction(env);
    const trusted = persistedDocuments(env);
    const limiterStore = createLimiterStore({ redisUrl: rateLimitRedisUrl(env), logger });
    // Serving without the shared store is allowed (each replica then limits alone), but it is said.
    if (!(await limiterStore.connected())) logger.warn('rate limit store not reachable yet: limiting in memory until it is');
    const server = await startRouter({
      keys,
      subgraphUrls,
      ...listenConfig(env, 'router'),
      production,
      logger,
      limits: operationLimits(env),
      corsOrigins: corsOrigins(env, production),
      rateLimits: routerRateLimits(env),
      trustedProxies: trustedProxies(env).entries,
      limiterStore,
      ...(trusted ? { persistedDocuments: trusted } : {}),
      metrics,
      responseCache: responseCacheEnabled(env),
    });
    if (trusted) logger.info({ mode: trusted.mode, documents: trusted.documents.size }, 'persisted documents loaded');
    return { server, close: () => limiterStore.close() };
  },
  // One check a limit, so every bad one is named, not only the first.
  [
    ...(Object.keys(OPERATION_LIMIT_DEFAULTS) as (keyof typeof OPERATION_LIMIT_DEFAULTS)[]).map(
      (name) => (env: Env) => limitSetting(env, name, OPERATION_LIMIT_DEFAULTS[name]),
    ),
    (env) => corsOrigins(env, isProduction(env)),
    persistedDocumentsMode,
    persistedDocumentsRequireId,
    responseCacheEnabled,
    persistedDocumentManifests,
  ],
);
