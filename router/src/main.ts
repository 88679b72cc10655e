// Entry point of the gateway: read config, serve the supergraph, drain on SIGTERM.
import { importKeyRing } from '@marketplace/auth';
import {
  createLogger,
  isProduction,
  listenConfig,
  requireSecret,
  runMain,
  stopOnSignals,
  subgraphUrl,
} from '@marketplace/service-kit';
import { startRouter } from './service.ts';

const logger = createLogger('router');

runMain(async () => {
  const env = process.env;
  const server = await startRouter({
    keys: { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) },
    subgraphUrls: { users: subgraphUrl(env, 'users'), products: subgraphUrl(env, 'products'), orders: subgraphUrl(env, 'orders') },
    ...listenConfig(env, 'router'),
    production: isProduction(env),
    logger,
  });
  logger.info({ url: server.url }, 'gateway ready');
  stopOnSignals(server.stop, logger);
}, logger);
