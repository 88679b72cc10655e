// Entry point of the products subgraph: read config, connect, serve, drain on SIGTERM.
import { importKeyRing } from '@marketplace/auth';
import { connectServiceDatabase, isProduction, listenConfig, requireSecret, runService, stockHoldMs, sweepIntervalMs } from '@marketplace/service-kit';
import { startProductsService } from './service.ts';

runService('products', async (env, logger, { metrics }) => {
  const keys = {
    users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')),
    services: await importKeyRing(requireSecret(env, 'SERVICE_PUBLIC_KEYS')),
  };
  const { mongo, database } = await connectServiceDatabase(env, 'products', metrics);
  const server = await startProductsService({
    mongo,
    database,
    keys,
    ...listenConfig(env, 'products'),
    production: isProduction(env),
    logger,
    ...(metrics ? { metrics } : {}),
    holdMs: stockHoldMs(env),
    sweepIntervalMs: sweepIntervalMs(env),
  });
  return { server, close: () => mongo.close() };
});
