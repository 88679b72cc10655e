// Per-request DataLoaders: many products or categories by id in one query each.
import type DataLoader from 'dataloader';
import { createByIdLoader, type LoaderBatches } from '@marketplace/service-kit';
import type { CategoryDocument } from './stores/categories.ts';
import type { Stores } from './stores/index.ts';
import type { ProductDocument } from './stores/products.ts';

export interface Loaders {
  product: DataLoader<string, ProductDocument | null>;
  category: DataLoader<string, CategoryDocument | null>;
}

export function createLoaders({ products, categories }: Stores, batches: LoaderBatches): Loaders {
  return {
    product: createByIdLoader((ids) => products.findByIds(ids), batches('product')),
    category: createByIdLoader((ids) => categories.findByIds(ids), batches('category')),
  };
}
