// The steps of an order that reach beyond its own log: stock reserved and released, payment taken and refunded.
//
// Each step leaves a state a retry can finish: stock is reserved under the order's id and given
// back when the order cannot be recorded; a payment is taken once per order and refunded when the
// order was cancelled meanwhile; a cancelled order's stock is released once, by its cancel or a retry.
import { ObjectId } from 'mongodb';
import type { OrderLine } from '@marketplace/service-kit';
import { placeOnce } from './idempotent-placement.ts';
import type { OrderParty } from './order-states/state-machine.ts';
import { refusedFrom, type OrderTransitions, type TransitionResult } from './order-states/transitions.ts';
import type { PaymentProvider } from './payments.ts';
import { orderTotal } from './pricing.ts';
import { StockUnavailableError, type StockClient } from './stock-client.ts';
import type { Stores } from './stores/index.ts';
import type { OrderDocument } from './stores/orders.ts';

export interface OrderStepsDeps {
  stores: Stores;
  transitions: OrderTransitions;
  stock: StockClient;
  payments: PaymentProvider;
}

/** Who takes a step, and how they stand towards the order. */
export interface Actor {
  actorId: ObjectId;
  party: OrderParty;
}

export interface PlacementRequest {
  buyerId: ObjectId;
  items: OrderLine[];
  /** When given, the order is placed at most once for this buyer and key. */
  idempotencyKey?: string;
}

export class OrderSteps {
  readonly #stores: Stores;
  readonly #transitions: OrderTransitions;
  readonly #stock: StockClient;
  readonly #payments: PaymentProvider;

  constructor(deps: OrderStepsDeps) {
    this.#stores = deps.stores;
    this.#transitions = deps.transitions;
    this.#stock = deps.stock;
    this.#payments = deps.payments;
  }

  place({ buyerId, items, idempotencyKey }: PlacementRequest): Promise<OrderDocument> {
    if (idempotencyKey === undefined) return this.#placeAs(new ObjectId(), buyerId, items);
    return placeOnce(this.#stores, { buyerId, key: idempotencyKey, items }, (orderId) => this.#placeAs(orderId, buyerId, items));
  }

  async pay(order: OrderDocument, { actorId, party }: Actor): Promise<OrderDocument> {
    const reference = order._id.toHexString();
    // Refuse before charging; the provider charges a reference once, so racing payments share one charge.
    await this.#transitions.assertAllowed(order, 'pay', party);
    const { paymentId } = await this.#payments.charge({ reference, amount: order.total, payerId: actorId.toHexString() });
    try {
      return (await this.#transitions.apply(order, 'pay', party, { actorId, paymentId })).order;
    } catch (error) {
      // Cancelled while the payment went through: nothing is left to pay for.
      if (refusedFrom(error, 'CANCELLED')) await this.#payments.refund(reference);
      throw error;
    }
  }

  async ship(order: OrderDocument, { actorId, party }: Actor, trackingNumber: string): Promise<OrderDocument> {
    return (await this.#transitions.apply(order, 'ship', party, { actorId, trackingNumber })).order;
  }

  async deliver(order: OrderDocument, { actorId, party }: Actor): Promise<OrderDocument> {
    return (await this.#transitions.apply(order, 'deliver', party, { actorId })).order;
  }

  async cancel(order: OrderDocument, { actorId, party }: Actor, note: string | null): Promise<OrderDocument> {
    let cancelled: TransitionResult;
    try {
      cancelled = await this.#transitions.apply(order, 'cancel', party, { actorId, note });
    } catch (error) {
      // A retry after a cancel whose release failed is what gives the stock back.
      if (refusedFrom(error, 'CANCELLED') && !(await this.#stores.orders.findById(order._id))?.stockReleasedAt) {
        await this.#releaseStock(order._id).catch(() => undefined);
      }
      throw error;
    }
    await this.#releaseStock(order._id);
    if (cancelled.from === 'PAID') await this.#payments.refund(order._id.toHexString());
    return cancelled.order;
  }

  /** Reserves under the order's id, so a reservation and its order can always be matched up, then records the order. */
  async #placeAs(orderId: ObjectId, buyerId: ObjectId, items: OrderLine[]): Promise<OrderDocument> {
    const reservationId = orderId.toHexString();
    let reserved;
    try {
      reserved = await this.#stock.reserve(reservationId, items);
    } catch (error) {
      // A reservation may have been made even though its answer was lost.
      if (error instanceof StockUnavailableError) await this.#releaseQuietly(reservationId);
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
      return await this.#stores.orders.insert({
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
      });
    } catch (error) {
      await this.#releaseQuietly(reservationId);
      throw error;
    }
  }

  /** Gives a cancelled order's reservation back; the products service releases a reservation once at most. */
  async #releaseStock(orderId: ObjectId): Promise<void> {
    await this.#stock.release(orderId.toHexString());
    await this.#stores.orders.markStockReleased(orderId);
  }

  /** Gives the stock back when the order could not be recorded; the release is idempotent. */
  async #releaseQuietly(reservationId: string): Promise<void> {
    await this.#stock.release(reservationId).catch(() => undefined);
  }
}
