// Everything a products resolver needs, built once per request.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf } from '@marketplace/service-kit';
import { createLoaders, type Loaders } from './loaders.ts';
import type { StockLedger } from './stores/stock-ledger.ts';
import type { Reservations } from './stores/stock-reservations.ts';
import type { CategoriesStore } from './stores/categories.ts';
import type { ProductsStore } from './stores/products.ts';

export interface Stores {
  products: ProductsStore;
  categories: CategoriesStore;
  ledger: StockLedger;
  reservations: Reservations;
}

export interface Context extends Stores {
  identity: Identity;
  loaders: Loaders;
}

export function contextFactory(stores: Stores, keys: TrustedKeys) {
  return async (req: IncomingMessage): Promise<Context> => ({
    ...stores,
    identity: await identityOf(req, keys),
    loaders: createLoaders(stores.products, stores.categories),
  });
}
