// Entry point of the orders subgraph: read config, connect, serve, sweep, drain on SIGTERM.
import { importKeyRing, importSigningKey } from '@marketplace/auth';
import {
  buyerLimits,
  connectServiceDatabase,
  isProduction,
  listenConfig,
  paymentSettings,
  paymentTimeoutMs,
  productsTimeoutMs,
  requireSecret,
  runService,
  subgraphUrl,
  sweepIntervalMs,
} from '@marketplace/service-kit';
import { paymentProvider } from './payments.ts';
import { startOrdersService } from './service.ts';

runService('orders', async (env, logger, { metrics }) => {
  const keys = { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) };
  const serviceSigner = await importSigningKey(requireSecret(env, 'SERVICE_SECRET_KEY'));
  const productsUrl = subgraphUrl(env, 'products');
  const payments = paymentProvider(paymentSettings(env));
  const { maxOpenOrders, maxLineQuantity } = buyerLimits(env);
  const { mongo, database } = await connectServiceDatabase(env, 'orders', metrics);
  const server = await startOrdersService({
    mongo,
    database,
    keys,
    serviceSigner,
    productsUrl,
    ...listenConfig(env, 'orders'),
    production: isProduction(env),
    logger,
    ...(metrics ? { metrics } : {}),
    payments,
    paymentTimeoutMs: paymentTimeoutMs(env),
    maxOpenOrdersPerBuyer: maxOpenOrders,
    maxLineQuantity,
    productsTimeoutMs: productsTimeoutMs(env),
    sweepIntervalMs: sweepIntervalMs(env),
  });
  return { server, close: () => mongo.close() };
});
