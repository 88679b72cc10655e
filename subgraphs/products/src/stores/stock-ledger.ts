// Stock as an append-only ledger with one entry per version, so changes never oversell.
//
// Each change inserts the entry `<productId>:<version + 1>`. The _id is unique, so of two
// concurrent changes made from the same version exactly one insert succeeds; the other re-reads
// the latest entry and tries again. That holds on any MongoDB-compatible server, including ones
// whose conditional updates are not atomic. The product document keeps a copy of the latest
// entry (stock, stockVersion) for reads and filters; the ledger is the truth.
import type { Collection, Db, ObjectId } from 'mongodb';
import { insertNextVersion, settleCopy } from '@marketplace/service-kit';
import type { ProductDocument } from './products.ts';

export interface StockEntry {
  _id: string;
  productId: ObjectId;
  version: number;
  delta: number;
  availableAfter: number;
  /** What caused the change: a reservation id, or "created". */
  reason: string;
  at: Date;
}

export interface StockState {
  version: number;
  available: number;
}

export class InsufficientStockError extends Error {
  override name = 'InsufficientStockError';
  readonly productId: ObjectId;
  readonly available: number;
  constructor(productId: ObjectId, available: number) {
    super(`only ${available} in stock`);
    this.productId = productId;
    this.available = available;
  }
}

const MAX_ATTEMPTS = 200;

export class StockLedger {
  readonly #entries: Collection<StockEntry>;
  readonly #products: Collection<ProductDocument>;

  constructor(db: Db, products: Collection<ProductDocument>) {
    this.#entries = db.collection<StockEntry>('stockLedger');
    this.#products = products;
  }

  async ensureIndexes(): Promise<void> {
    await this.#entries.createIndex({ productId: 1, version: -1 }, { name: 'by_product_version' });
  }

  /** The first entry of a new product; call before inserting the product document. */
  async open(productId: ObjectId, stock: number): Promise<void> {
    await this.#entries.insertOne(this.#entry(productId, { version: -1, available: 0 }, stock, 'created'));
  }

  /** Adds `delta` (negative to take stock) and returns the new state; never goes below zero. */
  async apply(productId: ObjectId, delta: number, reason: string): Promise<StockState> {
    const { entry } = await insertNextVersion({
      read: (lost: StockState | undefined) => this.#stateToChange(productId, delta, lost),
      next: (state) => {
        if (state.available + delta < 0) throw new InsufficientStockError(productId, state.available);
        return this.#entry(productId, state, delta, reason);
      },
      insert: (entry) => this.#entries.insertOne(entry),
      maxAttempts: MAX_ATTEMPTS,
      contended: () => new Error(`stock of product ${productId.toHexString()} is too contended; try again`),
    });
    const next = { version: entry.version, available: entry.availableAfter };
    await this.#copyToProduct(productId, next);
    await this.#settle(productId);
    return next;
  }

  /**
   * The state to build the change on: the product's copy at first, the ledger's newer entry after
   * losing a race. A state too low for the change is looked up again in the ledger, which may have
   * moved on from the copy; only the latest entry can refuse it.
   */
  async #stateToChange(productId: ObjectId, delta: number, lost: StockState | undefined): Promise<StockState> {
    let state = lost ? ((await this.#latestAfter(productId, lost.version)) ?? lost) : await this.#cached(productId);
    while (state.available + delta < 0) {
      const newer = await this.#latestAfter(productId, state.version);
      if (!newer) break;
      state = newer;
    }
    return state;
  }

  #entry(productId: ObjectId, from: StockState, delta: number, reason: string): StockEntry {
    const version = from.version + 1;
    return { _id: `${productId.toHexString()}:${version}`, productId, version, delta, availableAfter: from.available + delta, reason, at: new Date() };
  }

  async #cached(productId: ObjectId): Promise<StockState> {
    const product = await this.#products.findOne({ _id: productId }, { projection: { stock: 1, stockVersion: 1 } });
    if (!product) throw new Error(`product ${productId.toHexString()} has no stock`);
    return { version: product.stockVersion, available: product.stock };
  }

  async #latestAfter(productId: ObjectId, version: number): Promise<StockState | null> {
    const latest = await this.#entries.find({ productId, version: { $gt: version } }).sort({ version: -1 }).limit(1).next();
    return latest ? { version: latest.version, available: latest.availableAfter } : null;
  }

  /** Brings the product's copy up to the latest entry (see settleCopy). */
  #settle(productId: ObjectId): Promise<void> {
    return settleCopy({
      read: async () => {
        const latest = await this.#latestAfter(productId, -1);
        const cached = await this.#cached(productId);
        return latest ? { latest, copied: cached.version } : null;
      },
      version: (state) => state.version,
      write: (state) => this.#copyToProduct(productId, state),
    });
  }

  /** The copy only moves forward where updates are atomic; see #settle for where they are not. */
  async #copyToProduct(productId: ObjectId, state: StockState): Promise<void> {
    await this.#products.updateOne(
      { _id: productId, stockVersion: { $lt: state.version } },
      { $set: { stock: state.available, stockVersion: state.version } },
    );
  }
}
