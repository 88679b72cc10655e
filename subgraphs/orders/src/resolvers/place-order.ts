// placeOrder: validate, reserve the stock through the products service, then record the order.
import { ObjectId } from 'mongodb';
import { badUserInput, parseId, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import type { Context } from '../context.ts';
import { placeOnce } from '../idempotent-placement.ts';
import { orderTotal } from '../pricing.ts';
import { StockUnavailableError } from '../stock-client.ts';
import type { OrderDocument } from '../stores/orders.ts';

const MAX_LINES = 100;
const MAX_QUANTITY = 10_000;
const MAX_KEY_LENGTH = 200;

type Line = { productId: string; quantity: number };

function validateItems(items: readonly Line[]): Line[] {
  if (items.length === 0) throw badUserInput('an order needs at least one item', 'items');
  if (items.length > MAX_LINES) throw badUserInput(`an order can have at most ${MAX_LINES} items`, 'items');
  return items.map(({ productId, quantity }) => {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw badUserInput(`quantity must be an integer from 1 to ${MAX_QUANTITY}`, 'quantity');
    }
    return { productId: parseId(productId, 'productId').toHexString(), quantity };
  });
}

function validateKey(key: string): string {
  if (key.trim() === '') throw badUserInput('idempotencyKey must not be blank', 'idempotencyKey');
  if (key.length > MAX_KEY_LENGTH) throw badUserInput(`idempotencyKey must be at most ${MAX_KEY_LENGTH} characters`, 'idempotencyKey');
  return key;
}

/** Gives the stock back when the order could not be recorded; the release is idempotent. */
async function releaseQuietly(ctx: Context, reservationId: string): Promise<void> {
  await ctx.stock.release(reservationId).catch(() => undefined);
}

/** Reserves under the order's id, so a reservation and its order can always be matched up. */
async function place(ctx: Context, buyerId: ObjectId, items: Line[], orderId: ObjectId): Promise<OrderDocument> {
  const reservationId = orderId.toHexString();
  let reserved;
  try {
    reserved = await ctx.stock.reserve(reservationId, items);
  } catch (error) {
    // A reservation may have been made even though its answer was lost.
    if (error instanceof StockUnavailableError) await releaseQuietly(ctx, reservationId);
    throw error;
  }
  try {
    const lines = reserved.map((line) => ({
      productId: new ObjectId(line.productId),
      sellerId: new ObjectId(line.sellerId),
      title: line.title,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
    }));
    const now = new Date();
    const order: OrderDocument = {
      _id: orderId,
      buyerId,
      items: lines,
      sellerIds: [...new Map(lines.map((l) => [l.sellerId.toHexString(), l.sellerId])).values()],
      total: orderTotal(lines),
      status: 'PENDING',
      statusSequence: 0,
      trackingNumber: null,
      createdAt: now,
      updatedAt: now,
    };
    return await ctx.store.insert(order);
  } catch (error) {
    await releaseQuietly(ctx, reservationId);
    throw error;
  }
}

export const placeOrder: MutationResolvers['placeOrder'] = async (_parent, { input }, ctx) => {
  const buyerId = new ObjectId(requireUser(ctx.identity).userId);
  const items = validateItems(input.items);
  if (input.idempotencyKey === null || input.idempotencyKey === undefined) return place(ctx, buyerId, items, new ObjectId());
  const key = validateKey(input.idempotencyKey);
  return placeOnce(ctx, { buyerId, key, items }, (orderId) => place(ctx, buyerId, items, orderId));
};
