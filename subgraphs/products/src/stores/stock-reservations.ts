// Stock held for an order: every item reserved or none, released at most once.
import type { Collection, Db, ObjectId } from 'mongodb';
import { isDuplicateKeyError, type Money } from '@marketplace/service-kit';
import type { ProductDocument } from './products.ts';
import { InsufficientStockError, type StockLedger } from './stock-ledger.ts';

export interface ReservedLine {
  productId: ObjectId;
  sellerId: ObjectId;
  title: string;
  quantity: number;
  unitPrice: Money;
}

export interface ReservationDocument {
  /** Chosen by the caller (the order id), so a retried call finds the first one. */
  _id: string;
  status: 'PENDING' | 'RESERVED' | 'FAILED' | 'RELEASED';
  items: ReservedLine[];
  createdAt: Date;
  updatedAt: Date;
}

export class ReservationConflictError extends Error {
  override name = 'ReservationConflictError';
}

export class Reservations {
  readonly #reservations: Collection<ReservationDocument>;
  /** One document per released reservation: its unique _id makes a release happen once. */
  readonly #releases: Collection<{ _id: string; at: Date }>;
  readonly #ledger: StockLedger;

  constructor(db: Db, ledger: StockLedger) {
    this.#reservations = db.collection<ReservationDocument>('stockReservations');
    this.#releases = db.collection('stockReleases');
    this.#ledger = ledger;
  }

  find(id: string): Promise<ReservationDocument | null> {
    return this.#reservations.findOne({ _id: id });
  }

  /**
   * Takes `quantity` of each product, in product id order, or nothing: when one line cannot be
   * had, the lines already taken are given back and InsufficientStockError is thrown.
   */
  async reserve(id: string, lines: { product: ProductDocument; quantity: number }[]): Promise<ReservationDocument> {
    const now = new Date();
    const doc: ReservationDocument = {
      _id: id,
      status: 'PENDING',
      items: lines.map(({ product, quantity }) => ({
        productId: product._id,
        sellerId: product.sellerId,
        title: product.title,
        quantity,
        unitPrice: product.price,
      })),
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.#reservations.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await this.find(id);
      if (existing?.status === 'RESERVED') return existing;
      throw new ReservationConflictError(`reservation ${id} already exists (${existing?.status ?? 'unknown'})`);
    }
    const taken: ReservedLine[] = [];
    try {
      for (const line of doc.items) {
        await this.#ledger.apply(line.productId, -line.quantity, `reserve:${id}`);
        taken.push(line);
      }
    } catch (error) {
      await this.#giveBack(id, taken);
      await this.#setStatus(id, 'FAILED');
      throw error;
    }
    await this.#setStatus(id, 'RESERVED');
    return { ...doc, status: 'RESERVED' };
  }

  /** Gives a reservation's stock back; a second release (retry or race) changes nothing. */
  async release(id: string): Promise<ReservationDocument | null> {
    const reservation = await this.find(id);
    if (!reservation || reservation.status !== 'RESERVED') return reservation;
    try {
      await this.#releases.insertOne({ _id: id, at: new Date() });
    } catch (error) {
      if (isDuplicateKeyError(error)) return { ...reservation, status: 'RELEASED' };
      throw error;
    }
    await this.#giveBack(id, reservation.items);
    await this.#setStatus(id, 'RELEASED');
    return { ...reservation, status: 'RELEASED' };
  }

  async #giveBack(id: string, lines: ReservedLine[]): Promise<void> {
    for (const line of lines) await this.#ledger.apply(line.productId, line.quantity, `release:${id}`);
  }

  async #setStatus(id: string, status: ReservationDocument['status']): Promise<void> {
    await this.#reservations.updateOne({ _id: id }, { $set: { status, updatedAt: new Date() } });
  }
}

export { InsufficientStockError };
