// Stock as an append-only ledger with one entry per version, so changes never oversell.
//
// Each change inserts the entry `<productId>:<version + 1>`. The _id is unique, so of two
// concurrent changes made from the same version exactly one insert succeeds; the other re-reads
// the latest entry and tries again. That holds on any MongoDB-compatible server, including ones
// whose conditional updates are not atomic. The product document keeps a copy of the latest
// entry (stock, stockVersion) for reads and filters; the ledger is the truth.
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, idsFilter, GroupCommit, insertNextVersion, isDuplicateKeyError, settleCopy, type ServiceMetrics } from '@marketplace/service-kit';
import type { ProductDocument } from './products.ts';

export interface StockEntry {
  _id: string;
  productId: ObjectId;
  version: number;
  delta: number;
  availableAfter: number;
  /** What caused the change: a reservation id, or "created". */
  reason: string;
  /** Names a change that must happen at most once (`take:<reservation>:<product>`); unique where set. */
  movement?: string;
  at: Date;
}

export interface StockState {
  version: number;
  available: number;
}

/** A change to make at most once (see applyOnce), built on a state already read (the product's copy, as loaded). */
export interface OnceChange {
  productId: ObjectId;
  delta: number;
  movement: string;
  from: StockState;
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

/** Thrown out of the versioned insert when the movement turned out to have happened already. */
class MovementDone extends Error {
  readonly entry: StockEntry;
  constructor(entry: StockEntry) {
    super(`movement ${entry.movement} already happened`);
    this.entry = entry;
  }
}

export class StockLedger {
  readonly #entries: Collection<StockEntry>;
  /** Entries of concurrent changes go to the server together (group commit). */
  readonly #inserts: GroupCommit<StockEntry>;
  readonly #products: Collection<ProductDocument>;
  /** The products' copies of concurrent changes go to the server together. */
  readonly #copies: GroupCommit<ProductDocument>;

  readonly #onRaceLost: ((retrying: boolean) => void) | undefined;

  constructor(db: Db, products: Collection<ProductDocument>, metrics?: ServiceMetrics) {
    this.#entries = db.collection<StockEntry>('stockLedger');
    this.#inserts = new GroupCommit(this.#entries);
    this.#products = products;
    this.#copies = new GroupCommit(products);
    if (metrics) {
      const conflicts = metrics.counter('products_stock_conflicts_total', 'Stock ledger writes that lost a race for their version to another writer');
      const retries = metrics.counter('products_stock_retries_total', 'Stock ledger writes tried again from the newer state after a lost race');
      this.#onRaceLost = (retrying) => {
        conflicts.inc();
        if (retrying) retries.inc();
      };
    }
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#entries, [
      { key: { productId: 1, version: -1 }, name: 'by_product_version' },
      { key: { movement: 1 }, name: 'one_per_movement', unique: true, sparse: true },
    ]);
  }

  /** The first entry of a new product; call before inserting the product document. */
  async open(productId: ObjectId, stock: number): Promise<void> {
    await this.#entries.insertOne(this.#entry(productId, { version: -1, available: 0 }, stock, 'created'));
  }

  /** Adds `delta` (negative to take stock) and returns the new state; never goes below zero. */
  async apply(productId: ObjectId, delta: number, reason: string): Promise<StockState> {
    const entry = await this.#append(productId, delta, reason);
    return { version: entry.version, available: entry.availableAfter };
  }

  /**
   * Adds `delta` under a movement name, at most once: a retry, a racing call or another replica
   * gets the entry that was made first and changes nothing. A movement's first entry decides it,
   * so a delta of 0 made first "voids" a movement that had not happened yet.
   */
  async applyOnce(productId: ObjectId, delta: number, movement: string): Promise<StockEntry> {
    const done = await this.#entries.findOne({ movement });
    if (done) return done;
    try {
      return await this.#append(productId, delta, movement, movement);
    } catch (error) {
      if (error instanceof MovementDone) return error.entry;
      throw error;
    }
  }

  /**
   * applyOnce for several products at once, each change built on the state the caller read: one
   * insert of every entry, one write of the products' copies and one look for newer entries. A
   * change whose state turned out stale (its version taken), whose movement had happened already,
   * or that the state read cannot cover, is then made alone by applyOnce, which reads afresh.
   * Returns the entry of each change, in order.
   */
  async applyOnceEach(changes: readonly OnceChange[]): Promise<StockEntry[]> {
    const entries = changes.map((c) => (c.from.available + c.delta >= 0 ? this.#entry(c.productId, c.from, c.delta, c.movement, c.movement) : null));
    const inserted = entries.filter((entry) => entry !== null);
    const lost = new Set<StockEntry>();
    const outcomes = await this.#inserts.insertEach(inserted);
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') return;
      if (!isDuplicateKeyError(outcome.reason)) throw outcome.reason;
      lost.add(inserted[i]!);
    });
    const made = inserted.filter((entry) => !lost.has(entry));
    if (made.length > 0) await this.#publish(made);
    return Promise.all(
      changes.map((c, i) => {
        const entry = entries[i];
        if (entry && !lost.has(entry)) return entry;
        return this.applyOnce(c.productId, c.delta, c.movement);
      }),
    );
  }

  /** The movements of these names that have happened (a void included), in no particular order. */
  movements(names: readonly string[]): Promise<StockEntry[]> {
    return this.#entries.find({ movement: { $in: [...names] } }).toArray();
  }

  async #append(productId: ObjectId, delta: number, reason: string, movement?: string): Promise<StockEntry> {
    let entry: StockEntry;
    try {
      ({ entry } = await insertNextVersion({
        read: (lost: StockState | undefined) => this.#stateToChange(productId, delta, lost),
        next: (state) => {
          if (state.available + delta < 0) throw new InsufficientStockError(productId, state.available);
          return this.#entry(productId, state, delta, reason, movement);
        },
        insert: (entry) => this.#insert(entry),
        maxAttempts: MAX_ATTEMPTS,
        contended: () => new Error(`stock of product ${productId.toHexString()} is too contended; try again`),
        ...(this.#onRaceLost ? { onRaceLost: this.#onRaceLost } : {}),
      }));
    } catch (error) {
      // Refused on the ledger's latest entry, which the copy may not show yet (its writer died
      // before copying it): the copy is brought up to date, so reads and filters stop offering it.
      if (error instanceof InsufficientStockError) await this.#settle(productId);
      throw error;
    }
    await this.#publish([entry]);
    return entry;
  }

  /**
   * Copies new entries to their products, then makes sure no copy was left behind. A copy is only
   * written over by an older one when a writer whose entry is older writes after a newer entry's
   * writer: that newer entry (version + 1) then exists, and finding it means settling the product
   * from the ledger. Every writer looks after its own copy write, so one that finds no next entry is
   * done: whoever makes it copies after this write. The copy's filter is the product alone: a guard
   * on its version would not hold where updates are not atomic (FerretDB 1.24 does not check it
   * again), and there it makes the server read every product for each update, as it cannot look
   * the document up by `_id` under such a filter. The copies go with those of concurrent changes
   * (group commit), whose counts do not tell whether this one's matched, so the look for newer
   * entries is made every time.
   */
  async #publish(entries: readonly StockEntry[]): Promise<void> {
    await Promise.all(
      entries.map((entry) =>
        this.#copies.updateOne({ _id: entry.productId }, { $set: { stock: entry.availableAfter, stockVersion: entry.version } }),
      ),
    );
    const ids = entries.map((entry) => `${entry.productId.toHexString()}:${entry.version + 1}`);
    const next = await this.#entries.find(idsFilter(ids), { projection: { productId: 1 } }).toArray();
    for (const newer of next) await this.#settle(newer.productId);
  }

  /** A duplicate of the version is a lost race (retried); a duplicate of the movement means it already happened. */
  async #insert(entry: StockEntry): Promise<void> {
    try {
      await this.#inserts.insertOne(entry);
    } catch (error) {
      if (!isDuplicateKeyError(error) || !entry.movement) throw error;
      const done = await this.#entries.findOne({ movement: entry.movement });
      if (done) throw new MovementDone(done);
      throw error;
    }
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

  #entry(productId: ObjectId, from: StockState, delta: number, reason: string, movement?: string): StockEntry {
    const version = from.version + 1;
    const entry: StockEntry = { _id: `${productId.toHexString()}:${version}`, productId, version, delta, availableAfter: from.available + delta, reason, at: new Date() };
    return movement ? { ...entry, movement } : entry;
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
