// Who may read an order (its buyer, a seller of one of its items, or an ADMIN), which part of it they see, and how they stand to it.
import { hasRole, type Identity } from '@marketplace/auth';
import { forbidden, requireUser } from '@marketplace/service-kit';
import type { ObjectId } from 'mongodb';
import type { FulfillmentParty } from './order-states/fulfillments.ts';
import type { OrderParty } from './order-states/state-machine.ts';
import type { OrderDocument } from './stores/orders.ts';

export function orderParty(identity: Identity, order: OrderDocument): OrderParty {
  const user = requireUser(identity);
  const sells = new Set(order.sellerIds.map((id) => id.toHexString()));
  return {
    isBuyer: order.buyerId.toHexString() === user.userId,
    sellsAnItem: sells.has(user.userId),
    sellsEveryItem: order.items.every((item) => item.sellerId.toHexString() === user.userId),
    isAdmin: hasRole(identity, 'ADMIN'),
  };
}

export function assertCanReadOrder(identity: Identity, order: OrderDocument): void {
  const party = orderParty(identity, order);
  if (!party.isBuyer && !party.sellsAnItem && !party.isAdmin) throw forbidden('you can only read your own orders');
}

export function assertCanReadHistory(identity: Identity, userId: string): void {
  const user = requireUser(identity);
  if (user.userId !== userId && !hasRole(identity, 'ADMIN')) throw forbidden("you can only read your own orders");
}

/**
 * The part of an order a reader sees: the whole of it for its buyer and ADMINs; for a seller who
 * is neither, their own part only (their lines, their fulfilment), never another seller's.
 */
export type OrderView = { whole: true } | { whole: false; sellerId: ObjectId };

/** Which part of the order the caller sees; call it once the caller may read the order (assertCanReadOrder). */
export function orderView(identity: Identity, order: OrderDocument): OrderView {
  const user = requireUser(identity);
  if (order.buyerId.toHexString() === user.userId || hasRole(identity, 'ADMIN')) return { whole: true };
  const sellerId = order.sellerIds.find((id) => id.toHexString() === user.userId);
  if (!sellerId) throw forbidden('you can only read your own orders');
  return { whole: false, sellerId };
}

/** Whether the view takes in what belongs to this seller of the order (their lines, their fulfilment). */
export const seesSeller = (view: OrderView, sellerId: ObjectId): boolean => view.whole || view.sellerId.equals(sellerId);

/** How the caller stands towards one fulfilment: its seller, or an ADMIN. */
export function fulfillmentParty(identity: Identity, sellerId: ObjectId): FulfillmentParty {
  const user = requireUser(identity);
  return { isSeller: sellerId.toHexString() === user.userId, isAdmin: hasRole(identity, 'ADMIN') };
}

/** A fulfilment is read by its order's buyer, its own seller and ADMINs; the order's other sellers do not see it. */
export function canReadFulfillment(identity: Identity, order: OrderDocument, sellerId: ObjectId): boolean {
  const user = requireUser(identity);
  return order.buyerId.toHexString() === user.userId || sellerId.toHexString() === user.userId || hasRole(identity, 'ADMIN');
}
