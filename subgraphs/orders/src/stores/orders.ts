// The orders collection: its indexes, queries and the status copy kept on each order.
import type { Collection, Db, Filter, ObjectId } from 'mongodb';
import { afterCursorFilter, ensureIndexes, idsFilter, GroupCommit, NEWEST_FIRST, type Money, type PageArgs } from '@marketplace/service-kit';

export type OrderStatus = 'PENDING' | 'PAID' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

/** A line as it was when the order was placed. */
export interface OrderItemDocument {
  productId: ObjectId;
  sellerId: ObjectId;
  title: string;
  quantity: number;
  unitPrice: Money;
}

export interface OrderDocument {
  _id: ObjectId;
  buyerId: ObjectId;
  items: OrderItemDocument[];
  /** The distinct sellers of the items, for "orders containing my products" reads. */
  sellerIds: ObjectId[];
  total: Money;
  /** A copy of the latest event in orderEvents, kept here for reads and filters; the log is the truth. */
  status: OrderStatus;
  /** The sequence number of the event `status` was copied from (0: as placed). */
  statusSequence: number;
  trackingNumber: string | null;
  /**
   * A copy of each fulfilment's status as of `statusSequence`, as `<sellerId>:<status>`, for the
   * sellers' work queues; unset on orders whose status has not changed since fulfilments existed.
   */
  fulfillmentStates?: string[];
  /** When the products service confirmed the order's reservation; null until then (the sweep confirms or expires it). */
  stockConfirmedAt?: Date | null;
  /** When the reservation of a cancelled order was given back; unset until that has succeeded. */
  stockReleasedAt?: Date | null;
  /** Unpaid by then, the order is cancelled by the system and its stock goes back. */
  paymentDueAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** The order's state as of one event of its log. */
export interface StatusCopy {
  sequence: number;
  status: OrderStatus;
  trackingNumber: string | null;
  fulfillmentStates: string[];
  at: Date;
}

/** Whose orders a history lists, and optionally only those in one status. */
export type OrderOwner = ({ buyerId: ObjectId } | { sellerIds: ObjectId }) & { status?: OrderStatus | null };

/** Entities owned by other subgraphs, known here only by id. */
export interface BuyerRef {
  id: string;
}
export interface ProductRef {
  id: string;
}

export class OrdersStore {
  readonly #orders: Collection<OrderDocument>;
  /** Orders placed concurrently go to the server together (group commit). */
  readonly #inserts: GroupCommit<OrderDocument>;

  constructor(db: Db) {
    this.#orders = db.collection<OrderDocument>('orders');
    this.#inserts = new GroupCommit(this.#orders);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#orders, [
      { key: { buyerId: 1, createdAt: -1, _id: -1 }, name: 'by_buyer_newest' },
      { key: { sellerIds: 1, createdAt: -1, _id: -1 }, name: 'by_seller_newest' },
      { key: { buyerId: 1, status: 1, createdAt: -1, _id: -1 }, name: 'by_buyer_status_newest' },
      { key: { sellerIds: 1, status: 1, createdAt: -1, _id: -1 }, name: 'by_seller_status_newest' },
      { key: { status: 1, paymentDueAt: 1 }, name: 'by_status_payment_due' },
      { key: { status: 1, stockConfirmedAt: 1, createdAt: 1 }, name: 'by_status_unconfirmed' },
      { key: { status: 1, stockReleasedAt: 1 }, name: 'by_status_unreleased' },
      { key: { fulfillmentStates: 1, createdAt: -1, _id: -1 }, name: 'by_fulfillment_state_newest' },
    ]);
  }

  findById(id: ObjectId): Promise<OrderDocument | null> {
    return this.#orders.findOne({ _id: id });
  }

  findByIds(ids: readonly ObjectId[]): Promise<OrderDocument[]> {
    return this.#orders.find(idsFilter(ids)).toArray();
  }

  async insert(order: OrderDocument): Promise<OrderDocument> {
    await this.#inserts.insertOne(order);
    return order;
  }

  /**
   * Copies an event's state unless a later one is already here. Where conditional updates are
   * not atomic a slow writer can still put an older copy back: OrderTransitions settles after
   * writing, so the last writer leaves the copy equal to the log. Returns the order as written,
   * or null when a later copy was there (nothing written).
   */
  copyStatus(id: ObjectId, copy: StatusCopy): Promise<OrderDocument | null> {
    return this.#orders.findOneAndUpdate(
      { _id: id, statusSequence: { $lt: copy.sequence } },
      {
        $set: { status: copy.status, statusSequence: copy.sequence, trackingNumber: copy.trackingNumber, fulfillmentStates: copy.fulfillmentStates, updatedAt: copy.at },
      },
      { returnDocument: 'after' },
    );
  }

  /** Returns the order as written, to settle its status copy from (null when there is no such order). */
  markStockReleased(id: ObjectId): Promise<OrderDocument | null> {
    return this.#orders.findOneAndUpdate({ _id: id }, { $set: { stockReleasedAt: new Date() } }, { returnDocument: 'after' });
  }

  /** Sets stockConfirmedAt on those of these orders that lack it; their status copies are to be settled after. */
  async markStockConfirmed(ids: readonly ObjectId[]): Promise<void> {
    await this.#orders.updateMany({ ...idsFilter(ids), stockConfirmedAt: null }, { $set: { stockConfirmedAt: new Date() } });
  }

  /** Up to `limit` orders that the status copy says are PENDING past their payment deadline, oldest deadline first. */
  paymentOverdue(now: Date, limit: number): Promise<OrderDocument[]> {
    return this.#orders.find({ status: 'PENDING', paymentDueAt: { $lte: now } }).sort({ paymentDueAt: 1 }).limit(limit).toArray();
  }

  /** PENDING orders placed before `before` not marked as confirmed (see StockConfirmations: some are, and only not marked yet). */
  unconfirmed(before: Date, limit: number): Promise<OrderDocument[]> {
    return this.#orders.find({ status: 'PENDING', stockConfirmedAt: null, createdAt: { $lt: before } }).sort({ createdAt: 1 }).limit(limit).toArray();
  }

  /** CANCELLED orders whose stock has not been given back yet. */
  unreleased(limit: number): Promise<OrderDocument[]> {
    return this.#orders.find({ status: 'CANCELLED', stockReleasedAt: null }).sort({ updatedAt: 1 }).limit(limit).toArray();
  }

  /** Up to size + 1 orders of a buyer, or containing a seller's products, newest first. */
  page(owner: OrderOwner, args: { after?: PageArgs['after']; size: number }): Promise<OrderDocument[]> {
    return this.#orders
      .find({ ...ownerFilter(owner), ...afterCursorFilter<OrderDocument>(args.after) })
      .sort(NEWEST_FIRST)
      .limit(args.size + 1)
      .toArray();
  }

  count(owner: OrderOwner): Promise<number> {
    return this.#orders.countDocuments(ownerFilter(owner));
  }

  /** Up to size + 1 orders holding a fulfilment of the seller's in `status` (any status when null), newest first. */
  fulfillmentQueue(queue: FulfillmentQueue, args: { after?: PageArgs['after']; size: number }): Promise<OrderDocument[]> {
    return this.#orders
      .find({ ...queueFilter(queue), ...afterCursorFilter<OrderDocument>(args.after) })
      .sort(NEWEST_FIRST)
      .limit(args.size + 1)
      .toArray();
  }

  countFulfillmentQueue(queue: FulfillmentQueue): Promise<number> {
    return this.#orders.countDocuments(queueFilter(queue));
  }
}

/**
 * A seller's fulfilments, optionally in one status: `entry` is the copy's `<sellerId>:<status>`,
 * and `legacyStatuses` the order statuses that mean it on orders whose copy predates fulfilments.
 */
export interface FulfillmentQueue {
  sellerId: ObjectId;
  status?: { entry: string; legacyStatuses: OrderStatus[] } | null;
}

function queueFilter({ sellerId, status }: FulfillmentQueue): Filter<OrderDocument> {
  if (!status) return { sellerIds: sellerId };
  return {
    $or: [
      { fulfillmentStates: status.entry },
      { sellerIds: sellerId, fulfillmentStates: { $exists: false }, status: { $in: status.legacyStatuses } },
    ],
  };
}

function ownerFilter({ status, ...owner }: OrderOwner): Filter<OrderDocument> {
  return status ? { ...owner, status } : owner;
}
