// Per-request DataLoaders: many products by id in one query.
import type DataLoader from 'dataloader';
import { createByIdLoader } from '@marketplace/service-kit';
import type { ProductDocument, ProductsStore } from './store.ts';

export interface Loaders {
  product: DataLoader<string, ProductDocument | null>;
}

export function createLoaders(store: ProductsStore): Loaders {
  return { product: createByIdLoader((ids) => store.findByIds(ids)) };
}
