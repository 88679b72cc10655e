// Builds and starts the orders subgraph on a given database; main.ts and the tests share it.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { SigningKey, TrustedKeys } from '@marketplace/auth';
import { mongoIsReachable, startGraphQLService, type Logger, type RunningServer } from '@marketplace/service-kit';
import type { MongoClient } from 'mongodb';
import { contextFactory } from './context.ts';
import { IdempotencyClaims } from './stores/idempotency-claims.ts';
import { OrderEventLog } from './stores/order-events.ts';
import { OrderLifecycle } from './order-states/transitions.ts';
import { ApproveAllPayments, type PaymentProvider } from './payments.ts';
import { resolvers } from './resolvers/index.ts';
import { StockClient } from './stock-client.ts';
import { OrdersStore } from './stores/orders.ts';

export type { PaymentProvider, PaymentRequest } from './payments.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface OrdersServiceOptions {
  mongo: MongoClient;
  database: string;
  keys: TrustedKeys;
  /** Signs the service tokens the products service accepts for stock operations. */
  serviceSigner: SigningKey;
  productsUrl: string;
  /** Takes and refunds payments; every payment is approved when none is given. */
  payments?: PaymentProvider;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
}

export async function startOrdersService(options: OrdersServiceOptions): Promise<RunningServer> {
  const db = options.mongo.db(options.database);
  const store = new OrdersStore(db);
  const events = new OrderEventLog(db);
  await store.ensureIndexes();
  await events.ensureIndexes();
  const deps = {
    store,
    events,
    claims: new IdempotencyClaims(db),
    lifecycle: new OrderLifecycle(store, events),
    stock: new StockClient(options.productsUrl, options.serviceSigner),
    payments: options.payments ?? new ApproveAllPayments(),
  };
  return startGraphQLService({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    context: contextFactory({ ...deps, keys: options.keys }),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    ready: () => mongoIsReachable(options.mongo),
  });
}
