// The openOrderSlots collection: one numbered slot per unpaid order, so a buyer's limit holds under racing placements.
//
// Slot n of a buyer has the _id `<buyerId>:<n>`; of two placements that pick the same free number
// only one inserts it, and the other picks again. A buyer with every number below the limit taken
// is refused. A slot is freed when its order leaves PENDING, or by the sweep when the placement
// that took it died before recording the order.
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, GroupCommit, isDuplicateKeyError } from '@marketplace/service-kit';

export interface OpenOrderSlot {
  _id: string;
  buyerId: ObjectId;
  slot: number;
  orderId: ObjectId;
  takenAt: Date;
  /** When the sweep last found the slot still in use; it looks again after a while. */
  checkedAt: Date;
}

/** Attempts to find a free number before giving up on a placement storm. */
const MAX_ATTEMPTS = 50;

export class OpenOrderSlots {
  readonly #slots: Collection<OpenOrderSlot>;
  /** Slots taken by concurrent placements go to the server together (group commit). */
  readonly #inserts: GroupCommit<OpenOrderSlot>;

  constructor(db: Db) {
    this.#slots = db.collection<OpenOrderSlot>('openOrderSlots');
    this.#inserts = new GroupCommit(this.#slots);
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#slots, [
      { key: { buyerId: 1 }, name: 'by_buyer' },
      { key: { orderId: 1 }, name: 'by_order' },
      { key: { checkedAt: 1 }, name: 'by_checked' },
    ]);
  }

  /**
   * Takes a free slot below `limit` for the order; false when all of them are taken. A number
   * picked at random is tried before any is read: a buyer with few unpaid orders mostly gets it
   * with that one insert, and only a taken number costs a look at which are free.
   */
  async take(buyerId: ObjectId, orderId: ObjectId, limit: number): Promise<boolean> {
    if (limit <= 0) return false;
    if (await this.#insert(buyerId, Math.floor(Math.random() * limit), orderId)) return true;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const taken = await this.#slots.find({ buyerId }, { projection: { slot: 1 } }).toArray();
      if (taken.length >= limit) return false;
      const used = new Set(taken.map((s) => s.slot));
      const free = [...Array(limit).keys()].filter((n) => !used.has(n));
      if (free.length === 0) return false;
      // A random free number, so racing placements rarely pick the same one.
      if (await this.#insert(buyerId, free[Math.floor(Math.random() * free.length)]!, orderId)) return true;
    }
    throw new Error('too many placements at once for one buyer; try again');
  }

  /** False when another order holds the number. */
  async #insert(buyerId: ObjectId, slot: number, orderId: ObjectId): Promise<boolean> {
    const now = new Date();
    try {
      await this.#inserts.insertOne({ _id: `${buyerId.toHexString()}:${slot}`, buyerId, slot, orderId, takenAt: now, checkedAt: now });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return false;
    }
  }

  async free(orderId: ObjectId): Promise<void> {
    await this.#slots.deleteMany({ orderId });
  }

  /** Up to `limit` slots not looked at since `before`, least recently checked first. */
  unchecked(before: Date, limit: number): Promise<OpenOrderSlot[]> {
    return this.#slots.find({ checkedAt: { $lt: before } }).sort({ checkedAt: 1 }).limit(limit).toArray();
  }

  async markChecked(id: string): Promise<void> {
    await this.#slots.updateOne({ _id: id }, { $set: { checkedAt: new Date() } });
  }
}
