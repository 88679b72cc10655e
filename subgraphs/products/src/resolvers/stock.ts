// Internal stock operations, reachable only by marketplace services (the orders service).
import { badUserInput, conflict, insufficientStock, mergeLines, notFound, requireService, validateOrderLines } from '@marketplace/service-kit';
import type { MutationResolvers, ReservedItemResolvers, StockReservationResolvers } from '../__generated__/resolvers-types.ts';
import { InsufficientStockError, ReservationConflictError } from '../stores/stock-reservations.ts';
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

  async releaseStock(_parent, { reservationId }, ctx) {
    requireService(ctx.identity, STOCK_CALLERS);
    const released = await ctx.stores.reservations.release(reservationId);
    if (!released) throw notFound(`reservation ${reservationId} does not exist`);
    return released;
  },
};

export const StockReservation: StockReservationResolvers = {
  id: (reservation) => reservation._id,
  status: ({ status }) => (status === 'CONFIRMED' ? 'CONFIRMED' : status === 'RELEASED' || status === 'FAILED' ? 'RELEASED' : 'RESERVED'),
};

export const ReservedItem: ReservedItemResolvers = {
  productId: (line) => line.productId.toHexString(),
  sellerId: (line) => line.sellerId.toHexString(),
};
