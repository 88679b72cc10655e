import { describe, expect, it } from 'vitest';
import { actorRefusal, allowedTransitions, decide, type OrderAction, type OrderParty } from '../src/order-states/state-machine.ts';
import type { OrderStatus } from '../src/stores/orders.ts';

const nobody: OrderParty = { isBuyer: false, sellsAnItem: false, sellsEveryItem: false, isAdmin: false };
const PARTIES = {
  buyer: { ...nobody, isBuyer: true },
  soleSeller: { ...nobody, sellsAnItem: true, sellsEveryItem: true },
  partSeller: { ...nobody, sellsAnItem: true },
  admin: { ...nobody, isAdmin: true },
  stranger: nobody,
  system: { ...nobody, isSystem: true },
} satisfies Record<string, OrderParty>;
type PartyName = keyof typeof PARTIES;

const STATUSES: OrderStatus[] = ['PENDING', 'PAID', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const ACTIONS: OrderAction[] = ['pay', 'ship', 'deliver', 'cancel', 'expire'];

/**
 * The whole lifecycle, written out once more by hand: action → [from statuses, to, who may, and
 * the mutation a seller of only some of the items is sent to for their own part].
 */
const EXPECTED: Record<OrderAction, { from: OrderStatus[]; to: OrderStatus; actors: PartyName[]; partMutation?: string }> = {
  pay: { from: ['PENDING'], to: 'PAID', actors: ['buyer'] },
  ship: { from: ['PAID', 'PARTIALLY_SHIPPED'], to: 'SHIPPED', actors: ['soleSeller', 'admin'], partMutation: 'shipFulfillment' },
  deliver: { from: ['SHIPPED'], to: 'DELIVERED', actors: ['soleSeller', 'admin'], partMutation: 'deliverFulfillment' },
  cancel: { from: ['PENDING', 'PAID'], to: 'CANCELLED', actors: ['buyer', 'soleSeller', 'admin'], partMutation: 'cancelFulfillment' },
  expire: { from: ['PENDING'], to: 'CANCELLED', actors: ['system'] },
};

describe('the order state machine', () => {
  for (const action of ACTIONS) {
    const rule = EXPECTED[action];
    for (const name of Object.keys(PARTIES) as PartyName[]) {
      const party = PARTIES[name];
      for (const from of STATUSES) {
        const may = rule.actors.includes(name);
        const allowedNow = rule.from.includes(from);
        const outcome = !may ? 'refuses the actor' : allowedNow ? `moves to ${rule.to}` : 'refuses the status';
        it(`${action} by ${name} from ${from} ${outcome}`, () => {
          const decision = decide(action, from, party);
          if (!may) {
            expect(decision).toMatchObject({ ok: false, refusal: 'actor' });
            // A seller of some of the items is sent to their own part's mutation; everyone else is told who may.
            const sentToPart = name === 'partSeller' && rule.partMutation !== undefined;
            expect(decision.ok === false && decision.message).toMatch(sentToPart ? new RegExp(`your part with ${rule.partMutation}`) : /^only /);
          } else if (allowedNow) {
            expect(decision).toEqual({ ok: true, from, to: rule.to });
          } else {
            expect(decision).toMatchObject({ ok: false, refusal: 'status', from });
          }
        });
      }
    }
  }

  it('a buyer who sells every item may do everything either role may', () => {
    const both = { ...nobody, isBuyer: true, sellsAnItem: true, sellsEveryItem: true };
    for (const action of ACTIONS.filter((a) => a !== 'expire')) expect(actorRefusal(action, both)).toBeNull();
    expect(actorRefusal('expire', both)).toBe('only the system can expire an order');
  });

  it('lists where each status can go next', () => {
    expect(allowedTransitions('PENDING').map((t) => t.to)).toEqual(['PAID', 'CANCELLED']);
    expect(allowedTransitions('PAID').map((t) => t.to)).toEqual(['SHIPPED', 'CANCELLED']);
    expect(allowedTransitions('SHIPPED').map((t) => t.to)).toEqual(['DELIVERED']);
    expect(allowedTransitions('DELIVERED')).toEqual([]);
    expect(allowedTransitions('CANCELLED')).toEqual([]);
  });

  it('names the allowed transitions and their mutations when refusing a status', () => {
    const shipPending = decide('ship', 'PENDING', PARTIES.soleSeller);
    expect(shipPending.ok).toBe(false);
    if (shipPending.ok) return;
    expect(shipPending.message).toBe('cannot ship an order that is PENDING; from PENDING it can only go to PAID (payOrder) or CANCELLED (cancelOrder)');
    expect(decide('cancel', 'SHIPPED', PARTIES.buyer)).toMatchObject({
      message: 'cannot cancel an order that is SHIPPED; from SHIPPED it can only go to DELIVERED (deliverOrder)',
      allowed: [{ action: 'deliver', mutation: 'deliverOrder', to: 'DELIVERED' }],
    });
    expect(decide('pay', 'CANCELLED', PARTIES.buyer)).toMatchObject({ message: expect.stringMatching(/CANCELLED is final/), allowed: [] });
  });

  it('says who may act when refusing the actor, before looking at the status', () => {
    expect(decide('ship', 'CANCELLED', PARTIES.stranger)).toEqual({
      ok: false,
      refusal: 'actor',
      message: 'only a seller of every item in it or an ADMIN can ship an order',
    });
    expect(actorRefusal('pay', PARTIES.admin)).toBe('only the buyer can pay an order');
    expect(actorRefusal('cancel', PARTIES.stranger)).toBe('only the buyer, a seller of every item in it or an ADMIN can cancel an order');
  });

  it('sends a seller of only some of the items to the fulfilment mutation for their own part', () => {
    expect(decide('ship', 'CANCELLED', PARTIES.partSeller)).toEqual({
      ok: false,
      refusal: 'actor',
      message: "you sell only some of this order's items: ship your part with shipFulfillment; only a seller of every item in it or an ADMIN can ship the whole order",
    });
    expect(actorRefusal('deliver', PARTIES.partSeller)).toBe(
      "you sell only some of this order's items: deliver your part with deliverFulfillment; only a seller of every item in it or an ADMIN can deliver the whole order",
    );
    expect(actorRefusal('cancel', PARTIES.partSeller)).toBe(
      "you sell only some of this order's items: cancel your part with cancelFulfillment; only the buyer, a seller of every item in it or an ADMIN can cancel the whole order",
    );
    expect(actorRefusal('pay', PARTIES.partSeller)).toBe('only the buyer can pay an order');
  });

  it('a buyer who sells some of the items may pay and cancel as the buyer, and ships their part only', () => {
    const both = { ...nobody, isBuyer: true, sellsAnItem: true };
    expect(actorRefusal('pay', both)).toBeNull();
    expect(actorRefusal('cancel', both)).toBeNull();
    expect(actorRefusal('ship', both)).toMatch(/your part with shipFulfillment/);
    expect(actorRefusal('deliver', both)).toMatch(/your part with deliverFulfillment/);
  });
});
