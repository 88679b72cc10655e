// The refunds collection: what has been given back of each order's payment, one record per refund.
//
// A refund is recorded once the payment provider has made it, under its refundId
// (`<orderId>:<fulfilmentId>`), so a refund asked for twice is recorded once. Only inserts.
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, isDuplicateKeyError, type Money } from '@marketplace/service-kit';

export interface RefundDocument {
  _id: string;
  orderId: ObjectId;
  fulfillmentId: string;
  amount: Money;
  at: Date;
}

export class Refunds {
  readonly #refunds: Collection<RefundDocument>;

  constructor(db: Db) {
    this.#refunds = db.collection<RefundDocument>('refunds');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#refunds, [{ key: { orderId: 1 }, name: 'by_order' }]);
  }

  async record(refund: RefundDocument): Promise<void> {
    try {
      await this.#refunds.insertOne(refund);
    } catch (error) {
      // Recorded by a racing or earlier attempt.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  has(refundId: string): Promise<boolean> {
    return this.#refunds.countDocuments({ _id: refundId }, { limit: 1 }).then((n) => n > 0);
  }

  forOrders(orderIds: readonly ObjectId[]): Promise<RefundDocument[]> {
    return this.#refunds.find({ orderId: { $in: [...orderIds] } }).toArray();
  }
}
