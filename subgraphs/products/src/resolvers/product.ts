// The Product entity and the User fields the products subgraph adds.
import { parseId } from '@marketplace/service-kit';
import type { ProductResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';
import { catalogPage } from './catalog.ts';

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
  products: (user, { first, after }, ctx) =>
    catalogPage(ctx, ctx.identity, { filter: { sellerId: parseId(user.id).toHexString() }, sort: 'NEWEST', first, after }),
};
