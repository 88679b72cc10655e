// Everything an orders resolver needs, built once per request.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf } from '@marketplace/service-kit';
import { createLoaders, type Loaders } from './loaders.ts';
import type { StockClient } from './stock-client.ts';
import type { OrdersStore } from './store.ts';

export interface Context {
  identity: Identity;
  store: OrdersStore;
  stock: StockClient;
  loaders: Loaders;
}

export function contextFactory(deps: { store: OrdersStore; stock: StockClient; keys: TrustedKeys }) {
  return async (req: IncomingMessage): Promise<Context> => ({
    identity: await identityOf(req, deps.keys),
    store: deps.store,
    stock: deps.stock,
    loaders: createLoaders(deps.store),
  });
}
