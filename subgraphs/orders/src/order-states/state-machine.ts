// The order lifecycle as data: which status each action leads from and to, and who may take it.
import type { OrderStatus } from '../stores/orders.ts';

/** `expire` is the system's own cancel: an unpaid order whose payment deadline or stock hold ran out. */
export type OrderAction = 'pay' | 'ship' | 'deliver' | 'cancel' | 'expire';

/** How the caller stands towards one order; an order's sellers never change after it is placed. */
export interface OrderParty {
  isBuyer: boolean;
  /** Sells at least one of the order's items. */
  sellsAnItem: boolean;
  /** Sells every item, so the whole parcel is theirs to send. */
  sellsEveryItem: boolean;
  isAdmin: boolean;
  /** The service itself (a sweep), never a signed-in caller. */
  isSystem?: boolean;
}

/** How the system stands towards every order: it may only expire one. */
export const SYSTEM: OrderParty = { isBuyer: false, sellsAnItem: false, sellsEveryItem: false, isAdmin: false, isSystem: true };

interface Rule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** The client's mutation for it; none for what only the system does. */
  mutation: string | null;
  mayTake: (party: OrderParty) => boolean;
  actors: string;
  /** What a seller of only some of the order's items uses on their own part instead. */
  partMutation?: string;
}

const RULES: Readonly<Record<OrderAction, Rule>> = {
  pay: { from: ['PENDING'], to: 'PAID', mutation: 'payOrder', mayTake: (p) => p.isBuyer, actors: 'the buyer' },
  ship: {
    // Partly shipped by its sellers: shipping the order sends what is left.
    from: ['PAID', 'PARTIALLY_SHIPPED'],
    to: 'SHIPPED',
    mutation: 'shipOrder',
    mayTake: (p) => p.sellsEveryItem || p.isAdmin,
    actors: 'a seller of every item in it or an ADMIN',
    partMutation: 'shipFulfillment',
  },
  deliver: {
    from: ['SHIPPED'],
    to: 'DELIVERED',
    mutation: 'deliverOrder',
    mayTake: (p) => p.sellsEveryItem || p.isAdmin,
    actors: 'a seller of every item in it or an ADMIN',
    partMutation: 'deliverFulfillment',
  },
  cancel: {
    from: ['PENDING', 'PAID'],
    to: 'CANCELLED',
    mutation: 'cancelOrder',
    // A seller of some of its items cancels their own part only (cancelFulfillment).
    mayTake: (p) => p.isBuyer || p.sellsEveryItem || p.isAdmin,
    actors: 'the buyer, a seller of every item in it or an ADMIN',
    partMutation: 'cancelFulfillment',
  },
  // Only from PENDING: a payment that got in first wins, and the expiry is refused.
  expire: { from: ['PENDING'], to: 'CANCELLED', mutation: null, mayTake: (p) => p.isSystem === true, actors: 'the system' },
};

const ACTIONS = Object.keys(RULES) as OrderAction[];

export interface AllowedTransition {
  action: Exclude<OrderAction, 'expire'>;
  mutation: string;
  to: OrderStatus;
}

export type Decision =
  | { ok: true; from: OrderStatus; to: OrderStatus }
  | { ok: false; refusal: 'actor'; message: string }
  | { ok: false; refusal: 'status'; message: string; from: OrderStatus; allowed: AllowedTransition[] };

/** Where an order in `status` can go next, whoever asks. */
export function allowedTransitions(status: OrderStatus): AllowedTransition[] {
  return ACTIONS.flatMap((action) => {
    const { from, mutation, to } = RULES[action];
    return action !== 'expire' && mutation && from.includes(status) ? [{ action, mutation, to }] : [];
  });
}

/**
 * Why the party may never take this action on the order, whatever its status; null if they may.
 * A seller of only some of its items is told the mutation for their own part.
 */
export function actorRefusal(action: OrderAction, party: OrderParty): string | null {
  const rule = RULES[action];
  if (rule.mayTake(party)) return null;
  if (rule.partMutation && party.sellsAnItem && !party.sellsEveryItem) {
    return `you sell only some of this order's items: ${action} your part with ${rule.partMutation}; only ${rule.actors} can ${action} the whole order`;
  }
  return `only ${rule.actors} can ${action} an order`;
}

/** The whole rule: first who may act, then whether the order's current status allows it. */
export function decide(action: OrderAction, from: OrderStatus, party: OrderParty): Decision {
  const refused = actorRefusal(action, party);
  if (refused) return { ok: false, refusal: 'actor', message: refused };
  const rule = RULES[action];
  if (rule.from.includes(from)) return { ok: true, from, to: rule.to };
  const allowed = allowedTransitions(from);
  const next = allowed.length
    ? `from ${from} it can only go to ${allowed.map((t) => `${t.to} (${t.mutation})`).join(' or ')}`
    : `${from} is final: no further transitions are allowed`;
  return { ok: false, refusal: 'status', message: `cannot ${action} an order that is ${from}; ${next}`, from, allowed };
}
