// Per-request DataLoaders: many orders by id in one query.
import type DataLoader from 'dataloader';
import { createByIdLoader } from '@marketplace/service-kit';
import type { OrderDocument, OrdersStore } from './store.ts';

export interface Loaders {
  order: DataLoader<string, OrderDocument | null>;
}

export function createLoaders(store: OrdersStore): Loaders {
  return { order: createByIdLoader((ids) => store.findByIds(ids)) };
}
