// Who may read an order: its buyer, a seller of one of its items, or an ADMIN.
import { hasRole, type Identity } from '@marketplace/auth';
import { forbidden, requireUser } from '@marketplace/service-kit';
import type { OrderDocument } from './store.ts';

export function assertCanReadOrder(identity: Identity, order: OrderDocument): void {
  const user = requireUser(identity);
  const isBuyer = order.buyerId.toHexString() === user.userId;
  const isSeller = order.sellerIds.some((id) => id.toHexString() === user.userId);
  if (!isBuyer && !isSeller && !hasRole(identity, 'ADMIN')) throw forbidden('you can only read your own orders');
}

export function assertCanReadHistory(identity: Identity, userId: string): void {
  const user = requireUser(identity);
  if (user.userId !== userId && !hasRole(identity, 'ADMIN')) throw forbidden("you can only read your own orders");
}
