// The products service's catalog collection: listings, their indexes and queries.
import { ObjectId, type Collection, type Db } from 'mongodb';
import { afterCursorFilter, NEWEST_FIRST, type PageArgs } from '@marketplace/service-kit';

export interface Money {
  amount: number;
  currency: string;
}

export interface ProductDocument {
  _id: ObjectId;
  title: string;
  description: string;
  price: Money;
  sellerId: ObjectId;
  /** Units available, a cache of the stock ledger's latest entry (see stock/ledger.ts). */
  stock: number;
  /** Version of the ledger entry `stock` was copied from. */
  stockVersion: number;
  createdAt: Date;
}

/** A user as the products subgraph knows them: only the id. */
export interface SellerRef {
  id: string;
}

export type NewProduct = Pick<ProductDocument, 'title' | 'description' | 'price' | 'sellerId' | 'stock'>;

export class ProductsStore {
  readonly products: Collection<ProductDocument>;

  constructor(db: Db) {
    this.products = db.collection<ProductDocument>('products');
  }

  async ensureIndexes(): Promise<void> {
    await this.products.createIndexes([
      { key: { sellerId: 1, createdAt: -1, _id: -1 }, name: 'by_seller_newest' },
      { key: { createdAt: -1, _id: -1 }, name: 'newest' },
    ]);
  }

  findByIds(ids: readonly ObjectId[]): Promise<ProductDocument[]> {
    return this.products.find({ _id: { $in: [...ids] } }).toArray();
  }

  async insert(product: NewProduct & { _id?: ObjectId }): Promise<ProductDocument> {
    const doc: ProductDocument = { _id: new ObjectId(), createdAt: new Date(), stockVersion: 0, ...product };
    await this.products.insertOne(doc);
    return doc;
  }

  /** Up to size + 1 products, newest first, optionally of one seller. */
  page(args: { sellerId?: ObjectId; after?: PageArgs['after']; size: number }): Promise<ProductDocument[]> {
    const filter = { ...(args.sellerId ? { sellerId: args.sellerId } : {}), ...afterCursorFilter<ProductDocument>(args.after) };
    return this.products.find(filter).sort(NEWEST_FIRST).limit(args.size + 1).toArray();
  }
}
