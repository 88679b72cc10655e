// The steps of an order that reach beyond its own log: stock reserved, confirmed and released, payment taken and refunded.
//
// Each step leaves a state a retry or a sweep can finish (README, "Stock that never oversells"):
// stock is reserved under the order's id, confirmed once the order is recorded, and given back when
// the order cannot be recorded, is cancelled, or is not paid in time; a payment is taken once per
// order and refunded when the order was cancelled meanwhile.
import { ObjectId } from 'mongodb';
import { appError, conflict, ErrorCode, type OrderLine } from '@marketplace/service-kit';
import { NO_ORDER_COUNTERS, type OrderCounters } from './order-metrics.ts';
import { placeOnce } from './idempotent-placement.ts';
import type { FulfillmentParty } from './order-states/fulfillments.ts';
import { SYSTEM, type OrderParty } from './order-states/state-machine.ts';
import { FulfillmentRefusedError, refusedFrom, TransitionRefusedError, type OrderTransitions, type TransitionResult } from './order-states/transitions.ts';
import { fulfillmentsOf } from './fulfillment-records.ts';
import type { PaymentProvider } from './payments.ts';
import { orderTotal } from './pricing.ts';
import { StockUnavailableError, type StockClient } from './stock-client.ts';
import type { Stores } from './stores/index.ts';
import type { OrderDocument } from './stores/orders.ts';
import type { PaymentCheckKind } from './stores/payment-checks.ts';

/** The notes of the system's own cancels. */
export const EXPIRY_NOTES = { payment: 'payment timeout', stockHold: 'stock hold expired' } as const;

export interface OrderPolicy {
  /** How long a buyer has to pay an order. */
  paymentTimeoutMs: number;
  /** Unpaid orders a buyer may have at once. */
  maxOpenOrders: number;
}

export interface OrderStepsDeps {
  stores: Stores;
  transitions: OrderTransitions;
  stock: StockClient;
  payments: PaymentProvider;
  policy: OrderPolicy;
  counters?: OrderCounters;
}

/** Who takes a step, and how they stand towards the order. */
export interface Actor {
  actorId: ObjectId;
  party: OrderParty;
}

/** Who takes a fulfilment's step, and how they stand towards it. */
export interface FulfillmentActor {
  actorId: ObjectId;
  party: FulfillmentParty;
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
  readonly #policy: OrderPolicy;
  readonly #counters: OrderCounters;

  constructor(deps: OrderStepsDeps) {
    this.#stores = deps.stores;
    this.#transitions = deps.transitions;
    this.#stock = deps.stock;
    this.#payments = deps.payments;
    this.#policy = deps.policy;
    this.#counters = deps.counters ?? NO_ORDER_COUNTERS;
  }

  place({ buyerId, items, idempotencyKey }: PlacementRequest): Promise<OrderDocument> {
    if (idempotencyKey === undefined) return this.#placeAs(new ObjectId(), buyerId, items);
    return placeOnce(this.#stores, { buyerId, key: idempotencyKey, items }, (orderId) => this.#placeAs(orderId, buyerId, items));
  }

  async pay(order: OrderDocument, { actorId, party }: Actor): Promise<OrderDocument> {
    const reference = order._id.toHexString();
    // Refuse before charging; the provider charges a reference once, so racing payments share one charge.
    await this.#transitions.assertAllowed(order, 'pay', party);
    if (order.paymentDueAt && Date.now() >= order.paymentDueAt.getTime()) {
      throw appError(ErrorCode.BAD_USER_INPUT, `this order had to be paid by ${order.paymentDueAt.toISOString()}; it is being cancelled and its stock given back`, {
        status: 'PENDING',
        paymentDueAt: order.paymentDueAt.toISOString(),
      });
    }
    // Only stock the order is known to hold may be paid for.
    if (!(await this.holdsStock(order)) && (await this.confirmStock(order)) === 'expired') {
      throw conflict('the stock held for this order ran out before it was confirmed and has gone back; place the order again');
    }
    // The fulfilments not cancelled by their sellers are what the buyer pays for.
    const { snapshot } = await this.#transitions.snapshot(order);
    const live = fulfillmentsOf(order).filter((f) => snapshot.fulfillments[f.id]?.status !== 'CANCELLED');
    const charged = live.map((f) => f.id);
    const amount = orderTotal(live.flatMap((f) => f.items));
    // Opened before charging: should this request die after the charge, the sweep refunds it once the order is cancelled.
    await this.#stores.paymentChecks.open(order._id, 'pay', charged);
    let paymentId: string;
    try {
      ({ paymentId } = await this.#payments.charge({ reference, amount, payerId: actorId.toHexString() }));
    } catch (error) {
      // Declined: nothing was taken. Any other failure leaves the check for the sweep.
      if (isRefusal(error)) await this.#stores.paymentChecks.settle(order._id, 'pay');
      throw error;
    }
    let paid: OrderDocument;
    try {
      paid = (await this.#transitions.apply(order, 'pay', party, { actorId, paymentId, charged })).order;
    } catch (error) {
      // Cancelled (or expired) while the payment went through: nothing is left to pay for.
      if (refusedFrom(error, 'CANCELLED')) await this.refund(order, 'pay', charged);
      throw error;
    }
    // A seller may have cancelled their part while the payment went through: that part goes back.
    await this.settleRefunds(order);
    await this.#stores.paymentChecks.settle(order._id, 'pay');
    await this.#stores.slots.free(order._id);
    return paid;
  }

  async ship(order: OrderDocument, { actorId, party }: Actor, trackingNumber: string): Promise<OrderDocument> {
    return (await this.#transitions.apply(order, 'ship', party, { actorId, trackingNumber })).order;
  }

  async deliver(order: OrderDocument, { actorId, party }: Actor): Promise<OrderDocument> {
    return (await this.#transitions.apply(order, 'deliver', party, { actorId })).order;
  }

  /** A seller (or an ADMIN) sends their part of a paid order. */
  async shipFulfillment(order: OrderDocument, fulfillmentId: string, { actorId, party }: FulfillmentActor, trackingNumber: string): Promise<OrderDocument> {
    return (await this.#transitions.applyToFulfillment(order, fulfillmentId, 'ship', party, { actorId, trackingNumber })).order;
  }

  async deliverFulfillment(order: OrderDocument, fulfillmentId: string, { actorId, party }: FulfillmentActor): Promise<OrderDocument> {
    return (await this.#transitions.applyToFulfillment(order, fulfillmentId, 'deliver', party, { actorId })).order;
  }

  async cancel(order: OrderDocument, { actorId, party }: Actor, note: string | null): Promise<OrderDocument> {
    // Opened first: a cancel of a paid order that dies before its refund is refunded by the sweep.
    await this.#stores.paymentChecks.open(order._id, 'cancel');
    let cancelled: TransitionResult;
    try {
      cancelled = await this.#transitions.apply(order, 'cancel', party, { actorId, note });
    } catch (error) {
      // A retry after a cancel whose release failed is what gives the stock back (the sweep does too).
      if (refusedFrom(error, 'CANCELLED')) await this.releaseCancelled(order).catch(() => undefined);
      else if (error instanceof TransitionRefusedError) await this.#stores.paymentChecks.settle(order._id, 'cancel');
      throw error;
    }
    await this.#afterCancel(order);
    // An unpaid order had nothing taken (a payment still going through refunds itself, or its check does).
    if (cancelled.from === 'PENDING') await this.#stores.paymentChecks.settle(order._id, 'cancel');
    else await this.refund(order, 'cancel');
    return cancelled.order;
  }

  /**
   * A seller (or an ADMIN) cancels their part of an order before it is shipped: its stock goes
   * back, and if it was paid for, its subtotal is refunded, each once. A check opened first lets
   * the sweep finish both should this request die halfway.
   */
  async cancelFulfillment(order: OrderDocument, fulfillmentId: string, { actorId, party }: FulfillmentActor, note: string | null): Promise<OrderDocument> {
    await this.#stores.fulfillmentCancels.open(fulfillmentId, order._id);
    let cancelled: TransitionResult;
    try {
      cancelled = await this.#transitions.applyToFulfillment(order, fulfillmentId, 'cancel', party, { actorId, note });
    } catch (error) {
      if (error instanceof FulfillmentRefusedError && error.decision.refusal === 'status' && error.decision.from === 'CANCELLED') {
        // A retry after a cancel whose stock or refund did not get through finishes them.
        await this.settleFulfillmentCancel(order, fulfillmentId).catch(() => undefined);
      } else if (error instanceof FulfillmentRefusedError) {
        await this.#stores.fulfillmentCancels.settle(fulfillmentId);
      }
      throw error;
    }
    // The cancel stands whatever happens next; what does not get through here, the sweep finishes.
    await this.settleFulfillmentCancel(order, fulfillmentId).catch(() => undefined);
    return cancelled.order;
  }

  /** The stock of a cancelled fulfilment back and its payment refunded, then its check settled; each happens once. */
  async settleFulfillmentCancel(order: OrderDocument, fulfillmentId: string): Promise<void> {
    const record = fulfillmentsOf(order).find((f) => f.id === fulfillmentId);
    const { event, snapshot } = await this.#transitions.snapshot(order);
    if (!record || snapshot.fulfillments[fulfillmentId]?.status !== 'CANCELLED') {
      await this.#stores.fulfillmentCancels.settle(fulfillmentId);
      return;
    }
    if (event.status === 'CANCELLED') {
      // Every part is cancelled: the order is, and its whole reservation goes back.
      await this.releaseCancelled(order);
    } else {
      // Only a confirmed reservation gives back part of itself (an unconfirmed one is confirmed or expired first).
      if (!(await this.holdsStock(order))) await this.confirmStock(order);
      await this.#stock.release(order._id.toHexString(), record.items.map((item) => item.productId.toHexString()));
    }
    await this.settleRefunds(order);
    await this.#stores.fulfillmentCancels.settle(fulfillmentId);
  }

  /**
   * Refunds the subtotal of every fulfilment the payment was taken for and that is now cancelled,
   * once each (a provider refunds a refundId once; the record says it was done). `charged` names
   * fulfilments charged by a payment the log has not recorded (it lost to a cancel).
   */
  async settleRefunds(order: OrderDocument, charged: readonly string[] = []): Promise<void> {
    const { snapshot } = await this.#transitions.snapshot(order);
    const chargedIds = new Set([...(snapshot.charged ?? []), ...charged]);
    for (const fulfillment of fulfillmentsOf(order)) {
      if (!chargedIds.has(fulfillment.id) || snapshot.fulfillments[fulfillment.id]?.status !== 'CANCELLED') continue;
      if (await this.#stores.refunds.has(fulfillment.id)) continue;
      await this.#payments.refund({ reference: order._id.toHexString(), refundId: fulfillment.id, amount: fulfillment.subtotal });
      await this.#stores.refunds.record({ _id: fulfillment.id, orderId: order._id, fulfillmentId: fulfillment.id, amount: fulfillment.subtotal, at: new Date() });
    }
  }

  /**
   * The system cancels an unpaid order (its payment deadline passed, or its stock hold ran out)
   * and gives its stock back. False when the order had moved on first: a payment wins cleanly.
   */
  async expire(order: OrderDocument, note: string): Promise<boolean> {
    try {
      await this.#transitions.apply(order, 'expire', SYSTEM, { actorId: null, note });
    } catch (error) {
      if (!(error instanceof TransitionRefusedError)) throw error;
      await this.#transitions.settle(order._id);
      return false;
    }
    await this.#afterCancel(order);
    return true;
  }

  /**
   * Tells the products service that the order is recorded, so its stock stays taken. When the hold
   * had run out and the stock gone back, the order is expired instead: it never stays PENDING
   * without its stock.
   */
  async confirmStock(order: OrderDocument): Promise<'confirmed' | 'expired'> {
    if ((await this.#stock.confirm(order._id.toHexString())) === 'CONFIRMED') {
      // An insert, not an update of the order: the sweep marks the order itself later (see StockConfirmations).
      await this.#stores.confirmations.record(order._id);
      return 'confirmed';
    }
    await this.expire(order, EXPIRY_NOTES.stockHold);
    return 'expired';
  }

  /** Whether the order's reservation is known to be confirmed: marked on the order, or recorded since. */
  async holdsStock(order: OrderDocument): Promise<boolean> {
    return Boolean(order.stockConfirmedAt) || (await this.#stores.confirmations.has(order._id));
  }

  /** Gives a cancelled order's reservation back; the products service releases a reservation once at most. */
  async releaseCancelled(order: OrderDocument): Promise<void> {
    await this.#stock.release(order._id.toHexString());
    await this.#transitions.settle(order._id, await this.#stores.orders.markStockReleased(order._id));
    await this.#stores.slots.free(order._id);
  }

  /**
   * Gives a cancelled order's payment back, part by part, and settles the check that called for
   * it; `charged` names the parts a payment the log did not record was taken for.
   */
  async refund(order: OrderDocument, check: PaymentCheckKind, charged: readonly string[] = []): Promise<void> {
    await this.settleRefunds(order, charged);
    await this.#stores.paymentChecks.settle(order._id, check);
  }

  /** The stock back and the slot free; the order is cancelled whatever happens here, and if this fails the sweep finishes it. */
  async #afterCancel(order: OrderDocument): Promise<void> {
    await this.releaseCancelled(order).catch(() => undefined);
  }

  /**
   * Takes one of the buyer's open-order slots, reserves under the order's id (so a reservation
   * and its order can always be matched up), records the order, then confirms the reservation.
   */
  async #placeAs(orderId: ObjectId, buyerId: ObjectId, items: OrderLine[]): Promise<OrderDocument> {
    const { maxOpenOrders } = this.#policy;
    if (!(await this.#stores.slots.take(buyerId, orderId, maxOpenOrders))) {
      throw appError(ErrorCode.BAD_USER_INPUT, `you have ${maxOpenOrders} unpaid orders, the most allowed (MAX_OPEN_ORDERS_PER_BUYER); pay or cancel one first`, {
        limit: 'MAX_OPEN_ORDERS_PER_BUYER',
        max: maxOpenOrders,
      });
    }
    let order: OrderDocument;
    try {
      order = await this.#reserveAndRecord(orderId, buyerId, items);
    } catch (error) {
      await this.#stores.slots.free(orderId).catch(() => undefined);
      throw error;
    }
    this.#counters.placed();
    let confirmed: 'confirmed' | 'expired';
    try {
      confirmed = await this.confirmStock(order);
    } catch {
      // Recorded and holding its stock; the sweep confirms it (or expires it) once the products service answers.
      return order;
    }
    if (confirmed === 'expired') throw conflict('the stock could not be held long enough to record the order; place it again');
    return { ...order, stockConfirmedAt: new Date() };
  }

  async #reserveAndRecord(orderId: ObjectId, buyerId: ObjectId, items: OrderLine[]): Promise<OrderDocument> {
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
        sellerIds: sellerIdsOf(lines),
        total: orderTotal(lines),
        status: 'PENDING',
        statusSequence: 0,
        trackingNumber: null,
        fulfillmentStates: sellerIdsOf(lines).map((sellerId) => `${sellerId.toHexString()}:PENDING`),
        stockConfirmedAt: null,
        stockReleasedAt: null,
        paymentDueAt: new Date(now.getTime() + this.#policy.paymentTimeoutMs),
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      await this.#releaseQuietly(reservationId);
      throw error;
    }
  }

  /** Gives the stock back when the order could not be recorded; the release is idempotent, and the sweep backs it up. */
  async #releaseQuietly(reservationId: string): Promise<void> {
    await this.#stock.release(reservationId).catch(() => undefined);
  }
}

/** The distinct sellers of the lines, in the order they first appear. */
function sellerIdsOf(lines: { sellerId: ObjectId }[]): ObjectId[] {
  return [...new Map(lines.map((l) => [l.sellerId.toHexString(), l.sellerId])).values()];
}

/** An error with a code for the client (a declined payment): the provider refused, so nothing was taken. */
function isRefusal(error: unknown): boolean {
  return typeof (error as { extensions?: { code?: unknown } } | null)?.extensions?.code === 'string';
}
