// Everything an orders resolver needs, built once per request.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf } from '@marketplace/service-kit';
import type { IdempotencyClaims } from './stores/idempotency-claims.ts';
import type { OrderEventLog } from './stores/order-events.ts';
import type { OrderLifecycle } from './order-states/transitions.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { PaymentProvider } from './payments.ts';
import type { StockClient } from './stock-client.ts';
import type { OrdersStore } from './stores/orders.ts';

/** What lives as long as the service: stores, clients and the lifecycle built on them. */
export interface OrdersDeps {
  store: OrdersStore;
  events: OrderEventLog;
  claims: IdempotencyClaims;
  lifecycle: OrderLifecycle;
  stock: StockClient;
  payments: PaymentProvider;
}

export interface Context extends OrdersDeps {
  identity: Identity;
  loaders: Loaders;
}

export function contextFactory(deps: OrdersDeps & { keys: TrustedKeys }) {
  const { keys, ...shared } = deps;
  return async (req: IncomingMessage): Promise<Context> => ({
    ...shared,
    identity: await identityOf(req, keys),
    loaders: createLoaders(shared.store, shared.events),
  });
}
