// An order's fulfilments: one per seller of its items, known from the order itself.
//
// A fulfilment is the seller's part of the order, so it exists from the moment the order does (no
// order without its fulfilments, whatever crashes when), orders placed before fulfilments included.
// Its id names the order and the seller, `<orderId>-<sellerId>`, so it leads straight to its order.
import { ObjectId } from 'mongodb';
import type { Money } from '@marketplace/service-kit';
import { orderTotal } from './pricing.ts';
import { LEGACY_FULFILLMENT_STATUS, legacySnapshot, type FulfillmentState, type FulfillmentStatus, type OrderSnapshot } from './order-states/fulfillments.ts';
import type { OrderEventDocument } from './stores/order-events.ts';
import type { OrderDocument, OrderItemDocument } from './stores/orders.ts';

export interface FulfillmentRecord {
  id: string;
  order: OrderDocument;
  sellerId: ObjectId;
  items: OrderItemDocument[];
  subtotal: Money;
}

export const fulfillmentId = (orderId: ObjectId, sellerId: ObjectId) => `${orderId.toHexString()}-${sellerId.toHexString()}`;

/** The order and seller a fulfilment id names, or null when it is not one. */
export function parseFulfillmentId(id: string): { orderId: ObjectId; sellerId: ObjectId } | null {
  const match = /^([0-9a-f]{24})-([0-9a-f]{24})$/.exec(id);
  return match ? { orderId: new ObjectId(match[1]), sellerId: new ObjectId(match[2]) } : null;
}

/** The order's fulfilments, in the order their sellers first appear among its items. */
export function fulfillmentsOf(order: OrderDocument): FulfillmentRecord[] {
  const bySeller = new Map<string, OrderItemDocument[]>();
  for (const item of order.items) {
    const key = item.sellerId.toHexString();
    bySeller.set(key, [...(bySeller.get(key) ?? []), item]);
  }
  return [...bySeller.values()].map((items) => ({
    id: fulfillmentId(order._id, items[0]!.sellerId),
    order,
    sellerId: items[0]!.sellerId,
    items,
    subtotal: orderTotal(items),
  }));
}

/** What the order's log says at `event`: paid or not, and each fulfilment's state. */
export function snapshotAt(order: OrderDocument, event: Pick<OrderEventDocument, 'status' | 'trackingNumber' | 'paid' | 'fulfillments' | 'charged'>): OrderSnapshot {
  const ids = fulfillmentsOf(order).map((f) => f.id);
  if (!event.fulfillments) return legacySnapshot(event.status === 'PARTIALLY_SHIPPED' ? 'PAID' : event.status, event.trackingNumber, ids);
  const fulfillments: Record<string, FulfillmentState> = {};
  for (const id of ids) fulfillments[id] = event.fulfillments[id] ?? { status: 'PENDING', trackingNumber: null };
  return { paid: event.paid ?? false, fulfillments, charged: event.charged ?? [] };
}

/** The status copy's entries for the seller queues: `<sellerId>:<status>`, one per fulfilment. */
export function fulfillmentStates(order: OrderDocument, snapshot: OrderSnapshot): string[] {
  return fulfillmentsOf(order).map((f) => `${f.sellerId.toHexString()}:${snapshot.fulfillments[f.id]?.status ?? 'PENDING'}`);
}

/** A fulfilment's status as the order's status copy has it (events from before fulfilments: the order's own). */
export function fulfillmentStatusOf(record: FulfillmentRecord): FulfillmentStatus {
  const seller = record.sellerId.toHexString();
  const copied = record.order.fulfillmentStates?.find((entry) => entry.startsWith(`${seller}:`));
  if (copied) return copied.slice(seller.length + 1) as FulfillmentStatus;
  return LEGACY_FULFILLMENT_STATUS[record.order.status === 'PARTIALLY_SHIPPED' ? 'PAID' : record.order.status];
}

/** A change of one fulfilment's status, read from its order's log. */
export interface FulfillmentEventView {
  status: FulfillmentStatus;
  at: Date;
  actorId: ObjectId | null;
  note: string | null;
  trackingNumber: string | null;
}

/** The events of the order's log (placement first) at which this fulfilment's status changed, oldest first. */
export function fulfillmentEvents(record: FulfillmentRecord, log: readonly OrderEventDocument[]): FulfillmentEventView[] {
  const views: FulfillmentEventView[] = [];
  for (const event of log) {
    const state = snapshotAt(record.order, event).fulfillments[record.id];
    if (!state || views.at(-1)?.status === state.status) continue;
    views.push({ status: state.status, at: event.at, actorId: event.actorId, note: event.note, trackingNumber: state.trackingNumber });
  }
  return views;
}

/** The status copy's queue entries a seller's fulfilments in `status` carry (see OrdersStore.fulfillmentQueue). */
export const queueEntry = (sellerId: ObjectId, status: FulfillmentStatus) => `${sellerId.toHexString()}:${status}`;
