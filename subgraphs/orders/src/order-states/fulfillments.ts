// The fulfilment lifecycle as data, and how an order's status follows from its fulfilments.
//
// An order holds one fulfilment per seller of its items. Each seller ships, delivers or cancels
// their own; the order's status is then derived, never set: see `deriveOrderStatus`. Whole-order
// actions (shipOrder, deliverOrder, cancelOrder, expiry) act on every fulfilment at once.
import type { OrderAction } from './state-machine.ts';

export type FulfillmentStatus = 'PENDING' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';
export const FULFILLMENT_STATUSES: readonly FulfillmentStatus[] = ['PENDING', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

/** An order's status: PARTIALLY_SHIPPED while some of its live fulfilments are on their way and others are not. */
export type DerivedOrderStatus = 'PENDING' | 'PAID' | 'PARTIALLY_SHIPPED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export type FulfillmentAction = 'ship' | 'deliver' | 'cancel';

/** How the caller stands towards one fulfilment. */
export interface FulfillmentParty {
  /** The fulfilment's own seller. */
  isSeller: boolean;
  isAdmin: boolean;
}

export interface FulfillmentState {
  status: FulfillmentStatus;
  trackingNumber: string | null;
}

/** What an order's log says at one event: whether it was paid, and each fulfilment's state by id. */
export interface OrderSnapshot {
  paid: boolean;
  fulfillments: Readonly<Record<string, FulfillmentState>>;
  /** The fulfilments the payment was taken for (those not cancelled when it was); empty until paid. */
  charged?: readonly string[];
}

interface Rule {
  from: readonly FulfillmentStatus[];
  to: FulfillmentStatus;
  mutation: string;
  /** Shipping waits for the order's payment; the other actions do not. */
  needsPayment: boolean;
}

const RULES: Readonly<Record<FulfillmentAction, Rule>> = {
  ship: { from: ['PENDING'], to: 'SHIPPED', mutation: 'shipFulfillment', needsPayment: true },
  deliver: { from: ['SHIPPED'], to: 'DELIVERED', mutation: 'deliverFulfillment', needsPayment: true },
  cancel: { from: ['PENDING'], to: 'CANCELLED', mutation: 'cancelFulfillment', needsPayment: false },
};

export const FULFILLMENT_ACTIONS = Object.keys(RULES) as FulfillmentAction[];

export type FulfillmentDecision =
  | { ok: true; from: FulfillmentStatus; to: FulfillmentStatus }
  | { ok: false; refusal: 'actor' | 'unpaid'; message: string }
  | { ok: false; refusal: 'status'; message: string; from: FulfillmentStatus };

/** Where a fulfilment in `status` can go next, and through which mutation. */
export function fulfillmentTransitions(status: FulfillmentStatus): { action: FulfillmentAction; mutation: string; to: FulfillmentStatus }[] {
  return FULFILLMENT_ACTIONS.flatMap((action) => (RULES[action].from.includes(status) ? [{ action, mutation: RULES[action].mutation, to: RULES[action].to }] : []));
}

/** Who may act (the fulfilment's seller or an ADMIN), then whether the order is paid if it must be, then the status. */
export function decideFulfillment(action: FulfillmentAction, from: FulfillmentStatus, party: FulfillmentParty, paid: boolean): FulfillmentDecision {
  if (!party.isSeller && !party.isAdmin) return { ok: false, refusal: 'actor', message: `only the fulfilment's seller or an ADMIN can ${action} a fulfilment` };
  const rule = RULES[action];
  if (!rule.from.includes(from)) {
    const next = fulfillmentTransitions(from);
    const rest = next.length ? `from ${from} it can only go to ${next.map((t) => `${t.to} (${t.mutation})`).join(' or ')}` : `${from} is final`;
    return { ok: false, refusal: 'status', message: `cannot ${action} a fulfilment that is ${from}; ${rest}`, from };
  }
  if (rule.needsPayment && !paid) return { ok: false, refusal: 'unpaid', message: `a fulfilment can only be ${action === 'ship' ? 'shipped' : 'delivered'} once its order is paid` };
  return { ok: true, from, to: rule.to };
}

const isLive = (s: FulfillmentStatus) => s !== 'CANCELLED';
const onItsWay = (s: FulfillmentStatus) => s === 'SHIPPED' || s === 'DELIVERED';

/**
 * The order's status from its fulfilments: CANCELLED when every fulfilment is; otherwise PENDING
 * until paid; then, over the fulfilments that are not cancelled, DELIVERED when each is delivered,
 * SHIPPED when each is shipped or delivered, PARTIALLY_SHIPPED when some are, and PAID when none is.
 */
export function deriveOrderStatus(snapshot: OrderSnapshot): DerivedOrderStatus {
  const live = Object.values(snapshot.fulfillments)
    .map((f) => f.status)
    .filter(isLive);
  if (live.length === 0) return 'CANCELLED';
  if (!snapshot.paid) return 'PENDING';
  if (live.every((s) => s === 'DELIVERED')) return 'DELIVERED';
  if (live.every(onItsWay)) return 'SHIPPED';
  if (live.some(onItsWay)) return 'PARTIALLY_SHIPPED';
  return 'PAID';
}

/** The snapshot after one fulfilment's change. */
export function withFulfillment(snapshot: OrderSnapshot, id: string, change: FulfillmentState): OrderSnapshot {
  return { ...snapshot, fulfillments: { ...snapshot.fulfillments, [id]: change } };
}

/**
 * The snapshot after a whole-order action: paying marks it paid; shipping ships every pending
 * fulfilment (with one tracking number), delivering delivers every shipped one, and cancelling or
 * expiring cancels every pending one. Which actions are allowed from which status is the order
 * state machine's business (state-machine.ts); this only says what each one does.
 */
export function afterOrderAction(snapshot: OrderSnapshot, action: OrderAction, trackingNumber: string | null = null): OrderSnapshot {
  if (action === 'pay') return { ...snapshot, paid: true };
  const change: Record<Exclude<OrderAction, 'pay'>, [FulfillmentStatus, FulfillmentStatus]> = {
    ship: ['PENDING', 'SHIPPED'],
    deliver: ['SHIPPED', 'DELIVERED'],
    cancel: ['PENDING', 'CANCELLED'],
    expire: ['PENDING', 'CANCELLED'],
  };
  const [from, to] = change[action];
  const fulfillments: Record<string, FulfillmentState> = {};
  for (const [id, state] of Object.entries(snapshot.fulfillments)) {
    fulfillments[id] = state.status === from ? { status: to, trackingNumber: action === 'ship' ? trackingNumber : state.trackingNumber } : state;
  }
  return { ...snapshot, fulfillments };
}

/** The order statuses of the time before fulfilments (PARTIALLY_SHIPPED did not exist). */
export type LegacyOrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

/** What each old order status means for every one of the order's fulfilments. */
export const LEGACY_FULFILLMENT_STATUS: Readonly<Record<LegacyOrderStatus, FulfillmentStatus>> = {
  PENDING: 'PENDING',
  PAID: 'PENDING',
  SHIPPED: 'SHIPPED',
  DELIVERED: 'DELIVERED',
  CANCELLED: 'CANCELLED',
};

/**
 * The snapshot an event of the time before fulfilments stands for: its order status applied to
 * every fulfilment, so orders placed before fulfilments existed read on as they always did.
 */
export function legacySnapshot(status: LegacyOrderStatus, trackingNumber: string | null, fulfillmentIds: readonly string[]): OrderSnapshot {
  const fulfillmentStatus = LEGACY_FULFILLMENT_STATUS[status];
  const each: FulfillmentState = {
    status: fulfillmentStatus,
    trackingNumber: fulfillmentStatus === 'SHIPPED' || fulfillmentStatus === 'DELIVERED' ? trackingNumber : null,
  };
  const paid = status !== 'PENDING' && status !== 'CANCELLED';
  // A payment of then was taken for the whole order.
  return { paid, fulfillments: Object.fromEntries(fulfillmentIds.map((id) => [id, each])), charged: paid ? [...fulfillmentIds] : [] };
}
