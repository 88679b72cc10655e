// The orders service's only door to MongoDB: the orders collection, its indexes and queries.
import type { Collection, Db, ObjectId } from 'mongodb';
import { afterCursorFilter, NEWEST_FIRST, type PageArgs } from '@marketplace/service-kit';

export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface Money {
  amount: number;
  currency: string;
}

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
  status: OrderStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Entities owned by other subgraphs, known here only by id. */
export interface BuyerRef {
  id: string;
}
export interface ProductRef {
  id: string;
}

export class OrdersStore {
  readonly #orders: Collection<OrderDocument>;

  constructor(db: Db) {
    this.#orders = db.collection<OrderDocument>('orders');
  }

  async ensureIndexes(): Promise<void> {
    await this.#orders.createIndexes([
      { key: { buyerId: 1, createdAt: -1, _id: -1 }, name: 'by_buyer_newest' },
      { key: { sellerIds: 1, createdAt: -1, _id: -1 }, name: 'by_seller_newest' },
    ]);
  }

  findByIds(ids: readonly ObjectId[]): Promise<OrderDocument[]> {
    return this.#orders.find({ _id: { $in: [...ids] } }).toArray();
  }

  async insert(order: OrderDocument): Promise<OrderDocument> {
    await this.#orders.insertOne(order);
    return order;
  }

  /** Up to size + 1 orders of a buyer, or containing a seller's products, newest first. */
  page(owner: { buyerId: ObjectId } | { sellerIds: ObjectId }, args: { after?: PageArgs['after']; size: number }): Promise<OrderDocument[]> {
    return this.#orders
      .find({ ...owner, ...afterCursorFilter<OrderDocument>(args.after) })
      .sort(NEWEST_FIRST)
      .limit(args.size + 1)
      .toArray();
  }
}
