// Builds and starts the orders subgraph on a given database; main.ts and the tests share it.
import type { SigningKey } from '@marketplace/auth';
import { dataLoaderBatches, ORDER_DEFAULTS, readSubgraphSchema, startSubgraph, startSweeps, type RunningServer, type SubgraphServiceOptions } from '@marketplace/service-kit';
import { createContext } from './context.ts';
import { orderCounters } from './order-metrics.ts';
import { OrderSteps } from './order-steps.ts';
import { OrderTransitions } from './order-states/transitions.ts';
import { ApproveAllPayments, type PaymentProvider } from './payments.ts';
import { resolvers } from './resolvers/index.ts';
import { StockClient } from './stock-client.ts';
import { openStores, type Stores } from './stores/index.ts';
import { orderSweepTasks } from './sweeps/order-holds.ts';

export type { PaymentProvider, PaymentRequest, RefundRequest } from './payments.ts';

export const typeDefs = readSubgraphSchema(new URL('./schema.graphql', import.meta.url));

export interface OrdersServiceOptions extends SubgraphServiceOptions {
  /** Signs the service tokens the products service accepts for stock operations. */
  serviceSigner: SigningKey;
  productsUrl: string;
  /** Takes and refunds payments; every payment is approved when none is given (development and tests; main.ts refuses that in production). */
  payments?: PaymentProvider;
  /** Stores already opened (a test wraps one to make it fail); by default they are opened on `database`. */
  stores?: Stores;
  /** How long a buyer has to pay (default ORDER_PAYMENT_TIMEOUT_SECONDS' default). */
  paymentTimeoutMs?: number;
  maxOpenOrdersPerBuyer?: number;
  maxLineQuantity?: number;
  /** How long a stock call may take. */
  productsTimeoutMs?: number;
  /** Sweep on this interval (and once now); no sweeping when left out. */
  sweepIntervalMs?: number;
}

export async function startOrdersService(options: OrdersServiceOptions): Promise<RunningServer> {
  const stores = options.stores ?? (await openStores(options.mongo.db(options.database)));
  const counters = orderCounters(options.metrics);
  const transitions = new OrderTransitions(stores, counters);
  const steps = new OrderSteps({
    stores,
    transitions,
    counters,
    stock: new StockClient(options.productsUrl, options.serviceSigner, options.productsTimeoutMs ?? ORDER_DEFAULTS.PRODUCTS_TIMEOUT_MS),
    payments: options.payments ?? new ApproveAllPayments(),
    policy: {
      paymentTimeoutMs: options.paymentTimeoutMs ?? ORDER_DEFAULTS.ORDER_PAYMENT_TIMEOUT_SECONDS * 1000,
      maxOpenOrders: options.maxOpenOrdersPerBuyer ?? ORDER_DEFAULTS.MAX_OPEN_ORDERS_PER_BUYER,
    },
  });
  const deps = { keys: options.keys, stores, steps, batches: dataLoaderBatches(options.metrics), maxLineQuantity: options.maxLineQuantity ?? ORDER_DEFAULTS.MAX_LINE_QUANTITY };
  const sweeps = options.sweepIntervalMs
    ? startSweeps({ intervalMs: options.sweepIntervalMs, logger: options.logger, metrics: options.metrics, tasks: orderSweepTasks({ stores, steps, transitions }) })
    : undefined;
  return startSubgraph(options, { typeDefs, resolvers, context: (req) => createContext(deps, req), ...(sweeps ? { onStop: () => sweeps.stop() } : {}) });
}
