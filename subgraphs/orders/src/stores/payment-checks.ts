// The paymentChecks collection: money that may have moved for an order and is not settled yet.
//
// A check is inserted before a payment is charged (`<orderId>:pay`) and before an order is
// cancelled (`<orderId>:cancel`), and deleted once the money is settled: the order paid, or the
// cancelled order refunded. Only inserts and deletes, so no concurrent write can undo one (on
// FerretDB an update rewrites the whole document). A check left behind by a request that died
// is settled by the sweep from the order's status: PAID or later, the payment stands; CANCELLED,
// it is refunded (refunding what was never charged changes nothing).
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, isDuplicateKeyError } from '@marketplace/service-kit';

export type PaymentCheckKind = 'pay' | 'cancel';

export interface PaymentCheck {
  _id: string;
  orderId: ObjectId;
  kind: PaymentCheckKind;
  /** For a payment: the fulfilments it is taken for (so a charge the log never recorded is refunded in full). */
  charged?: string[];
  at: Date;
}

export class PaymentChecks {
  readonly #checks: Collection<PaymentCheck>;

  constructor(db: Db) {
    this.#checks = db.collection<PaymentCheck>('paymentChecks');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#checks, [{ key: { at: 1 }, name: 'oldest_first' }]);
  }

  async open(orderId: ObjectId, kind: PaymentCheckKind, charged?: string[]): Promise<void> {
    try {
      await this.#checks.insertOne({ _id: `${orderId.toHexString()}:${kind}`, orderId, kind, ...(charged ? { charged } : {}), at: new Date() });
    } catch (error) {
      // A retry of the same step: one check is enough.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async settle(orderId: ObjectId, kind: PaymentCheckKind): Promise<void> {
    await this.#checks.deleteOne({ _id: `${orderId.toHexString()}:${kind}` });
  }

  /** Up to `limit` checks of each kind opened after `after` and before that kind's cutoff, oldest first. */
  olderThan(before: Record<PaymentCheckKind, Date>, after: Date, limit: number): Promise<PaymentCheck[]> {
    return this.#checks
      .find({ $or: [{ kind: 'pay', at: { $gt: after, $lt: before.pay } }, { kind: 'cancel', at: { $gt: after, $lt: before.cancel } }] })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
  }
}
