// Per-request DataLoaders: many orders, or many orders' event logs, in one query each.
import DataLoader from 'dataloader';
import type { ObjectId } from 'mongodb';
import { createByIdLoader, observedBatches, type LoaderBatches } from '@marketplace/service-kit';
import type { Stores } from './stores/index.ts';
import type { OrderEventDocument } from './stores/order-events.ts';
import type { RefundDocument } from './stores/refunds.ts';
import type { OrderDocument } from './stores/orders.ts';

export interface Loaders {
  order: DataLoader<string, OrderDocument | null>;
  /** The stored events of an order (not its placement), oldest first. */
  events: DataLoader<ObjectId, OrderEventDocument[], string>;
  /** The refunds made of an order's payment. */
  refunds: DataLoader<ObjectId, RefundDocument[], string>;
}

export function createLoaders({ orders, events, refunds }: Stores, batches: LoaderBatches): Loaders {
  return {
    order: createByIdLoader((ids) => orders.findByIds(ids), batches('order')),
    events: new DataLoader(
      observedBatches(batches('orderEvents'), async (orderIds: readonly ObjectId[]) => {
        const byOrder = Map.groupBy(await events.forOrders(orderIds), (event) => event.orderId.toHexString());
        return orderIds.map((id) => byOrder.get(id.toHexString()) ?? []);
      }),
      { cacheKeyFn: (id) => id.toHexString() },
    ),
    refunds: new DataLoader(
      observedBatches(batches('orderRefunds'), async (orderIds: readonly ObjectId[]) => {
        const byOrder = Map.groupBy(await refunds.forOrders(orderIds), (refund) => refund.orderId.toHexString());
        return orderIds.map((id) => byOrder.get(id.toHexString()) ?? []);
      }),
      { cacheKeyFn: (id) => id.toHexString() },
    ),
  };
}
