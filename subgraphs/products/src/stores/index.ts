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

export async function openStores(db: Db): Promise<Stores> {
  const products = new ProductsStore(db);
  const ledger = new StockLedger(db, products.products);
  const stores = { products, categories: new CategoriesStore(db), ledger, reservations: new Reservations(db, ledger) };
  await Promise.all([products.ensureIndexes(), ledger.ensureIndexes(), stores.categories.ensureIndexes()]);
  return stores;
}
