// The order histories the orders subgraph adds to User: orders bought and orders sold.
import { countTotal, pageSize, parseId, toPage, type CountedPage } from '@marketplace/service-kit';
import type { OrderConnectionResolvers, UserResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadHistory } from '../access.ts';
import type { Context } from '../context.ts';
import type { OrderDocument, OrderOwner } from '../stores/orders.ts';

export type OrderPage = CountedPage<OrderDocument>;

/** Through the request's loaders, so the histories of many users (an ADMIN's read) are read together. */
async function history(owner: OrderOwner, args: { first?: number | null; after?: string | null }, ctx: Context): Promise<OrderPage> {
  const size = pageSize(args.first);
  const page = toPage(await ctx.loaders.historyPage.load({ owner, size, after: args.after ?? null }), size);
  return { ...page, count: () => ctx.loaders.historyCount.load({ owner }) };
}

export const User: UserResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  orders(user, { status, ...args }, ctx) {
    assertCanReadHistory(ctx.identity, user.id);
    return history({ buyerId: parseId(user.id), status }, args, ctx);
  },
  sales(user, { status, ...args }, ctx) {
    assertCanReadHistory(ctx.identity, user.id);
    return history({ sellerIds: parseId(user.id), status }, args, ctx);
  },
};

export const OrderConnection: OrderConnectionResolvers = { totalCount: countTotal };
