// The Order entity, its lines and its timeline of events.
import { parseId } from '@marketplace/service-kit';
import type { OrderEventResolvers, OrderItemResolvers, OrderResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadOrder, canReadFulfillment } from '../access.ts';
import { fulfillmentsOf } from '../fulfillment-records.ts';
import type { Context } from '../context.ts';
import { placementEvent } from '../stores/order-events.ts';
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
  trackingNumber: (order) => order.trackingNumber ?? null,
  paymentDueAt: (order) => (order.status === 'PENDING' ? (order.paymentDueAt ?? null) : null),
  // A fulfilment's step that leaves the order's status as it was (one seller's part cancelled) is the fulfilment's event only.
  events: async (order, _args, ctx) =>
    [placementEvent(order), ...(await ctx.loaders.events.load(order._id))].filter((event, i, all) => i === 0 || event.status !== all[i - 1]!.status),
  // A seller who is not the buyer sees their own part only.
  fulfillments: (order, _args, ctx) => fulfillmentsOf(order).filter((f) => canReadFulfillment(ctx.identity, order, f.sellerId)),
};

export const OrderItem: OrderItemResolvers = {
  product: (item) => ({ id: item.productId.toHexString() }),
  lineTotal: (item) => lineTotal(item.unitPrice, item.quantity),
};

export const OrderEvent: OrderEventResolvers = {
  actor: (event) => (event.actorId ? { id: event.actorId.toHexString() } : null),
};
