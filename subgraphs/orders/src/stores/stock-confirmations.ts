// The stockConfirmations collection: orders whose reservation the products service has confirmed.
//
// A placement records its confirmation with one insert (`_id` = the order's id) rather than an
// update of the order, so it never rewrites the order document (where updates rewrite whole
// documents, that would have to be followed by settling the status copy). The order's own
// `stockConfirmedAt` is set later, many at once, by the stock-confirmations sweep, which reads
// both: an order is confirmed when either says so. Only inserts.
import type { Collection, Db, ObjectId } from 'mongodb';
import { idsFilter, GroupCommit, isDuplicateKeyError } from '@marketplace/service-kit';

export interface StockConfirmation {
  _id: ObjectId;
  at: Date;
}

export class StockConfirmations {
  readonly #confirmations: Collection<StockConfirmation>;
  /** Confirmations of concurrent placements go to the server together (group commit). */
  readonly #inserts: GroupCommit<StockConfirmation>;

  constructor(db: Db) {
    this.#confirmations = db.collection<StockConfirmation>('stockConfirmations');
    this.#inserts = new GroupCommit(this.#confirmations);
  }

  async record(orderId: ObjectId): Promise<void> {
    try {
      await this.#inserts.insertOne({ _id: orderId, at: new Date() });
    } catch (error) {
      // Recorded by a racing or earlier confirmation.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async has(orderId: ObjectId): Promise<boolean> {
    return (await this.#confirmations.findOne({ _id: orderId }, { projection: { _id: 1 } })) !== null;
  }

  /** Which of these orders are recorded as confirmed. */
  async among(orderIds: readonly ObjectId[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const found = await this.#confirmations.find(idsFilter(orderIds), { projection: { _id: 1 } }).toArray();
    return new Set(found.map((c) => c._id.toHexString()));
  }
}
