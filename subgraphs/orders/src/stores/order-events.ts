// The orderEvents collection: an append-only log of each order's status changes.
//
// Event n of an order has the _id `<orderId>:<n>`. Two changes made from the same state compute
// the same n and the unique _id lets exactly one of them in, on MongoDB and on servers whose
// conditional updates are not atomic alike. Placing the order is event 0; it is not stored, as
// the order document itself records it (see placementEvent).
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes } from '@marketplace/service-kit';
import type { OrderDocument, OrderStatus } from './orders.ts';

export interface OrderEventDocument {
  _id: string;
  orderId: ObjectId;
  sequence: number;
  status: OrderStatus;
  at: Date;
  /** Null for a change the system made (a payment timeout). */
  actorId: ObjectId | null;
  note: string | null;
  /** The order's tracking number as of this event, carried forward so any event is a full snapshot. */
  trackingNumber: string | null;
  /** The payment recorded by a PAID event. */
  paymentId?: string;
  /** Whether the order has been paid as of this event, carried forward (missing on events from before fulfilments). */
  paid?: boolean;
  /** Each fulfilment's state as of this event, by fulfilment id (missing on events from before fulfilments). */
  fulfillments?: Record<string, { status: 'PENDING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED'; trackingNumber: string | null }>;
  /** The fulfilments the payment was taken for, recorded by the PAID event and carried forward. */
  charged?: string[];
  /** The fulfilment this event changed, for a seller's own step; unset for a whole-order step. */
  fulfillmentId?: string;
}

export const eventId = (orderId: ObjectId, sequence: number) => `${orderId.toHexString()}:${sequence}`;

export function placementEvent(order: OrderDocument): OrderEventDocument {
  return {
    _id: eventId(order._id, 0),
    orderId: order._id,
    sequence: 0,
    status: 'PENDING',
    at: order.createdAt,
    actorId: order.buyerId,
    note: null,
    trackingNumber: null,
    paid: false,
    fulfillments: {},
  };
}

export class OrderEventLog {
  readonly #events: Collection<OrderEventDocument>;

  constructor(db: Db) {
    this.#events = db.collection<OrderEventDocument>('orderEvents');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#events, [{ key: { orderId: 1, sequence: 1 }, name: 'by_order_sequence' }]);
  }

  /** Throws a duplicate key error when another change took this sequence number first. */
  async append(event: OrderEventDocument): Promise<void> {
    await this.#events.insertOne(event);
  }

  /** The newest stored event of an order, or null while it has only been placed. */
  latest(orderId: ObjectId): Promise<OrderEventDocument | null> {
    return this.#events.find({ orderId }).sort({ sequence: -1 }).limit(1).next();
  }

  /** The stored events of many orders, each order's oldest first. */
  forOrders(orderIds: readonly ObjectId[]): Promise<OrderEventDocument[]> {
    return this.#events
      .find({ orderId: { $in: [...orderIds] } })
      .sort({ orderId: 1, sequence: 1 })
      .toArray();
  }
}
