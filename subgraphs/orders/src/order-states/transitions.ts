// Moves an order from status to status, race-safely: the event log decides, the order keeps a copy.
import type { ObjectId } from 'mongodb';
import { insertNextVersion, settleCopy } from '@marketplace/service-kit';
import type { Stores } from '../stores/index.ts';
import { eventId, placementEvent, type OrderEventDocument, type OrderEventLog } from '../stores/order-events.ts';
import { NO_ORDER_COUNTERS, type OrderCounters } from '../order-metrics.ts';
import type { OrderDocument, OrdersStore, OrderStatus } from '../stores/orders.ts';
import { fulfillmentStates, snapshotAt } from '../fulfillment-records.ts';
import { afterOrderAction, decideFulfillment, deriveOrderStatus, withFulfillment, type FulfillmentAction, type FulfillmentDecision, type FulfillmentParty, type OrderSnapshot } from './fulfillments.ts';
import { decide, type Decision, type OrderAction, type OrderParty } from './state-machine.ts';

export class TransitionRefusedError extends Error {
  override name = 'TransitionRefusedError';
  readonly decision: Exclude<Decision, { ok: true }>;
  constructor(decision: Exclude<Decision, { ok: true }>) {
    super(decision.message);
    this.decision = decision;
  }
}

/** A fulfilment's step refused: by who asks, the fulfilment's status, or an unpaid order. */
export class FulfillmentRefusedError extends Error {
  override name = 'FulfillmentRefusedError';
  readonly decision: Exclude<FulfillmentDecision, { ok: true }>;
  constructor(decision: Exclude<FulfillmentDecision, { ok: true }>) {
    super(decision.message);
    this.decision = decision;
  }
}

export interface TransitionDetails {
  /** Null for the system. */
  actorId: ObjectId | null;
  note?: string | null;
  trackingNumber?: string;
  paymentId?: string;
  /** For a payment: the fulfilments it was taken for. */
  charged?: string[];
}

export interface TransitionResult {
  order: OrderDocument;
  from: OrderStatus;
  event: OrderEventDocument;
}

const MAX_ATTEMPTS = 50;

export class OrderTransitions {
  readonly #orders: OrdersStore;
  readonly #events: OrderEventLog;

  readonly #counters: OrderCounters;

  constructor(stores: Pick<Stores, 'orders' | 'events'>, counters: OrderCounters = NO_ORDER_COUNTERS) {
    this.#orders = stores.orders;
    this.#events = stores.events;
    this.#counters = counters;
  }

  /** The order's latest event, read from the log rather than the order's copy. */
  async current(order: OrderDocument): Promise<OrderEventDocument> {
    return (await this.#events.latest(order._id)) ?? placementEvent(order);
  }

  /** Throws TransitionRefusedError unless the action is allowed now; apply checks again. */
  async assertAllowed(order: OrderDocument, action: OrderAction, party: OrderParty): Promise<void> {
    const decision = decide(action, (await this.current(order)).status, party);
    if (!decision.ok) throw new TransitionRefusedError(decision);
  }

  /**
   * Appends the action's event if the order's current status allows it. Of two changes made from
   * the same state only one gets its event in; the other re-reads and is either refused (the
   * order moved on to a status that forbids it) or tries again from the new state.
   */
  async apply(order: OrderDocument, action: OrderAction, party: OrderParty, details: TransitionDetails): Promise<TransitionResult> {
    const { entry: event, state: latest } = await insertNextVersion({
      read: () => this.current(order),
      next: (latest: OrderEventDocument) => eventAfter(order, latest, action, party, details),
      insert: (event) => this.#events.append(event),
      maxAttempts: MAX_ATTEMPTS,
      contended: () => new Error(`order ${order._id.toHexString()} is changing too often; try again`),
    });
    this.#counters.changed(action, latest.status, event.status);
    return this.#recorded(order, latest, event);
  }

  /**
   * A seller's (or an ADMIN's) step on one fulfilment, through the same log as the order's own
   * steps: of two changes to one order made from the same state only one gets in, so a seller
   * shipping while the buyer cancels, or two sellers shipping at once, end in one state.
   */
  async applyToFulfillment(
    order: OrderDocument,
    fulfillmentId: string,
    action: FulfillmentAction,
    party: FulfillmentParty,
    details: TransitionDetails,
  ): Promise<TransitionResult> {
    const { entry: event, state: latest } = await insertNextVersion({
      read: () => this.current(order),
      next: (latest: OrderEventDocument) => fulfillmentEventAfter(order, latest, fulfillmentId, action, party, details),
      insert: (event) => this.#events.append(event),
      maxAttempts: MAX_ATTEMPTS,
      contended: () => new Error(`order ${order._id.toHexString()} is changing too often; try again`),
    });
    this.#counters.changed(action, latest.status, event.status);
    return this.#recorded(order, latest, event);
  }

  /** The order's state as of its latest event. */
  async snapshot(order: OrderDocument): Promise<{ event: OrderEventDocument; snapshot: OrderSnapshot }> {
    const event = await this.current(order);
    return { event, snapshot: snapshotAt(order, event) };
  }

  async #recorded(order: OrderDocument, latest: OrderEventDocument, event: OrderEventDocument): Promise<TransitionResult> {
    const copy = copyOf(order, event);
    await this.settle(order._id, await this.#orders.copyStatus(order._id, copy));
    const updated = { ...order, status: event.status, statusSequence: event.sequence, trackingNumber: event.trackingNumber, fulfillmentStates: copy.fulfillmentStates, updatedAt: event.at };
    return { order: updated, from: latest.status, event };
  }

  /** settle for many orders at once: one read of their logs and one of their copies, then settling only those behind. */
  async settleMany(orderIds: readonly ObjectId[]): Promise<void> {
    if (orderIds.length === 0) return;
    const [events, orders] = await Promise.all([this.#events.forOrders(orderIds), this.#orders.findByIds(orderIds)]);
    const latest = new Map(events.map((event) => [event.orderId.toHexString(), event.sequence]));
    for (const order of orders) {
      if ((latest.get(order._id.toHexString()) ?? 0) > order.statusSequence) await this.settle(order._id);
    }
  }

  /**
   * Brings the order's copy up to the latest event (see settleCopy). `written`: the order as this
   * caller's own write left it, which saves reading it back the first time.
   */
  settle(orderId: ObjectId, written?: OrderDocument | null): Promise<void> {
    let known = written ?? undefined;
    return settleCopy({
      read: async () => {
        const [latest, order] = await Promise.all([this.#events.latest(orderId), known ?? this.#orders.findById(orderId)]);
        known = undefined;
        return latest && order ? { latest, copied: order.statusSequence } : null;
      },
      version: (event) => event.sequence,
      write: async (event) => {
        // The lines, which decide the copy, never change: any version of the order will do.
        const order = written ?? (await this.#orders.findById(orderId));
        if (order) await this.#orders.copyStatus(orderId, copyOf(order, event));
      },
    });
  }
}

/** The event that takes the action after `latest`; throws TransitionRefusedError when it is not allowed from there. */
function eventAfter(order: OrderDocument, latest: OrderEventDocument, action: OrderAction, party: OrderParty, details: TransitionDetails): OrderEventDocument {
  const decision = decide(action, latest.status, party);
  if (!decision.ok) throw new TransitionRefusedError(decision);
  const after = afterOrderAction(snapshotAt(order, latest), action, details.trackingNumber ?? null);
  const snapshot = action === 'pay' ? { ...after, charged: details.charged ?? Object.keys(after.fulfillments) } : after;
  return nextEvent(order, latest, snapshot, details);
}

/** The event of one fulfilment's step after `latest`; throws FulfillmentRefusedError when it is not allowed. */
function fulfillmentEventAfter(
  order: OrderDocument,
  latest: OrderEventDocument,
  fulfillmentId: string,
  action: FulfillmentAction,
  party: FulfillmentParty,
  details: TransitionDetails,
): OrderEventDocument {
  const before = snapshotAt(order, latest);
  const current = before.fulfillments[fulfillmentId];
  if (!current) throw new Error(`order ${order._id.toHexString()} has no fulfilment ${fulfillmentId}`);
  const decision = decideFulfillment(action, current.status, party, before.paid);
  if (!decision.ok) throw new FulfillmentRefusedError(decision);
  const trackingNumber = action === 'ship' ? (details.trackingNumber ?? null) : current.trackingNumber;
  const snapshot = withFulfillment(before, fulfillmentId, { status: decision.to, trackingNumber });
  return { ...nextEvent(order, latest, snapshot, details), fulfillmentId };
}

function nextEvent(order: OrderDocument, latest: OrderEventDocument, snapshot: OrderSnapshot, details: TransitionDetails): OrderEventDocument {
  const sequence = latest.sequence + 1;
  return {
    _id: eventId(order._id, sequence),
    orderId: order._id,
    sequence,
    status: deriveOrderStatus(snapshot),
    at: new Date(),
    actorId: details.actorId,
    note: details.note ?? null,
    trackingNumber: details.trackingNumber ?? latest.trackingNumber,
    paid: snapshot.paid,
    fulfillments: { ...snapshot.fulfillments },
    charged: [...(snapshot.charged ?? [])],
    ...(details.paymentId ? { paymentId: details.paymentId } : {}),
  };
}

/** Whether the action was refused because the order is already `status`. */
export function refusedFrom(error: unknown, status: OrderStatus): boolean {
  return error instanceof TransitionRefusedError && error.decision.refusal === 'status' && error.decision.from === status;
}

const copyOf = (order: OrderDocument, event: OrderEventDocument) => ({
  sequence: event.sequence,
  status: event.status,
  trackingNumber: event.trackingNumber,
  fulfillmentStates: fulfillmentStates(order, snapshotAt(order, event)),
  at: event.at,
});
