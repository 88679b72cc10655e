// The fulfillmentCancels collection: a seller's cancel whose stock and refund may not be settled yet.
//
// A check (`_id` the fulfilment id) is inserted before a fulfilment is cancelled and deleted once
// its stock is back and a payment for it refunded, or once the cancel was refused. A check left by
// a request that died is finished by the sweep from the order's log. Only inserts and deletes.
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, isDuplicateKeyError } from '@marketplace/service-kit';

export interface FulfillmentCancelCheck {
  _id: string;
  orderId: ObjectId;
  at: Date;
}

export class FulfillmentCancels {
  readonly #checks: Collection<FulfillmentCancelCheck>;

  constructor(db: Db) {
    this.#checks = db.collection<FulfillmentCancelCheck>('fulfillmentCancels');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#checks, [{ key: { at: 1 }, name: 'oldest_first' }]);
  }

  async open(fulfillmentId: string, orderId: ObjectId): Promise<void> {
    try {
      await this.#checks.insertOne({ _id: fulfillmentId, orderId, at: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async settle(fulfillmentId: string): Promise<void> {
    await this.#checks.deleteOne({ _id: fulfillmentId });
  }

  /** Up to `limit` checks opened before `before`, oldest first. */
  olderThan(before: Date, limit: number): Promise<FulfillmentCancelCheck[]> {
    return this.#checks.find({ at: { $lt: before } }).sort({ at: 1 }).limit(limit).toArray();
  }
}
