// The Order entity, its lines and its timeline of events, as the caller may see them: the whole
// order for its buyer and ADMINs, a seller's own part for a seller who is neither (see orderView).
import { parseId } from '@marketplace/service-kit';
import type { OrderEventResolvers, OrderItemResolvers, OrderResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadOrder, orderView, seesSeller, type OrderView } from '../access.ts';
import { fulfillmentEvents, fulfillmentId, fulfillmentsOf } from '../fulfillment-records.ts';
import type { Context } from '../context.ts';
import { placementEvent, type OrderEventDocument } from '../stores/order-events.ts';
import type { OrderDocument } from '../stores/orders.ts';
import { lineTotal } from '../pricing.ts';

async function readableOrder(id: string, ctx: Context) {
  const order = await ctx.loaders.order.load(id);
  if (order) assertCanReadOrder(ctx.identity, order);
  return order;
}

/** The fulfilments the caller sees: all for the whole view, the seller's own otherwise. */
const visibleFulfillments = (order: OrderDocument, view: OrderView) => fulfillmentsOf(order).filter((f) => seesSeller(view, f.sellerId));

/** The order's log, its placement first. */
async function logOf(order: OrderDocument, ctx: Context): Promise<OrderEventDocument[]> {
  return [placementEvent(order), ...(await ctx.loaders.events.load(order._id))];
}

/**
 * Whether an event is another seller's business, in a seller's view: a step on another seller's
 * fulfilment (by that seller or an ADMIN), or a whole-order step another seller of the order took
 * (a part seller's cancel from before they had to use cancelFulfillment).
 */
function othersStep(order: OrderDocument, view: Extract<OrderView, { whole: false }>, event: OrderEventDocument): boolean {
  if (event.fulfillmentId !== undefined) return event.fulfillmentId !== fulfillmentId(order._id, view.sellerId);
  const actor = event.actorId;
  if (!actor || actor.equals(order.buyerId) || actor.equals(view.sellerId)) return false;
  return order.sellerIds.some((id) => id.equals(actor));
}

export const orderQueries: QueryResolvers = {
  order: (_parent, { id }, ctx) => readableOrder(parseId(id).toHexString(), ctx),
};

export const Order: OrderResolvers = {
  __resolveReference: (ref, ctx) => readableOrder(ref.id, ctx),
  id: (order) => order._id.toHexString(),
  buyer: (order) => ({ id: order.buyerId.toHexString() }),
  // A seller who is neither the buyer nor an ADMIN reads their own lines only, and what they cost.
  items: (order, _args, ctx) => visibleFulfillments(order, orderView(ctx.identity, order)).flatMap((f) => f.items),
  total: (order, _args, ctx) => {
    const view = orderView(ctx.identity, order);
    return view.whole ? order.total : visibleFulfillments(order, view)[0]!.subtotal;
  },
  // A seller's own fulfilment's tracking number, never another seller's.
  trackingNumber: async (order, _args, ctx) => {
    const view = orderView(ctx.identity, order);
    if (view.whole) return order.trackingNumber ?? null;
    const own = visibleFulfillments(order, view)[0]!;
    return fulfillmentEvents(own, await logOf(order, ctx)).at(-1)?.trackingNumber ?? null;
  },
  paymentDueAt: (order) => (order.status === 'PENDING' ? (order.paymentDueAt ?? null) : null),
  // A fulfilment's step that leaves the order's status as it was (one seller's part cancelled) is
  // the fulfilment's event only. In a seller's view another seller's steps that did change the
  // order's status keep that change (the order's status says as much) but not who made it or why.
  events: async (order, _args, ctx) => {
    const view = orderView(ctx.identity, order);
    const changes = (await logOf(order, ctx)).filter((event, i, all) => i === 0 || event.status !== all[i - 1]!.status);
    if (view.whole) return changes;
    return changes.map((event) => (othersStep(order, view, event) ? { ...event, actorId: null, note: null } : event));
  },
  // A seller who is not the buyer sees their own part only.
  fulfillments: (order, _args, ctx) => visibleFulfillments(order, orderView(ctx.identity, order)),
};

export const OrderItem: OrderItemResolvers = {
  product: (item) => ({ id: item.productId.toHexString() }),
  lineTotal: (item) => lineTotal(item.unitPrice, item.quantity),
};

export const OrderEvent: OrderEventResolvers = {
  actor: (event) => (event.actorId ? { id: event.actorId.toHexString() } : null),
};
