// Per-request DataLoaders: many orders, or many orders' event logs, in one query each; the order
// histories (User.orders, sales, fulfillments) of a request's users together.
import DataLoader from 'dataloader';
import type { ObjectId } from 'mongodb';
import { createByIdLoader, createPerKeyLoader, observedBatches, type LoaderBatches } from '@marketplace/service-kit';
import type { Stores } from './stores/index.ts';
import type { OrderEventDocument } from './stores/order-events.ts';
import type { RefundDocument } from './stores/refunds.ts';
import type { FulfillmentQueue, OrderDocument, OrderOwner } from './stores/orders.ts';

/** A page of a history: whose (an owner, or a seller's fulfilment queue), `size` after the cursor. */
export type HistoryPageKey = ({ owner: OrderOwner } | { queue: FulfillmentQueue }) & { size: number; after: string | null };
/** Whose history to count. */
export type HistoryCountKey = { owner: OrderOwner } | { queue: FulfillmentQueue };

export interface Loaders {
  order: DataLoader<string, OrderDocument | null>;
  /** The stored events of an order (not its placement), oldest first. */
  events: DataLoader<ObjectId, OrderEventDocument[], string>;
  /** The refunds made of an order's payment. */
  refunds: DataLoader<ObjectId, RefundDocument[], string>;
  /**
   * Up to size + 1 orders of a history, newest first. First-N per user cannot be one query for
   * many users on every server, so each distinct page is one query, and a request's run concurrently.
   */
  historyPage: DataLoader<HistoryPageKey, OrderDocument[], string>;
  /** How many orders a history has (totalCount), each distinct one counted once, concurrently. */
  historyCount: DataLoader<HistoryCountKey, number, string>;
}

/** The same history asked for twice in a request has the same key. */
function historyKey(key: HistoryCountKey): string {
  if ('owner' in key) {
    const { status, ...owner } = key.owner;
    const [field, id] = Object.entries(owner)[0]!;
    return `${field}:${String(id)}:${status ?? ''}`;
  }
  return `queue:${key.queue.sellerId.toHexString()}:${key.queue.status?.entry ?? ''}`;
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
    historyPage: createPerKeyLoader(
      (key) => `${historyKey(key)}:${key.size}:${key.after ?? ''}`,
      (key) => ('owner' in key ? orders.page(key.owner, key) : orders.fulfillmentQueue(key.queue, key)),
      batches('historyPage'),
    ),
    historyCount: createPerKeyLoader(historyKey, (key) => ('owner' in key ? orders.count(key.owner) : orders.countFulfillmentQueue(key.queue)), batches('historyCount')),
  };
}
