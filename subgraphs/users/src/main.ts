// Entry point of the users subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing, importSigningKey, publicPaserkOf } from '@marketplace/auth';
import {
  accessTokenTtlSeconds,
  connectMongo,
  createLogger,
  databaseConfig,
  isProduction,
  listenConfig,
  readSecret,
  requireSecret,
  runMain,
  stopOnSignals,
} from '@marketplace/service-kit';
import { startUsersService } from './service.ts';

const logger = createLogger('users');

runMain(async () => {
  const env = process.env;
  const secretKey = requireSecret(env, 'AUTH_SECRET_KEY');
  const signer = await importSigningKey(secretKey);
  // Verify with the signing key's own public half plus any others being rotated in or out.
  const publicKeys = [await publicPaserkOf(secretKey), readSecret(env, 'AUTH_PUBLIC_KEYS') ?? ''].join(',');
  const { uri, database } = databaseConfig(env, 'users');
  const mongo = await connectMongo(uri, { appName: 'marketplace-users' });
  const server = await startUsersService({
    mongo,
    database,
    keys: { users: await importKeyRing(publicKeys) },
    signer,
    tokenTtlSeconds: accessTokenTtlSeconds(env),
    ...listenConfig(env, 'users'),
    production: isProduction(env),
    logger,
    env,
  });
  logger.info({ url: server.url }, 'users subgraph ready');
  stopOnSignals(async () => {
    await server.stop();
    await mongo.close();
  }, logger);
}, logger);
