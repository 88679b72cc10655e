// Internal stock operations, reachable only by marketplace services (the orders service).
import { badUserInput, conflict, insufficientStock, mergeLines, notFound, requireService, validateOrderLines } from '@marketplace/service-kit';
import type { MutationResolvers, ReservedItemResolvers, StockReservationResolvers } from '../__generated__/resolvers-types.ts';
import {
  InsufficientStockError,
  NotInReservationError,
  ReservationConflictError,
  ReservationNotConfirmedError,
  type ReservedLine,
} from '../stores/stock-reservations.ts';
import type { ProductDocument } from '../stores/products.ts';

const STOCK_CALLERS = ['orders'];

export const stockMutations: Pick<MutationResolvers, 'reserveStock' | 'confirmStock' | 'releaseStock'> = {
  async reserveStock(_parent, { input }, ctx) {
    requireService(ctx.identity, STOCK_CALLERS);
    if (input.reservationId.trim() === '') throw badUserInput('reservationId must not be empty', 'reservationId');
    const quantities = mergeLines(validateOrderLines(input.items));
    const ids = [...quantities.keys()].sort();
    const products = await ctx.loaders.product.loadMany(ids);
    const lines = products.map((product, i) => {
      if (!product || product instanceof Error) throw notFound(`product ${ids[i]} does not exist`);
      if (product.status === 'ARCHIVED') throw badUserInput(`"${product.title}" is no longer sold`, 'productId');
      return { product: product as ProductDocument, quantity: quantities.get(ids[i]!)! };
    });
    const currencies = new Set(lines.map(({ product }) => product.price.currency));
    if (currencies.size > 1) {
      throw badUserInput(`all items must share one currency; these are priced in ${[...currencies].sort().join(', ')}`, 'items');
    }
    try {
      return await ctx.stores.reservations.reserve(input.reservationId, lines);
    } catch (error) {
      if (error instanceof InsufficientStockError) {
        const line = lines.find(({ product }) => product._id.equals(error.productId))!;
        throw insufficientStock(
          `not enough stock for "${line.product.title}": ${line.quantity} requested, ${error.available} available`,
          error.productId.toHexString(),
        );
      }
      if (error instanceof ReservationConflictError) throw conflict(error.message);
      throw error;
    }
  },

  async confirmStock(_parent, { reservationId }, ctx) {
    requireService(ctx.identity, STOCK_CALLERS);
    const confirmed = await ctx.stores.reservations.confirm(reservationId);
    if (!confirmed) throw notFound(`reservation ${reservationId} does not exist`);
    return confirmed;
  },

  async releaseStock(_parent, { reservationId, productIds }, ctx) {
    requireService(ctx.identity, STOCK_CALLERS);
    if (productIds?.length === 0) throw badUserInput('productIds must name at least one product; leave it out to release the whole reservation', 'productIds');
    let released;
    try {
      released = productIds ? await ctx.stores.reservations.releaseLines(reservationId, productIds) : await ctx.stores.reservations.release(reservationId);
    } catch (error) {
      if (error instanceof NotInReservationError) throw badUserInput(error.message, 'productIds');
      if (error instanceof ReservationNotConfirmedError) throw badUserInput(error.message, 'reservationId');
      if (error instanceof ReservationConflictError) throw conflict(error.message);
      throw error;
    }
    if (!released) throw notFound(`reservation ${reservationId} does not exist`);
    return released;
  },
};

/**
 * For each item handed out, its reservation's given-back lines, read from the ledger at most once
 * per reservation and only when `released` is asked for (a line does not keep its reservation's id).
 */
const givenBackOf = new WeakMap<ReservedLine, () => Promise<Set<string>>>();

export const StockReservation: StockReservationResolvers = {
  id: (reservation) => reservation._id,
  status: ({ status }) => (status === 'CONFIRMED' ? 'CONFIRMED' : status === 'RELEASED' || status === 'FAILED' ? 'RELEASED' : 'RESERVED'),
  items: (reservation, _args, ctx) => {
    let read: Promise<Set<string>> | undefined;
    const givenBack = () => (read ??= ctx.stores.reservations.givenBack(reservation));
    return reservation.items.map((line) => {
      const item = { ...line };
      givenBackOf.set(item, givenBack);
      return item;
    });
  },
};

export const ReservedItem: ReservedItemResolvers = {
  productId: (line) => line.productId.toHexString(),
  sellerId: (line) => line.sellerId.toHexString(),
  released: async (line) => {
    const givenBack = givenBackOf.get(line);
    if (!givenBack) throw new Error('a reserved item is resolved only through its reservation');
    return (await givenBack()).has(line.productId.toHexString());
  },
};
