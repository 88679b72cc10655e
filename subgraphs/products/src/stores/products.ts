// The products service's catalog collection: listings, their indexes and queries.
import type { Collection, Db, ObjectId } from 'mongodb';
import { anyOfFilter, ensureIndexes, idsFilter, type Money } from '@marketplace/service-kit';
import { attributeKey, searchTermsOf, titleKey } from '../search-terms.ts';
import { catalogFilter, catalogPageQuery, type CatalogQuery, type ProductSort } from './catalog-query.ts';

export interface Attribute {
  name: string;
  value: string;
}

export type ProductStatus = 'ACTIVE' | 'ARCHIVED';

export interface ProductDocument {
  _id: ObjectId;
  title: string;
  description: string;
  price: Money;
  sellerId: ObjectId;
  categoryId: ObjectId | null;
  /** The category and its ancestors, so a category filter includes descendants in one query. */
  categoryPath: ObjectId[];
  attributes: Attribute[];
  /** Normalized "name=value" strings for attribute filters. */
  attributeKeys: string[];
  images: string[];
  status: ProductStatus;
  /** Normalized words of title, description and attribute values (multikey index). */
  searchTerms: string[];
  titleKey: string;
  /** Units available, a copy of the stock ledger's latest entry (see stock-ledger.ts). */
  stock: number;
  /** Version of the ledger entry `stock` was copied from. */
  stockVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A user as the products subgraph knows them: only the id. */
export interface SellerRef {
  id: string;
}

/** What a seller decides about a listing; everything else is derived. */
export interface ListingFields {
  title: string;
  description: string;
  price: Money;
  categoryId: ObjectId | null;
  categoryPath: ObjectId[];
  attributes: Attribute[];
  images: string[];
}

function derived(fields: ListingFields) {
  return {
    ...fields,
    attributeKeys: fields.attributes.map((a) => attributeKey(a.name, a.value)),
    searchTerms: searchTermsOf(fields),
    titleKey: titleKey(fields.title),
  };
}

export class ProductsStore {
  readonly products: Collection<ProductDocument>;

  constructor(db: Db) {
    this.products = db.collection<ProductDocument>('products');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.products, [
      { key: { sellerId: 1, createdAt: -1, _id: -1 }, name: 'by_seller_newest' },
      { key: { status: 1, createdAt: -1, _id: -1 }, name: 'newest' },
      { key: { status: 1, 'price.amount': 1, _id: 1 }, name: 'by_price' },
      { key: { status: 1, titleKey: 1, _id: 1 }, name: 'by_title' },
      { key: { searchTerms: 1 }, name: 'search_terms' },
      { key: { categoryPath: 1 }, name: 'by_category' },
      { key: { attributeKeys: 1 }, name: 'by_attribute' },
    ]);
  }

  findByIds(ids: readonly ObjectId[]): Promise<ProductDocument[]> {
    return this.products.find(idsFilter(ids)).toArray();
  }

  async insert(listing: ListingFields & { _id: ObjectId; sellerId: ObjectId; stock: number }): Promise<ProductDocument> {
    const now = new Date();
    const { _id, sellerId, stock, ...fields } = listing;
    const doc: ProductDocument = { _id, sellerId, stock, stockVersion: 0, status: 'ACTIVE', ...derived(fields), createdAt: now, updatedAt: now };
    await this.products.insertOne(doc);
    return doc;
  }

  /** Replaces the seller's fields (and what derives from them); stock is left to the ledger. */
  async updateListing(id: ObjectId, fields: ListingFields): Promise<ProductDocument | null> {
    return this.products.findOneAndUpdate({ _id: id }, { $set: { ...derived(fields), updatedAt: new Date() } }, { returnDocument: 'after' });
  }

  async setStatus(id: ObjectId, status: ProductStatus): Promise<ProductDocument | null> {
    return this.products.findOneAndUpdate({ _id: id }, { $set: { status, updatedAt: new Date() } }, { returnDocument: 'after' });
  }

  /** Up to size + 1 products the query matches after the cursor, in `sort` order. */
  catalogPage(query: CatalogQuery, page: { sort: ProductSort; after?: string | null; size: number }): Promise<ProductDocument[]> {
    const { filter, sort } = catalogPageQuery(query, page.sort, page.after);
    return this.products.find(filter).sort(sort).limit(page.size + 1).toArray();
  }

  countCatalog(query: CatalogQuery): Promise<number> {
    return this.products.countDocuments(catalogFilter(query));
  }

  /** For each of these sellers, how many of their products the query matches: one aggregation for all; a seller with none is left out. */
  async countCatalogBySeller(query: CatalogQuery, sellerIds: readonly ObjectId[]): Promise<Map<string, number>> {
    const { sellerId: _seller, ...filter } = query.filter;
    const rows = await this.products
      .aggregate<{ _id: ObjectId; count: number }>([{ $match: { $and: [catalogFilter({ ...query, filter }), anyOfFilter('sellerId', sellerIds)] } }, { $group: { _id: '$sellerId', count: { $sum: 1 } } }])
      .toArray();
    return new Map(rows.map((row) => [row._id.toHexString(), row.count]));
  }
}
