// The users service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
import { AdminRemovals } from './admin-removals.ts';
import { UsersStore } from './users.ts';

export interface Stores {
  users: UsersStore;
  adminRemovals: AdminRemovals;
}

export async function openStores(db: Db): Promise<Stores> {
  const stores = { users: new UsersStore(db), adminRemovals: new AdminRemovals(db) };
  await stores.users.ensureIndexes();
  return stores;
}
