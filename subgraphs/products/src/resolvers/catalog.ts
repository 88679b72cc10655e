// Reading and creating listings.
import { ObjectId } from 'mongodb';
import { pageSize, parseId, requireAnyRole, toPage } from '@marketplace/service-kit';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { validateDescription, validatePrice, validateStock, validateTitle } from '../validation.ts';

export const catalogQueries: QueryResolvers = {
  product: (_parent, { id }, ctx) => ctx.loaders.product.load(parseId(id).toHexString()),
  async products(_parent, { first, after }, ctx) {
    const size = pageSize(first);
    return toPage(await ctx.products.page({ after, size }), size);
  },
};

export const catalogMutations: Pick<MutationResolvers, 'createProduct'> = {
  async createProduct(_parent, { input }, ctx) {
    const seller = requireAnyRole(ctx.identity, ['SELLER', 'ADMIN'], 'create products');
    const product = {
      _id: new ObjectId(),
      title: validateTitle(input.title),
      description: validateDescription(input.description),
      price: validatePrice(input.price),
      stock: validateStock(input.stock),
      sellerId: new ObjectId(seller.userId),
    };
    await ctx.ledger.open(product._id, product.stock);
    return ctx.products.insert(product);
  },
};
