// Sellers managing their listings: create, update, archive, adjust stock.
import { ObjectId } from 'mongodb';
import { hasRole } from '@marketplace/auth';
import { badUserInput, forbidden, notFound, parseId, requireAnyRole, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { InsufficientStockError } from '../stores/stock-ledger.ts';
import type { ListingFields, ProductDocument } from '../stores/products.ts';
import { MAX_STOCK, validateAttributes, validateDescription, validateImages, validatePrice, validateStock, validateTitle } from '../validation.ts';

async function categoryFields(ctx: Context, categoryId: string | null | undefined) {
  if (!categoryId) return { categoryId: null, categoryPath: [] };
  const id = parseId(categoryId, 'categoryId');
  const category = await ctx.loaders.category.load(id.toHexString());
  if (!category) throw badUserInput(`category ${categoryId} does not exist`, 'categoryId');
  return { categoryId: category._id, categoryPath: [category._id, ...category.ancestors] };
}

/** The product, if the caller is its seller or an ADMIN. */
async function ownProduct(ctx: Context, id: string): Promise<ProductDocument> {
  const user = requireUser(ctx.identity);
  const product = await ctx.loaders.product.load(parseId(id).toHexString());
  if (!product) throw notFound(`product ${id} does not exist`);
  if (product.sellerId.toHexString() !== user.userId && !hasRole(ctx.identity, 'ADMIN')) {
    throw forbidden("only the product's seller or an ADMIN can change it");
  }
  return product;
}

export const listingMutations: Pick<MutationResolvers, 'createProduct' | 'updateProduct' | 'archiveProduct' | 'adjustStock'> = {
  async createProduct(_parent, { input }, ctx) {
    const seller = requireAnyRole(ctx.identity, ['SELLER', 'ADMIN'], 'create products');
    const fields: ListingFields = {
      title: validateTitle(input.title),
      description: validateDescription(input.description),
      price: validatePrice(input.price),
      attributes: validateAttributes(input.attributes ?? []),
      images: validateImages(input.images ?? []),
      ...(await categoryFields(ctx, input.categoryId)),
    };
    const stock = validateStock(input.stock);
    const _id = new ObjectId();
    await ctx.stores.ledger.open(_id, stock);
    return ctx.stores.products.insert({ _id, sellerId: new ObjectId(seller.userId), stock, ...fields });
  },

  async updateProduct(_parent, { id, input }, ctx) {
    const product = await ownProduct(ctx, id);
    const fields: ListingFields = {
      title: input.title != null ? validateTitle(input.title) : product.title,
      description: input.description != null ? validateDescription(input.description) : product.description,
      price: input.price ? validatePrice(input.price) : product.price,
      attributes: input.attributes ? validateAttributes(input.attributes) : product.attributes,
      images: input.images ? validateImages(input.images) : product.images,
      ...(input.categoryId !== undefined ? await categoryFields(ctx, input.categoryId) : { categoryId: product.categoryId, categoryPath: product.categoryPath }),
    };
    const updated = await ctx.stores.products.updateListing(product._id, fields);
    if (!updated) throw notFound(`product ${id} does not exist`);
    return updated;
  },

  async archiveProduct(_parent, { id }, ctx) {
    const product = await ownProduct(ctx, id);
    if (product.status === 'ARCHIVED') return product;
    return (await ctx.stores.products.setStatus(product._id, 'ARCHIVED')) ?? product;
  },

  async adjustStock(_parent, { id, delta }, ctx) {
    const product = await ownProduct(ctx, id);
    if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta) > MAX_STOCK) {
      throw badUserInput(`delta must be a non-zero integer from -${MAX_STOCK} to ${MAX_STOCK}`, 'delta');
    }
    try {
      const state = await ctx.stores.ledger.apply(product._id, delta, `adjust:${requireUser(ctx.identity).userId}`);
      if (state.available > MAX_STOCK) {
        await ctx.stores.ledger.apply(product._id, -delta, 'adjust:undo');
        throw badUserInput(`stock must stay at most ${MAX_STOCK}`, 'delta');
      }
    } catch (error) {
      if (error instanceof InsufficientStockError) {
        throw badUserInput(`stock cannot go below zero: ${error.available} available`, 'delta');
      }
      throw error;
    }
    return (await ctx.stores.products.findByIds([product._id]))[0] ?? product;
  },
};
