// The products service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
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

/** How long an unconfirmed reservation is held when the service is not told otherwise. */
export const DEFAULT_HOLD_MS = 60_000;

export async function openStores(db: Db, options: { holdMs?: number } = {}): Promise<Stores> {
  const products = new ProductsStore(db);
  const ledger = new StockLedger(db, products.products);
  const reservations = new Reservations(db, ledger, options.holdMs ?? DEFAULT_HOLD_MS);
  const stores = { products, categories: new CategoriesStore(db), ledger, reservations };
  await Promise.all([products.ensureIndexes(), ledger.ensureIndexes(), stores.categories.ensureIndexes(), reservations.ensureIndexes()]);
  return stores;
}
