// Moves an order from status to status, race-safely: the event log decides, the order keeps a copy.
import type { ObjectId } from 'mongodb';
import { insertNextVersion, settleCopy } from '@marketplace/service-kit';
import type { Stores } from '../stores/index.ts';
import { eventId, placementEvent, type OrderEventDocument, type OrderEventLog } from '../stores/order-events.ts';
import type { OrderDocument, OrdersStore, OrderStatus } from '../stores/orders.ts';
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
  /** Null for the system. */
  actorId: ObjectId | null;
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

export class OrderTransitions {
  readonly #orders: OrdersStore;
  readonly #events: OrderEventLog;

  constructor(stores: Pick<Stores, 'orders' | 'events'>) {
    this.#orders = stores.orders;
    this.#events = stores.events;
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
    await this.#orders.copyStatus(order._id, copyOf(event));
    await this.settle(order._id);
    const updated = { ...order, status: event.status, statusSequence: event.sequence, trackingNumber: event.trackingNumber, updatedAt: event.at };
    return { order: updated, from: latest.status, event };
  }

  /** Brings the order's copy up to the latest event (see settleCopy). */
  settle(orderId: ObjectId): Promise<void> {
    return settleCopy({
      read: async () => {
        const [latest, order] = await Promise.all([this.#events.latest(orderId), this.#orders.findById(orderId)]);
        return latest && order ? { latest, copied: order.statusSequence } : null;
      },
      version: (event) => event.sequence,
      write: (event) => this.#orders.copyStatus(orderId, copyOf(event)),
    });
  }
}

/** The event that takes the action after `latest`; throws TransitionRefusedError when it is not allowed from there. */
function eventAfter(order: OrderDocument, latest: OrderEventDocument, action: OrderAction, party: OrderParty, details: TransitionDetails): OrderEventDocument {
  const decision = decide(action, latest.status, party);
  if (!decision.ok) throw new TransitionRefusedError(decision);
  const sequence = latest.sequence + 1;
  return {
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
}

/** Whether the action was refused because the order is already `status`. */
export function refusedFrom(error: unknown, status: OrderStatus): boolean {
  return error instanceof TransitionRefusedError && error.decision.refusal === 'status' && error.decision.from === status;
}

const copyOf = (event: OrderEventDocument) => ({
  sequence: event.sequence,
  status: event.status,
  trackingNumber: event.trackingNumber,
  at: event.at,
});
