// The order lifecycle as data: which status each action leads from and to, and who may take it.
import type { OrderStatus } from '../stores/orders.ts';

export type OrderAction = 'pay' | 'ship' | 'deliver' | 'cancel';

/** How the caller stands towards one order; an order's sellers never change after it is placed. */
export interface OrderParty {
  isBuyer: boolean;
  /** Sells at least one of the order's items. */
  sellsAnItem: boolean;
  /** Sells every item, so the whole parcel is theirs to send. */
  sellsEveryItem: boolean;
  isAdmin: boolean;
}

interface Rule {
  from: readonly OrderStatus[];
  to: OrderStatus;
  mutation: string;
  mayTake: (party: OrderParty) => boolean;
  actors: string;
}

const RULES: Readonly<Record<OrderAction, Rule>> = {
  pay: { from: ['PENDING'], to: 'PAID', mutation: 'payOrder', mayTake: (p) => p.isBuyer, actors: 'the buyer' },
  ship: {
    from: ['PAID'],
    to: 'SHIPPED',
    mutation: 'shipOrder',
    mayTake: (p) => p.sellsEveryItem || p.isAdmin,
    actors: 'a seller of every item in it or an ADMIN',
  },
  deliver: {
    from: ['SHIPPED'],
    to: 'DELIVERED',
    mutation: 'deliverOrder',
    mayTake: (p) => p.sellsEveryItem || p.isAdmin,
    actors: 'a seller of every item in it or an ADMIN',
  },
  cancel: {
    from: ['PENDING', 'PAID'],
    to: 'CANCELLED',
    mutation: 'cancelOrder',
    mayTake: (p) => p.isBuyer || p.sellsAnItem || p.isAdmin,
    actors: 'the buyer, a seller of one of its items or an ADMIN',
  },
};

const ACTIONS = Object.keys(RULES) as OrderAction[];

export interface AllowedTransition {
  action: OrderAction;
  mutation: string;
  to: OrderStatus;
}

export type Decision =
  | { ok: true; from: OrderStatus; to: OrderStatus }
  | { ok: false; refusal: 'actor'; message: string }
  | { ok: false; refusal: 'status'; message: string; from: OrderStatus; allowed: AllowedTransition[] };

/** Where an order in `status` can go next, whoever asks. */
export function allowedTransitions(status: OrderStatus): AllowedTransition[] {
  return ACTIONS.filter((action) => RULES[action].from.includes(status)).map((action) => ({
    action,
    mutation: RULES[action].mutation,
    to: RULES[action].to,
  }));
}

/** Why the party may never take this action on the order, whatever its status; null if they may. */
export function actorRefusal(action: OrderAction, party: OrderParty): string | null {
  const rule = RULES[action];
  return rule.mayTake(party) ? null : `only ${rule.actors} can ${action} an order`;
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
