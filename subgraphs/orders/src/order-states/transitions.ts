// Moves an order through its lifecycle, race-safely: the event log decides, the order keeps a copy.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectId } from 'mongodb';
import { isDuplicateKeyError } from '@marketplace/service-kit';
import type { OrderDocument, OrdersStore, OrderStatus } from '../stores/orders.ts';
import { eventId, placementEvent, type OrderEventDocument, type OrderEventLog } from '../stores/order-events.ts';
import { decide, type Decision, type OrderAction, type OrderParty } from './state-machine.ts';

export class TransitionRefusedError extends Error {
  override name = 'TransitionRefusedError';
  readonly decision: Exclude<Decision, { ok: true }>;
  constructor(decision: Exclude<Decision, { ok: true }>) {
    super(decision.message);
    this.decision = decision;
  }
}

export interface TransitionDetails {
  actorId: ObjectId;
  note?: string | null;
  trackingNumber?: string;
  paymentId?: string;
}

export interface TransitionResult {
  order: OrderDocument;
  from: OrderStatus;
  event: OrderEventDocument;
}

const MAX_ATTEMPTS = 50;

export class OrderLifecycle {
  readonly #orders: OrdersStore;
  readonly #events: OrderEventLog;

  constructor(orders: OrdersStore, events: OrderEventLog) {
    this.#orders = orders;
    this.#events = events;
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
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const latest = await this.current(order);
      const decision = decide(action, latest.status, party);
      if (!decision.ok) throw new TransitionRefusedError(decision);
      const sequence = latest.sequence + 1;
      const event: OrderEventDocument = {
        _id: eventId(order._id, sequence),
        orderId: order._id,
        sequence,
        status: decision.to,
        at: new Date(),
        actorId: details.actorId,
        note: details.note ?? null,
        trackingNumber: details.trackingNumber ?? latest.trackingNumber,
        ...(details.paymentId ? { paymentId: details.paymentId } : {}),
      };
      try {
        await this.#events.append(event);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        await sleep(Math.random() * Math.min(2 ** attempt, 20));
        continue;
      }
      await this.#orders.copyStatus(order._id, copyOf(event));
      await this.#settle(order._id);
      const updated = { ...order, status: event.status, statusSequence: sequence, trackingNumber: event.trackingNumber, updatedAt: event.at };
      return { order: updated, from: decision.from, event };
    }
    throw new Error(`order ${order._id.toHexString()} is changing too often; try again`);
  }

  /**
   * Brings the order's copy up to the latest event. A slow writer can put an older copy back
   * where conditional updates are not atomic; every writer checks after writing, so the last one
   * to finish leaves the copy equal to the log.
   */
  async #settle(orderId: ObjectId): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const [latest, order] = await Promise.all([this.#events.latest(orderId), this.#orders.findById(orderId)]);
      if (!latest || !order || order.statusSequence >= latest.sequence) return;
      await this.#orders.copyStatus(orderId, copyOf(latest));
    }
  }
}

const copyOf = (event: OrderEventDocument) => ({
  sequence: event.sequence,
  status: event.status,
  trackingNumber: event.trackingNumber,
  at: event.at,
});
