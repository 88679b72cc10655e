// The Product entity and the User fields the products subgraph adds.
import { pageSize, parseId } from '@marketplace/service-kit';
import type { ProductResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';
import { pageOf } from './catalog.ts';

export const Product: ProductResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.product.load(ref.id),
  id: (product) => product._id.toHexString(),
  seller: (product) => ({ id: product.sellerId.toHexString() }),
  category: (product, _args, ctx) => (product.categoryId ? ctx.loaders.category.load(product.categoryId.toHexString()) : null),
  attributes: (product) => product.attributes ?? [],
  images: (product) => product.images ?? [],
  status: (product) => product.status ?? 'ACTIVE',
  updatedAt: (product) => product.updatedAt ?? product.createdAt,
};

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  // Through loaders: the sellers of one request (a catalog page's, say) have their pages read together and counted in one query.
  products: async (user, { first, after }, ctx) => {
    const sellerId = parseId(user.id).toHexString();
    const size = pageSize(first);
    const docs = await ctx.loaders.sellerListings.load({ sellerId, size, after: after ?? null });
    return pageOf('NEWEST', docs, size, () => ctx.loaders.sellerListingCounts.load(sellerId));
  },
};
