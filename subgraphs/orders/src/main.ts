// Entry point of the orders subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing, importSigningKey } from '@marketplace/auth';
import {
  connectMongo,
  createLogger,
  databaseConfig,
  isProduction,
  listenConfig,
  requireSecret,
  runMain,
  stopOnSignals,
  subgraphUrl,
} from '@marketplace/service-kit';
import { startOrdersService } from './service.ts';

const logger = createLogger('orders');

runMain(async () => {
  const env = process.env;
  const keys = { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) };
  const serviceSigner = await importSigningKey(requireSecret(env, 'SERVICE_SECRET_KEY'));
  const { uri, database } = databaseConfig(env, 'orders');
  const mongo = await connectMongo(uri, { appName: 'marketplace-orders' });
  const server = await startOrdersService({
    mongo,
    database,
    keys,
    serviceSigner,
    productsUrl: subgraphUrl(env, 'products'),
    ...listenConfig(env, 'orders'),
    production: isProduction(env),
    logger,
  });
  logger.info({ url: server.url }, 'orders subgraph ready');
  stopOnSignals(async () => {
    await server.stop();
    await mongo.close();
  }, logger);
}, logger);
