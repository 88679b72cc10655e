// Entry point of the users subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing, importSigningKey, publicPaserkOf } from '@marketplace/auth';
import {
  accessTokenTtlSeconds,
  connectServiceDatabase,
  isProduction,
  listenConfig,
  readSecret,
  requireSecret,
  runService,
} from '@marketplace/service-kit';
import { startUsersService } from './service.ts';

runService('users', async (env, logger) => {
  const secretKey = requireSecret(env, 'AUTH_SECRET_KEY');
  // Verify with the signing key's own public half plus any others being rotated in or out.
  const publicKeys = [await publicPaserkOf(secretKey), readSecret(env, 'AUTH_PUBLIC_KEYS') ?? ''].join(',');
  const keys = { users: await importKeyRing(publicKeys) };
  const signer = await importSigningKey(secretKey);
  const { mongo, database } = await connectServiceDatabase(env, 'users');
  const tokenTtlSeconds = accessTokenTtlSeconds(env);
  const listen = listenConfig(env, 'users');
  const server = await startUsersService({ mongo, database, keys, signer, tokenTtlSeconds, ...listen, production: isProduction(env), logger, env });
  return { server, close: () => mongo.close() };
});
