// Reading the catalog: one product, the filtered and sorted connection, and a seller's listings.
import type { Identity } from '@marketplace/auth';
import { countTotal, pageSize, parseId, type CountedPage } from '@marketplace/service-kit';
import type { ProductConnectionResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { visibilityOf } from '../catalog-visibility.ts';
import type { Context } from '../context.ts';
import { encodeProductCursor, type ProductSort } from '../stores/catalog-query.ts';
import type { ProductDocument } from '../stores/products.ts';
import { validateCatalogFilter, type ProductFilterInput } from '../validation.ts';

export interface CatalogRequest {
  filter?: ProductFilterInput | null;
  sort?: ProductSort | null;
  first?: number | null;
  after?: string | null;
}

export type CatalogPage = CountedPage<ProductDocument>;

/** One page of the catalog as `identity` may see it. */
export async function catalogPage(ctx: Context, identity: Identity, request: CatalogRequest): Promise<CatalogPage> {
  const sort = request.sort ?? 'NEWEST';
  const size = pageSize(request.first);
  const filter = await validateCatalogFilter(request.filter, async (id) => (await ctx.loaders.category.load(id)) !== null);
  const query = { visibility: visibilityOf(identity), filter };
  const docs = await ctx.stores.products.catalogPage(query, { sort, after: request.after, size });
  return pageOf(sort, docs, size, () => ctx.stores.products.countCatalog(query));
}

/** A page of `size` products from up to size + 1 read in `sort` order; `count` runs only when totalCount is asked for. */
export function pageOf(sort: ProductSort, docs: ProductDocument[], size: number, count: () => Promise<number>): CatalogPage {
  const edges = docs.slice(0, size).map((node) => ({ cursor: encodeProductCursor(sort, node), node }));
  return { edges, pageInfo: { hasNextPage: docs.length > size, endCursor: edges.at(-1)?.cursor ?? null }, count };
}

export const ProductConnection: ProductConnectionResolvers = { totalCount: countTotal };

export const catalogQueries: QueryResolvers = {
  product: (_parent, { id }, ctx) => ctx.loaders.product.load(parseId(id).toHexString()),
  products: (_parent, args, ctx) => catalogPage(ctx, ctx.identity, args),
  categories: (_parent, _args, ctx) => ctx.stores.categories.children(null),
  category: (_parent, { slug }, ctx) => ctx.stores.categories.findBySlug(slug.trim().toLowerCase()),
};
