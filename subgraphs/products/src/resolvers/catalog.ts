// Reading the catalog: one product, the filtered and sorted connection, and a seller's listings.
import { countTotal, pageSize, parseId, type CountedPage } from '@marketplace/service-kit';
import type { Identity } from '@marketplace/auth';
import type { ProductConnectionResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { and, encodeProductCursor, filterConditions, ordering, visibleTo, type ProductFilterInput, type ProductSort } from '../stores/catalog-query.ts';
import type { Context } from '../context.ts';
import type { ProductDocument } from '../stores/products.ts';

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
  const conditions = [
    visibleTo(identity),
    ...(await filterConditions(request.filter, async (id) => (await ctx.loaders.category.load(id)) !== null)),
  ];
  const order = ordering(sort, request.after);
  const docs = await ctx.products.find(and(order.after ? [...conditions, order.after] : conditions), order.sort, size + 1);
  const edges = docs.slice(0, size).map((node) => ({ cursor: encodeProductCursor(sort, node), node }));
  return {
    edges,
    pageInfo: { hasNextPage: docs.length > size, endCursor: edges.at(-1)?.cursor ?? null },
    count: () => ctx.products.count(and(conditions)),
  };
}

export const ProductConnection: ProductConnectionResolvers = { totalCount: countTotal };

export const catalogQueries: QueryResolvers = {
  product: (_parent, { id }, ctx) => ctx.loaders.product.load(parseId(id).toHexString()),
  products: (_parent, args, ctx) => catalogPage(ctx, ctx.identity, args),
  categories: (_parent, _args, ctx) => ctx.categories.children(null),
  category: (_parent, { slug }, ctx) => ctx.categories.findBySlug(slug.trim().toLowerCase()),
};
