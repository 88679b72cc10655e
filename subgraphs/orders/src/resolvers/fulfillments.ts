// Fulfilments: each seller's part of an order, their work queue, and shipping and delivering it.
import { ObjectId } from 'mongodb';
import { appError, countTotal, ErrorCode, forbidden, notFound, pageSize, parseId, requireUser, toPage, type CountedPage } from '@marketplace/service-kit';
import type {
  FulfillmentConnectionResolvers,
  FulfillmentEventResolvers,
  FulfillmentResolvers,
  MutationResolvers,
  OrderResolvers,
  QueryResolvers,
  UserResolvers,
} from '../__generated__/resolvers-types.ts';
import { assertCanReadHistory, canReadFulfillment, fulfillmentParty } from '../access.ts';
import type { Context } from '../context.ts';
import { fulfillmentEvents, fulfillmentsOf, fulfillmentStatusOf, parseFulfillmentId, queueEntry, type FulfillmentRecord } from '../fulfillment-records.ts';
import { LEGACY_FULFILLMENT_STATUS, type FulfillmentStatus, type LegacyOrderStatus } from '../order-states/fulfillments.ts';
import { FulfillmentRefusedError } from '../order-states/transitions.ts';
import { placementEvent } from '../stores/order-events.ts';
import type { OrderDocument, OrderStatus } from '../stores/orders.ts';
import { validateReason, validateTrackingNumber } from '../validation.ts';

export type FulfillmentPage = CountedPage<FulfillmentRecord>;

/** The fulfilment an id names, when it exists and the caller may read it; null otherwise (as for an order). */
async function readableFulfillment(id: string, ctx: Context): Promise<FulfillmentRecord | null> {
  requireUser(ctx.identity);
  const parsed = parseFulfillmentId(id);
  if (!parsed) return null;
  const order = await ctx.loaders.order.load(parsed.orderId.toHexString());
  const record = order ? fulfillmentsOf(order).find((f) => f.sellerId.equals(parsed.sellerId)) : undefined;
  if (!order || !record) return null;
  if (!canReadFulfillment(ctx.identity, order, record.sellerId)) throw forbidden('you can only read your own orders and fulfilments');
  return record;
}

/** The order statuses that mean a fulfilment status on orders whose copy predates fulfilments. */
const legacyStatusesFor = (status: FulfillmentStatus): OrderStatus[] =>
  (Object.keys(LEGACY_FULFILLMENT_STATUS) as LegacyOrderStatus[]).filter((orderStatus) => LEGACY_FULFILLMENT_STATUS[orderStatus] === status);

/** The events of the fulfilment's order at which its status changed, placement first. */
async function eventsOf(record: FulfillmentRecord, ctx: Context) {
  return fulfillmentEvents(record, [placementEvent(record.order), ...(await ctx.loaders.events.load(record.order._id))]);
}

export const fulfillmentQueries: Pick<QueryResolvers, 'fulfillment'> = {
  fulfillment: (_parent, { id }, ctx) => readableFulfillment(id, ctx),
};

export const fulfillmentQueue: Pick<UserResolvers, 'fulfillments'> = {
  async fulfillments(user, { status, first, after }, ctx) {
    assertCanReadHistory(ctx.identity, user.id);
    const sellerId = parseId(user.id);
    const queue = { sellerId, status: status ? { entry: queueEntry(sellerId, status), legacyStatuses: legacyStatusesFor(status) } : null };
    const size = pageSize(first);
    const page = toPage(await ctx.loaders.historyPage.load({ queue, size, after: after ?? null }), size);
    return {
      ...page,
      // A page of orders; each edge is this seller's fulfilment of it, under the order's cursor.
      edges: page.edges.map((edge) => ({ ...edge, node: fulfillmentsOf(edge.node).find((f) => f.sellerId.equals(sellerId))! })),
      count: () => ctx.loaders.historyCount.load({ queue }),
    } as FulfillmentPage;
  },
};

export const Fulfillment: FulfillmentResolvers = {
  __resolveReference: (ref, ctx) => readableFulfillment(ref.id, ctx),
  id: (record) => record.id,
  order: (record) => record.order,
  seller: (record) => ({ id: record.sellerId.toHexString() }),
  status: (record) => fulfillmentStatusOf(record),
  trackingNumber: async (record, _args, ctx) => (await eventsOf(record, ctx)).at(-1)?.trackingNumber ?? null,
  events: (record, _args, ctx) => eventsOf(record, ctx),
};

export const FulfillmentEvent: FulfillmentEventResolvers = {
  actor: (event) => (event.actorId ? { id: event.actorId.toHexString() } : null),
};

export const FulfillmentConnection: FulfillmentConnectionResolvers = { totalCount: countTotal };

/** The fulfilment the caller means, once they are known to be its seller or an ADMIN. */
async function target(ctx: Context, id: string) {
  const user = requireUser(ctx.identity);
  const record = await readableFulfillment(id, ctx);
  if (!record) throw notFound(`fulfillment ${id} does not exist`);
  const party = fulfillmentParty(ctx.identity, record.sellerId);
  if (!party.isSeller && !party.isAdmin) throw forbidden("only the fulfilment's seller or an ADMIN can change it");
  return { record, party, actorId: new ObjectId(user.userId) };
}

/** A refused step as the client sees it. */
function clientError(error: unknown): unknown {
  if (!(error instanceof FulfillmentRefusedError)) return error;
  const { decision } = error;
  if (decision.refusal === 'actor') return forbidden(decision.message);
  return appError(ErrorCode.BAD_USER_INPUT, decision.message, decision.refusal === 'status' ? { status: decision.from } : { reason: 'ORDER_NOT_PAID' });
}

/** The fulfilment as it is after the step, in the order the step answered with. */
async function after(ctx: Context, record: FulfillmentRecord, run: () => Promise<OrderDocument>): Promise<FulfillmentRecord> {
  let order: OrderDocument;
  try {
    order = await run();
  } catch (error) {
    throw clientError(error);
  }
  // Its events are read afresh: the step added one.
  ctx.loaders.events.clear(order._id);
  return fulfillmentsOf(order).find((f) => f.id === record.id)!;
}

export const fulfillmentMutations: Pick<MutationResolvers, 'shipFulfillment' | 'deliverFulfillment' | 'cancelFulfillment'> = {
  async shipFulfillment(_parent, { id, trackingNumber }, ctx) {
    requireUser(ctx.identity);
    const tracking = validateTrackingNumber(trackingNumber);
    const { record, party, actorId } = await target(ctx, id);
    return after(ctx, record, () => ctx.steps.shipFulfillment(record.order, record.id, { actorId, party }, tracking));
  },

  async deliverFulfillment(_parent, { id }, ctx) {
    const { record, party, actorId } = await target(ctx, id);
    return after(ctx, record, () => ctx.steps.deliverFulfillment(record.order, record.id, { actorId, party }));
  },

  async cancelFulfillment(_parent, { id, reason }, ctx) {
    requireUser(ctx.identity);
    const note = validateReason(reason);
    const { record, party, actorId } = await target(ctx, id);
    return after(ctx, record, () => ctx.steps.cancelFulfillment(record.order, record.id, { actorId, party }, note));
  },
};

/** Order.refunded: the refunds of the fulfilments the caller may see. */
export const orderRefunds: Pick<OrderResolvers, 'refunded'> = {
  async refunded(order, _args, ctx) {
    const visible = new Set(fulfillmentsOf(order).filter((f) => canReadFulfillment(ctx.identity, order, f.sellerId)).map((f) => f.id));
    const refunds = (await ctx.loaders.refunds.load(order._id)).filter((r) => visible.has(r.fulfillmentId));
    return { amount: refunds.reduce((sum, r) => sum + r.amount.amount, 0), currency: order.total.currency };
  },
};
