// Entry point of the products subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing } from '@marketplace/auth';
import {
  connectMongo,
  createLogger,
  databaseConfig,
  isProduction,
  listenConfig,
  requireSecret,
  runMain,
  stopOnSignals,
} from '@marketplace/service-kit';
import { startProductsService } from './service.ts';

const logger = createLogger('products');

runMain(async () => {
  const env = process.env;
  const keys = {
    users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')),
    services: await importKeyRing(requireSecret(env, 'SERVICE_PUBLIC_KEYS')),
  };
  const { uri, database } = databaseConfig(env, 'products');
  const mongo = await connectMongo(uri, { appName: 'marketplace-products' });
  const server = await startProductsService({ mongo, database, keys, ...listenConfig(env, 'products'), production: isProduction(env), logger });
  logger.info({ url: server.url }, 'products subgraph ready');
  stopOnSignals(async () => {
    await server.stop();
    await mongo.close();
  }, logger);
}, logger);
