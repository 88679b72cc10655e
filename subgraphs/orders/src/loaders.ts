// Per-request DataLoaders: many orders, or many orders' event logs, in one query each.
import DataLoader from 'dataloader';
import type { ObjectId } from 'mongodb';
import { createByIdLoader } from '@marketplace/service-kit';
import type { OrderEventDocument, OrderEventLog } from './stores/order-events.ts';
import type { OrderDocument, OrdersStore } from './stores/orders.ts';

export interface Loaders {
  order: DataLoader<string, OrderDocument | null>;
  /** The stored events of an order (not its placement), oldest first. */
  events: DataLoader<ObjectId, OrderEventDocument[], string>;
}

export function createLoaders(store: OrdersStore, events: OrderEventLog): Loaders {
  return {
    order: createByIdLoader((ids) => store.findByIds(ids)),
    events: new DataLoader(
      async (orderIds) => {
        const byOrder = Map.groupBy(await events.forOrders(orderIds), (event) => event.orderId.toHexString());
        return orderIds.map((id) => byOrder.get(id.toHexString()) ?? []);
      },
      { cacheKeyFn: (id) => id.toHexString() },
    ),
  };
}
