// The products service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
import { ORDER_DEFAULTS, type ServiceMetrics } from '@marketplace/service-kit';
import { CategoriesStore } from './categories.ts';
import { ProductsStore } from './products.ts';
import { StockLedger } from './stock-ledger.ts';
import { Reservations } from './stock-reservations.ts';

export interface Stores {
  products: ProductsStore;
  categories: CategoriesStore;
  ledger: StockLedger;
  reservations: Reservations;
}

export async function openStores(db: Db, options: { holdMs?: number; metrics?: ServiceMetrics | undefined } = {}): Promise<Stores> {
  const products = new ProductsStore(db);
  const ledger = new StockLedger(db, products.products, options.metrics);
  const reservations = new Reservations(db, ledger, options.holdMs ?? ORDER_DEFAULTS.STOCK_HOLD_SECONDS * 1000);
  const stores = { products, categories: new CategoriesStore(db), ledger, reservations };
  await Promise.all([products.ensureIndexes(), ledger.ensureIndexes(), stores.categories.ensureIndexes(), reservations.ensureIndexes()]);
  return stores;
}
