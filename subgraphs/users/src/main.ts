// Entry point of the users subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing, importSigningKey, publicPaserkOf } from '@marketplace/auth';
import {
  accessTokenTtlSeconds,
  connectServiceDatabase,
  createLimiterStore,
  isProduction,
  listenConfig,
  rateLimitRedisUrl,
  readSecret,
  refreshTokenTtlSeconds,
  requireSecret,
  runService,
  signInRateLimits,
  trustedProxies,
  USERS_TRUSTED_PROXIES_DEFAULT,
} from '@marketplace/service-kit';
import { startUsersService } from './service.ts';
import { createSignInThrottle } from './sign-in-throttle.ts';

runService('users', async (env, logger, { metrics }) => {
  const secretKey = requireSecret(env, 'AUTH_SECRET_KEY');
  // Verify with the signing key's own public half plus any others being rotated in or out.
  const publicKeys = [await publicPaserkOf(secretKey), readSecret(env, 'AUTH_PUBLIC_KEYS') ?? ''].join(',');
  const keys = { users: await importKeyRing(publicKeys) };
  const signer = await importSigningKey(secretKey);
  const tokenTtlSeconds = accessTokenTtlSeconds(env);
  const listen = listenConfig(env, 'users');
  const { trust: trustProxy } = trustedProxies(env, USERS_TRUSTED_PROXIES_DEFAULT);
  const limits = signInRateLimits(env);
  const redisUrl = rateLimitRedisUrl(env);
  const { mongo, database } = await connectServiceDatabase(env, 'users', metrics);
  // Shared by every replica when RATE_LIMIT_REDIS_URL is set, so a guesser cannot spread over them.
  const limiters = createLimiterStore({ redisUrl, logger });
  const signInThrottle = createSignInThrottle({ store: limiters, limits });
  const server = await startUsersService({
    mongo,
    database,
    keys,
    signer,
    tokenTtlSeconds,
    refreshTtlSeconds: refreshTokenTtlSeconds(env),
    ...listen,
    production: isProduction(env),
    logger,
    ...(metrics ? { metrics } : {}),
    env,
    signInThrottle,
    trustProxy,
  });
  return {
    server,
    close: async () => {
      await limiters.close();
      await mongo.close();
    },
  };
});
