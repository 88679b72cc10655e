// placeOrder: a signed-in buyer, valid lines and key, then the placement step (order-steps.ts).
import { ObjectId } from 'mongodb';
import { requireUser, validateOrderLines } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { validateIdempotencyKey, validateLineQuantities } from '../validation.ts';

export const placeOrder: MutationResolvers['placeOrder'] = async (_parent, { input }, ctx) => {
  const buyerId = new ObjectId(requireUser(ctx.identity).userId);
  const items = validateOrderLines(input.items);
  validateLineQuantities(items, ctx.maxLineQuantity);
  if (input.idempotencyKey === null || input.idempotencyKey === undefined) return ctx.steps.place({ buyerId, items });
  return ctx.steps.place({ buyerId, items, idempotencyKey: validateIdempotencyKey(input.idempotencyKey) });
};
