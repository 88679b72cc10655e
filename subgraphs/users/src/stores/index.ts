// The users service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
import { AdminRemovals } from './admin-removals.ts';
import { SessionsStore } from './sessions.ts';
import { UsersStore } from './users.ts';

export interface Stores {
  users: UsersStore;
  adminRemovals: AdminRemovals;
  sessions: SessionsStore;
}

export async function openStores(db: Db): Promise<Stores> {
  const stores = { users: new UsersStore(db), adminRemovals: new AdminRemovals(db), sessions: new SessionsStore(db) };
  await stores.users.ensureIndexes();
  await stores.sessions.ensureIndexes();
  return stores;
}
