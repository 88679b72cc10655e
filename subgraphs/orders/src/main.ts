// Entry point of the orders subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing, importSigningKey } from '@marketplace/auth';
import { connectServiceDatabase, isProduction, listenConfig, requireSecret, runService, subgraphUrl } from '@marketplace/service-kit';
import { startOrdersService } from './service.ts';

runService('orders', async (env, logger) => {
  const keys = { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) };
  const serviceSigner = await importSigningKey(requireSecret(env, 'SERVICE_SECRET_KEY'));
  const productsUrl = subgraphUrl(env, 'products');
  const { mongo, database } = await connectServiceDatabase(env, 'orders');
  const listen = listenConfig(env, 'orders');
  const server = await startOrdersService({ mongo, database, keys, serviceSigner, productsUrl, ...listen, production: isProduction(env), logger });
  return { server, close: () => mongo.close() };
});
