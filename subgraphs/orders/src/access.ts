// Who may read an order (its buyer, a seller of one of its items, or an ADMIN) and how they stand to it.
import { hasRole, type Identity } from '@marketplace/auth';
import { forbidden, requireUser } from '@marketplace/service-kit';
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
