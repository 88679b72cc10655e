// The Product entity and the User fields the products subgraph adds.
import { pageSize, toPage, parseId } from '@marketplace/service-kit';
import type { ProductResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';

export const Product: ProductResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.product.load(ref.id),
  id: (product) => product._id.toHexString(),
  seller: (product) => ({ id: product.sellerId.toHexString() }),
};

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async products(user, { first, after }, ctx) {
    const size = pageSize(first);
    return toPage(await ctx.products.page({ sellerId: parseId(user.id), after, size }), size);
  },
};
