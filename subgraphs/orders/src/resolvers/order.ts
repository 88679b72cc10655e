// The Order entity, its lines, and the order history the orders subgraph adds to User.
import { pageSize, parseId, toPage } from '@marketplace/service-kit';
import type { OrderItemResolvers, OrderResolvers, QueryResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadHistory, assertCanReadOrder } from '../access.ts';
import type { Context } from '../context.ts';
import { lineTotal } from '../pricing.ts';

async function readableOrder(id: string, ctx: Context) {
  const order = await ctx.loaders.order.load(id);
  if (order) assertCanReadOrder(ctx.identity, order);
  return order;
}

export const orderQueries: QueryResolvers = {
  order: (_parent, { id }, ctx) => readableOrder(parseId(id).toHexString(), ctx),
};

export const Order: OrderResolvers = {
  __resolveReference: (ref, ctx) => readableOrder(ref.id, ctx),
  id: (order) => order._id.toHexString(),
  buyer: (order) => ({ id: order.buyerId.toHexString() }),
};

export const OrderItem: OrderItemResolvers = {
  product: (item) => ({ id: item.productId.toHexString() }),
  lineTotal: (item) => lineTotal(item.unitPrice, item.quantity),
};

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async orders(user, { first, after }, ctx) {
    assertCanReadHistory(ctx.identity, user.id);
    const size = pageSize(first);
    return toPage(await ctx.store.page({ buyerId: parseId(user.id) }, { after, size }), size);
  },
  async sales(user, { first, after }, ctx) {
    assertCanReadHistory(ctx.identity, user.id);
    const size = pageSize(first);
    return toPage(await ctx.store.page({ sellerIds: parseId(user.id) }, { after, size }), size);
  },
};
