// Per-request DataLoaders: many users by id in one query.
import type DataLoader from 'dataloader';
import { createByIdLoader, type LoaderBatches } from '@marketplace/service-kit';
import type { Stores } from './stores/index.ts';
import type { UserDocument } from './stores/users.ts';

export interface Loaders {
  user: DataLoader<string, UserDocument | null>;
}

export function createLoaders({ users }: Stores, batches: LoaderBatches): Loaders {
  return { user: createByIdLoader((ids) => users.findByIds(ids), batches('user')) };
}
