// payOrder, shipOrder, deliverOrder and cancelOrder: who may, whether the status allows it, what follows.
import { ObjectId } from 'mongodb';
import { appError, badUserInput, ErrorCode, forbidden, notFound, parseId, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadOrder, orderParty } from '../access.ts';
import type { Context } from '../context.ts';
import { actorRefusal, type OrderAction, type OrderParty } from '../order-states/state-machine.ts';
import { TransitionRefusedError, type TransitionDetails } from '../order-states/transitions.ts';
import type { OrderDocument, OrderStatus } from '../stores/orders.ts';

const MAX_TRACKING_NUMBER = 100;
const MAX_REASON = 500;

interface Target {
  order: OrderDocument;
  party: OrderParty;
  actorId: ObjectId;
}

/** The order the caller means, once they are known to be allowed to take `action` on it. */
async function target(ctx: Context, id: string, action: OrderAction): Promise<Target> {
  const user = requireUser(ctx.identity);
  const order = await ctx.loaders.order.load(parseId(id).toHexString());
  if (!order) throw notFound(`order ${id} does not exist`);
  assertCanReadOrder(ctx.identity, order);
  const party = orderParty(ctx.identity, order);
  const refused = actorRefusal(action, party);
  if (refused) throw forbidden(refused);
  return { order, party, actorId: new ObjectId(user.userId) };
}

function clientError(error: unknown): unknown {
  if (!(error instanceof TransitionRefusedError)) return error;
  const { decision } = error;
  if (decision.refusal === 'actor') return forbidden(decision.message);
  return appError(ErrorCode.BAD_USER_INPUT, decision.message, {
    status: decision.from,
    allowedTransitions: decision.allowed.map((t) => t.to),
  });
}

function refusedFrom(error: unknown, status: OrderStatus): boolean {
  return error instanceof TransitionRefusedError && error.decision.refusal === 'status' && error.decision.from === status;
}

async function transition(ctx: Context, { order, party, actorId }: Target, action: OrderAction, details: Omit<TransitionDetails, 'actorId'> = {}) {
  try {
    return await ctx.lifecycle.apply(order, action, party, { actorId, ...details });
  } catch (error) {
    throw clientError(error);
  }
}

function trackingNumberOf(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw badUserInput('trackingNumber must not be blank', 'trackingNumber');
  if (trimmed.length > MAX_TRACKING_NUMBER) throw badUserInput(`trackingNumber must be at most ${MAX_TRACKING_NUMBER} characters`, 'trackingNumber');
  return trimmed;
}

function reasonOf(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > MAX_REASON) throw badUserInput(`reason must be at most ${MAX_REASON} characters`, 'reason');
  return trimmed === '' ? null : trimmed;
}

/** Gives the order's reservation back; the products service releases a reservation once at most. */
async function releaseStock(ctx: Context, orderId: ObjectId): Promise<void> {
  await ctx.stock.release(orderId.toHexString());
  await ctx.store.markStockReleased(orderId);
}

export const lifecycleMutations: Pick<MutationResolvers, 'payOrder' | 'shipOrder' | 'deliverOrder' | 'cancelOrder'> = {
  async payOrder(_parent, { id }, ctx) {
    const payable = await target(ctx, id, 'pay');
    const reference = payable.order._id.toHexString();
    // Refuse before charging; the provider charges a reference once, so racing payments share one charge.
    await ctx.lifecycle.assertAllowed(payable.order, 'pay', payable.party).catch((error: unknown) => {
      throw clientError(error);
    });
    const { paymentId } = await ctx.payments.charge({ reference, amount: payable.order.total, payerId: payable.actorId.toHexString() });
    try {
      return (await ctx.lifecycle.apply(payable.order, 'pay', payable.party, { actorId: payable.actorId, paymentId })).order;
    } catch (error) {
      // Cancelled while the payment went through: nothing is left to pay for.
      if (refusedFrom(error, 'CANCELLED')) await ctx.payments.refund(reference);
      throw clientError(error);
    }
  },

  async shipOrder(_parent, { id, trackingNumber }, ctx) {
    requireUser(ctx.identity);
    const tracking = trackingNumberOf(trackingNumber);
    return (await transition(ctx, await target(ctx, id, 'ship'), 'ship', { trackingNumber: tracking })).order;
  },

  async deliverOrder(_parent, { id }, ctx) {
    return (await transition(ctx, await target(ctx, id, 'deliver'), 'deliver')).order;
  },

  async cancelOrder(_parent, { id, reason }, ctx) {
    requireUser(ctx.identity);
    const note = reasonOf(reason);
    const cancellable = await target(ctx, id, 'cancel');
    const orderId = cancellable.order._id;
    let cancelled;
    try {
      cancelled = await ctx.lifecycle.apply(cancellable.order, 'cancel', cancellable.party, { actorId: cancellable.actorId, note });
    } catch (error) {
      // A retry after a cancel whose release failed is what gives the stock back.
      if (refusedFrom(error, 'CANCELLED') && !(await ctx.store.findById(orderId))?.stockReleasedAt) {
        await releaseStock(ctx, orderId).catch(() => undefined);
      }
      throw clientError(error);
    }
    await releaseStock(ctx, orderId);
    if (cancelled.from === 'PAID') await ctx.payments.refund(orderId.toHexString());
    return cancelled.order;
  },
};
