// Builds and starts the orders subgraph on a given database; main.ts and the tests share it.
import type { SigningKey } from '@marketplace/auth';
import { readSubgraphSchema, startSubgraph, type RunningServer, type SubgraphServiceOptions } from '@marketplace/service-kit';
import { createContext } from './context.ts';
import { OrderSteps } from './order-steps.ts';
import { OrderTransitions } from './order-states/transitions.ts';
import { ApproveAllPayments, type PaymentProvider } from './payments.ts';
import { resolvers } from './resolvers/index.ts';
import { StockClient } from './stock-client.ts';
import { openStores, type Stores } from './stores/index.ts';

export type { PaymentProvider, PaymentRequest } from './payments.ts';

export const typeDefs = readSubgraphSchema(new URL('./schema.graphql', import.meta.url));

export interface OrdersServiceOptions extends SubgraphServiceOptions {
  /** Signs the service tokens the products service accepts for stock operations. */
  serviceSigner: SigningKey;
  productsUrl: string;
  /** Takes and refunds payments; every payment is approved when none is given. */
  payments?: PaymentProvider;
  /** Stores already opened (a test wraps one to make it fail); by default they are opened on `database`. */
  stores?: Stores;
}

export async function startOrdersService(options: OrdersServiceOptions): Promise<RunningServer> {
  const stores = options.stores ?? (await openStores(options.mongo.db(options.database)));
  const steps = new OrderSteps({
    stores,
    transitions: new OrderTransitions(stores),
    stock: new StockClient(options.productsUrl, options.serviceSigner),
    payments: options.payments ?? new ApproveAllPayments(),
  });
  const deps = { keys: options.keys, stores, steps };
  return startSubgraph(options, { typeDefs, resolvers, context: (req) => createContext(deps, req) });
}
