// payOrder, shipOrder, deliverOrder and cancelOrder: who may, whether the input is valid, then the step (order-steps.ts).
import { ObjectId } from 'mongodb';
import { appError, ErrorCode, forbidden, notFound, parseId, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { assertCanReadOrder, orderParty } from '../access.ts';
import type { Context } from '../context.ts';
import type { Actor } from '../order-steps.ts';
import { actorRefusal, type OrderAction } from '../order-states/state-machine.ts';
import { TransitionRefusedError } from '../order-states/transitions.ts';
import type { OrderDocument } from '../stores/orders.ts';
import { validateReason, validateTrackingNumber } from '../validation.ts';

/** The order the caller means, once they are known to be allowed to take `action` on it. */
async function target(ctx: Context, id: string, action: OrderAction): Promise<{ order: OrderDocument; actor: Actor }> {
  const user = requireUser(ctx.identity);
  const order = await ctx.loaders.order.load(parseId(id).toHexString());
  if (!order) throw notFound(`order ${id} does not exist`);
  assertCanReadOrder(ctx.identity, order);
  const party = orderParty(ctx.identity, order);
  const refused = actorRefusal(action, party);
  if (refused) throw forbidden(refused);
  return { order, actor: { party, actorId: new ObjectId(user.userId) } };
}

/** A refused transition as the client sees it: who may, or where the order can go from its status. */
function clientError(error: unknown): unknown {
  if (!(error instanceof TransitionRefusedError)) return error;
  const { decision } = error;
  if (decision.refusal === 'actor') return forbidden(decision.message);
  return appError(ErrorCode.BAD_USER_INPUT, decision.message, {
    status: decision.from,
    allowedTransitions: decision.allowed.map((t) => t.to),
  });
}

async function step(run: () => Promise<OrderDocument>): Promise<OrderDocument> {
  try {
    return await run();
  } catch (error) {
    throw clientError(error);
  }
}

export const statusChanges: Pick<MutationResolvers, 'payOrder' | 'shipOrder' | 'deliverOrder' | 'cancelOrder'> = {
  async payOrder(_parent, { id }, ctx) {
    const { order, actor } = await target(ctx, id, 'pay');
    return step(() => ctx.steps.pay(order, actor));
  },

  async shipOrder(_parent, { id, trackingNumber }, ctx) {
    requireUser(ctx.identity);
    const tracking = validateTrackingNumber(trackingNumber);
    const { order, actor } = await target(ctx, id, 'ship');
    return step(() => ctx.steps.ship(order, actor, tracking));
  },

  async deliverOrder(_parent, { id }, ctx) {
    const { order, actor } = await target(ctx, id, 'deliver');
    return step(() => ctx.steps.deliver(order, actor));
  },

  async cancelOrder(_parent, { id, reason }, ctx) {
    requireUser(ctx.identity);
    const note = validateReason(reason);
    const { order, actor } = await target(ctx, id, 'cancel');
    return step(() => ctx.steps.cancel(order, actor, note));
  },
};
