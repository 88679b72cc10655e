// Per-request DataLoaders: many users by id in one query.
import type DataLoader from 'dataloader';
import { createByIdLoader } from '@marketplace/service-kit';
import type { UserDocument, UsersStore } from './stores/users.ts';

export interface Loaders {
  user: DataLoader<string, UserDocument | null>;
}

export function createLoaders(store: UsersStore): Loaders {
  return { user: createByIdLoader((ids) => store.findByIds(ids)) };
}
