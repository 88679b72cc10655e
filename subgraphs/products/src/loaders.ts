// Per-request DataLoaders: many products or categories by id in one query each.
import type DataLoader from 'dataloader';
import { createByIdLoader } from '@marketplace/service-kit';
import type { CategoriesStore, CategoryDocument } from './stores/categories.ts';
import type { ProductDocument, ProductsStore } from './stores/products.ts';

export interface Loaders {
  product: DataLoader<string, ProductDocument | null>;
  category: DataLoader<string, CategoryDocument | null>;
}

export function createLoaders(products: ProductsStore, categories: CategoriesStore): Loaders {
  return {
    product: createByIdLoader((ids) => products.findByIds(ids)),
    category: createByIdLoader((ids) => categories.findByIds(ids)),
  };
}
