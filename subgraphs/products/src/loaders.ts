// Per-request DataLoaders: many products or categories by id in one query each, the children of
// many categories in one query, and the sellers' listings (User.products) of a request together.
import DataLoader from 'dataloader';
import { ObjectId } from 'mongodb';
import { createByIdLoader, createPerKeyLoader, observedBatches, type LoaderBatches } from '@marketplace/service-kit';
import type { Visibility } from './stores/catalog-query.ts';
import type { CategoryDocument } from './stores/categories.ts';
import type { Stores } from './stores/index.ts';
import type { ProductDocument } from './stores/products.ts';

/** One page of a seller's listings, newest first: `size` products after the cursor. */
export interface SellerPageKey {
  sellerId: string;
  size: number;
  after: string | null;
}

export interface Loaders {
  product: DataLoader<string, ProductDocument | null>;
  category: DataLoader<string, CategoryDocument | null>;
  /** The children of a category (by id), by name. */
  categoryChildren: DataLoader<string, CategoryDocument[]>;
  /**
   * Up to size + 1 of a seller's listings as the caller may see them. First-N per seller cannot
   * be one query for many sellers on every server (no $facet, $unionWith or $topN on FerretDB),
   * so each distinct page is one query, and a request's pages run concurrently.
   */
  sellerListings: DataLoader<SellerPageKey, ProductDocument[], string>;
  /** How many listings of a seller the caller may see: one count for all the sellers of a request. */
  sellerListingCounts: DataLoader<string, number>;
}

/** `visibility`: what the request's caller may see of the catalog. */
export function createLoaders({ products, categories }: Stores, batches: LoaderBatches, visibility: Visibility): Loaders {
  const listingsOf = (sellerId: ObjectId) => ({ visibility, filter: { terms: [], attributeKeys: [], sellerId } });
  return {
    product: createByIdLoader((ids) => products.findByIds(ids), batches('product')),
    category: createByIdLoader((ids) => categories.findByIds(ids), batches('category')),
    categoryChildren: new DataLoader(
      observedBatches(batches('categoryChildren'), async (ids: readonly string[]) => {
        const children = await categories.childrenOf(ids.map((id) => new ObjectId(id)));
        return ids.map((id) => children.get(id) ?? []);
      }),
    ),
    sellerListings: createPerKeyLoader(
      (key) => `${key.sellerId}:${key.size}:${key.after ?? ''}`,
      (key) => products.catalogPage(listingsOf(new ObjectId(key.sellerId)), { sort: 'NEWEST', after: key.after, size: key.size }),
      batches('sellerListings'),
    ),
    sellerListingCounts: new DataLoader(
      observedBatches(batches('sellerListingCounts'), async (ids: readonly string[]) => {
        const counts = await products.countCatalogBySeller(listingsOf(new ObjectId(ids[0])), ids.map((id) => new ObjectId(id)));
        return ids.map((id) => counts.get(id) ?? 0);
      }),
    ),
  };
}
