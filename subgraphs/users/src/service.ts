// Builds and starts the users subgraph on a given database; main.ts and the tests share it.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { SigningKey, TrustedKeys } from '@marketplace/auth';
import {
  createLimiterStore,
  mongoIsReachable,
  signInRateLimits,
  startGraphQLService,
  trustedProxies,
  USERS_TRUSTED_PROXIES_DEFAULT,
  type Env,
  type LimiterStore,
  type Logger,
  type RunningServer,
  type TrustProxy,
} from '@marketplace/service-kit';
import type { MongoClient } from 'mongodb';
import { ensureAdmin } from './admin.ts';
import { contextFactory } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { createSignInThrottle, type SignInThrottle } from './sign-in-throttle.ts';
import { UsersStore } from './stores/users.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface UsersServiceOptions {
  mongo: MongoClient;
  database: string;
  keys: TrustedKeys;
  signer: SigningKey;
  tokenTtlSeconds: number;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
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
  const store = new UsersStore(options.mongo.db(options.database));
  await store.ensureIndexes();
  if (options.env) await ensureAdmin(store, options.env, options.logger);
  const env = options.env ?? {};
  const trustProxy = options.trustProxy ?? trustedProxies(env, USERS_TRUSTED_PROXIES_DEFAULT).trust;
  // Counters made here are this service's to close; a throttle passed in belongs to the caller.
  let ownLimiters: LimiterStore | undefined;
  let signInThrottle = options.signInThrottle;
  if (!signInThrottle) {
    ownLimiters = createLimiterStore({ logger: options.logger });
    signInThrottle = createSignInThrottle({ store: ownLimiters, limits: signInRateLimits(env) });
  }
  return startGraphQLService({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    context: contextFactory({ store, keys: options.keys, signer: options.signer, tokenTtlSeconds: options.tokenTtlSeconds, signInThrottle, trustProxy }),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    ready: () => mongoIsReachable(options.mongo),
    onStop: () => ownLimiters?.close() ?? Promise.resolve(),
  });
}
