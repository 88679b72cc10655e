// Builds and starts the users subgraph on a given database; main.ts and the tests share it.
import type { SigningKey } from '@marketplace/auth';
import {
  createLimiterStore,
  dataLoaderBatches,
  readSubgraphSchema,
  refreshTokenTtlSeconds,
  signInRateLimits,
  startSubgraph,
  trustedProxies,
  USERS_TRUSTED_PROXIES_DEFAULT,
  type Env,
  type LimiterStore,
  type RunningServer,
  type SubgraphServiceOptions,
  type TrustProxy,
} from '@marketplace/service-kit';
import { ensureAdmin } from './admin.ts';
import { createContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.ts';
import { sessionRoutes } from './session-routes.ts';
import { openStores } from './stores/index.ts';

export const typeDefs = readSubgraphSchema(new URL('./schema.graphql', import.meta.url));

export interface UsersServiceOptions extends SubgraphServiceOptions {
  signer: SigningKey;
  tokenTtlSeconds: number;
  /** How long a refresh token lasts (REFRESH_TOKEN_TTL); 30 days when left out. */
  refreshTtlSeconds?: number;
  env?: Env;
  /**
   * Throttles on login and register. Without one, the service keeps its own in-memory counters
   * with the limits `env` sets (RATE_LIMIT_LOGIN_FAILURES, ...) or the defaults.
   */
  signInThrottle?: SignInThrottle;
  /** Which peers may state the client's address in X-Forwarded-For; by default TRUSTED_PROXIES in `env`, or loopback. */
  trustProxy?: TrustProxy;
}

export async function startUsersService(options: UsersServiceOptions): Promise<RunningServer> {
  const stores = await openStores(options.mongo.db(options.database));
  if (options.env) await ensureAdmin(stores.users, options.env, options.logger);
  const env = options.env ?? {};
  const trustProxy = options.trustProxy ?? trustedProxies(env, USERS_TRUSTED_PROXIES_DEFAULT).trust;
  // Counters made here are this service's to close; a throttle passed in belongs to the caller.
  let ownLimiters: LimiterStore | undefined;
  let signInThrottle = options.signInThrottle;
  if (!signInThrottle) {
    ownLimiters = createLimiterStore({ logger: options.logger });
    signInThrottle = createSignInThrottle({ store: ownLimiters, limits: signInRateLimits(env) });
  }
  const deps = {
    keys: options.keys,
    stores,
    batches: dataLoaderBatches(options.metrics),
    signer: options.signer,
    tokenTtlSeconds: options.tokenTtlSeconds,
    refreshTtlSeconds: options.refreshTtlSeconds ?? refreshTokenTtlSeconds({}),
    signInThrottle,
    trustProxy,
  };
  return startSubgraph(options, {
    typeDefs,
    resolvers,
    context: (req) => createContext(deps, req),
    onStop: () => ownLimiters?.close() ?? Promise.resolve(),
    routes: sessionRoutes({ sessions: stores.sessions, keys: options.keys.users, signer: options.signer }),
  });
}
