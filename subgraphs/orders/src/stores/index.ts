// The orders service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
import { IdempotencyClaims } from './idempotency-claims.ts';
import { OrderEventLog } from './order-events.ts';
import { OrdersStore } from './orders.ts';

export interface Stores {
  orders: OrdersStore;
  events: OrderEventLog;
  claims: IdempotencyClaims;
}

export async function openStores(db: Db): Promise<Stores> {
  const stores = { orders: new OrdersStore(db), events: new OrderEventLog(db), claims: new IdempotencyClaims(db) };
  await stores.orders.ensureIndexes();
  await stores.events.ensureIndexes();
  return stores;
}
