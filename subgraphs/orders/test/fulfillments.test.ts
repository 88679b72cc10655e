// The fulfilment state machine and the order status derived from fulfilments, on every combination.
import { describe, expect, it } from 'vitest';
import {
  afterOrderAction,
  decideFulfillment,
  deriveOrderStatus,
  FULFILLMENT_ACTIONS,
  FULFILLMENT_STATUSES,
  legacySnapshot,
  withFulfillment,
  type DerivedOrderStatus,
  type FulfillmentAction,
  type FulfillmentParty,
  type FulfillmentStatus,
  type OrderSnapshot,
} from '../src/order-states/fulfillments.ts';

const PARTIES: Record<string, FulfillmentParty> = {
  seller: { isSeller: true, isAdmin: false },
  admin: { isSeller: false, isAdmin: true },
  otherSeller: { isSeller: false, isAdmin: false },
};

/** Written out again by hand: action → [from, to, needs the order paid]. */
const EXPECTED: Record<FulfillmentAction, { from: FulfillmentStatus; to: FulfillmentStatus; needsPayment: boolean }> = {
  ship: { from: 'PENDING', to: 'SHIPPED', needsPayment: true },
  deliver: { from: 'SHIPPED', to: 'DELIVERED', needsPayment: true },
  cancel: { from: 'PENDING', to: 'CANCELLED', needsPayment: false },
};

describe('the fulfilment state machine', () => {
  for (const action of FULFILLMENT_ACTIONS) {
    for (const [name, party] of Object.entries(PARTIES)) {
      for (const from of FULFILLMENT_STATUSES) {
        for (const paid of [false, true]) {
          const rule = EXPECTED[action];
          const expected =
            name === 'otherSeller' ? 'actor' : from !== rule.from ? 'status' : rule.needsPayment && !paid ? 'unpaid' : 'ok';
          it(`${action} by ${name} from ${from}${paid ? ', paid' : ', unpaid'}: ${expected}`, () => {
            const decision = decideFulfillment(action, from, party, paid);
            if (expected === 'ok') expect(decision).toEqual({ ok: true, from, to: rule.to });
            else expect(decision).toMatchObject({ ok: false, refusal: expected });
          });
        }
      }
    }
  }

  it('says where a refused fulfilment can go instead', () => {
    const decision = decideFulfillment('cancel', 'SHIPPED', PARTIES.seller!, true);
    expect(decision).toMatchObject({ ok: false, message: 'cannot cancel a fulfilment that is SHIPPED; from SHIPPED it can only go to DELIVERED (deliverFulfillment)' });
    expect(decideFulfillment('ship', 'DELIVERED', PARTIES.admin!, true)).toMatchObject({ message: 'cannot ship a fulfilment that is DELIVERED; DELIVERED is final' });
  });
});

/** Every list of 1 to 4 fulfilment statuses. */
function combinations(size: number): FulfillmentStatus[][] {
  if (size === 0) return [[]];
  return combinations(size - 1).flatMap((rest) => FULFILLMENT_STATUSES.map((s) => [...rest, s]));
}

const snapshot = (paid: boolean, statuses: FulfillmentStatus[]): OrderSnapshot => ({
  paid,
  fulfillments: Object.fromEntries(statuses.map((status, i) => [`f${i}`, { status, trackingNumber: status === 'PENDING' || status === 'CANCELLED' ? null : `T${i}` }])),
});

/** The rule again, by counting instead of by predicates. */
function expectedStatus(paid: boolean, statuses: FulfillmentStatus[]): DerivedOrderStatus {
  const count = (s: FulfillmentStatus) => statuses.filter((x) => x === s).length;
  const live = statuses.length - count('CANCELLED');
  if (live === 0) return 'CANCELLED';
  if (!paid) return 'PENDING';
  if (count('DELIVERED') === live) return 'DELIVERED';
  if (count('SHIPPED') + count('DELIVERED') === live) return 'SHIPPED';
  if (count('SHIPPED') + count('DELIVERED') > 0) return 'PARTIALLY_SHIPPED';
  return 'PAID';
}

describe("an order's status from its fulfilments", () => {
  const all = [1, 2, 3, 4].flatMap(combinations);
  it(`covers all ${all.length * 2} combinations of up to four fulfilments, paid or not`, () => {
    const seen = new Set<DerivedOrderStatus>();
    for (const statuses of all) {
      for (const paid of [false, true]) {
        const derived = deriveOrderStatus(snapshot(paid, statuses));
        expect(derived, `${paid ? 'paid' : 'unpaid'} ${statuses.join(',')}`).toBe(expectedStatus(paid, statuses));
        seen.add(derived);
      }
    }
    expect([...seen].sort()).toEqual(['CANCELLED', 'DELIVERED', 'PAID', 'PARTIALLY_SHIPPED', 'PENDING', 'SHIPPED']);
  });

  it('walks a two-seller order through shipping in parts', () => {
    let order = snapshot(false, ['PENDING', 'PENDING']);
    expect(deriveOrderStatus(order)).toBe('PENDING');
    order = afterOrderAction(order, 'pay');
    expect(deriveOrderStatus(order)).toBe('PAID');
    order = withFulfillment(order, 'f0', { status: 'SHIPPED', trackingNumber: 'A-1' });
    expect(deriveOrderStatus(order)).toBe('PARTIALLY_SHIPPED');
    order = withFulfillment(order, 'f1', { status: 'SHIPPED', trackingNumber: 'B-1' });
    expect(deriveOrderStatus(order)).toBe('SHIPPED');
    order = withFulfillment(order, 'f0', { status: 'DELIVERED', trackingNumber: 'A-1' });
    expect(deriveOrderStatus(order)).toBe('SHIPPED');
    order = withFulfillment(order, 'f1', { status: 'DELIVERED', trackingNumber: 'B-1' });
    expect(deriveOrderStatus(order)).toBe('DELIVERED');
  });

  it('a cancelled part leaves the rest to decide', () => {
    const order = withFulfillment(snapshot(true, ['PENDING', 'SHIPPED']), 'f0', { status: 'CANCELLED', trackingNumber: null });
    expect(deriveOrderStatus(order)).toBe('SHIPPED');
  });
});

describe('whole-order actions on the fulfilments', () => {
  it('ship ships every pending fulfilment with one tracking number, and leaves cancelled ones', () => {
    const shipped = afterOrderAction(snapshot(true, ['PENDING', 'CANCELLED', 'PENDING']), 'ship', 'ALL-1');
    expect(Object.values(shipped.fulfillments)).toEqual([
      { status: 'SHIPPED', trackingNumber: 'ALL-1' },
      { status: 'CANCELLED', trackingNumber: null },
      { status: 'SHIPPED', trackingNumber: 'ALL-1' },
    ]);
    expect(deriveOrderStatus(shipped)).toBe('SHIPPED');
    const delivered = afterOrderAction(shipped, 'deliver');
    expect(Object.values(delivered.fulfillments).map((f) => f.status)).toEqual(['DELIVERED', 'CANCELLED', 'DELIVERED']);
    expect(deriveOrderStatus(delivered)).toBe('DELIVERED');
  });

  it('cancel and expire cancel every pending fulfilment', () => {
    for (const action of ['cancel', 'expire'] as const) {
      const cancelled = afterOrderAction(snapshot(false, ['PENDING', 'PENDING']), action);
      expect(deriveOrderStatus(cancelled)).toBe('CANCELLED');
    }
  });
});

describe('orders from before fulfilments', () => {
  it('read each old status as the same status of every fulfilment', () => {
    const ids = ['a', 'b'];
    expect(deriveOrderStatus(legacySnapshot('PENDING', null, ids))).toBe('PENDING');
    expect(deriveOrderStatus(legacySnapshot('PAID', null, ids))).toBe('PAID');
    expect(deriveOrderStatus(legacySnapshot('SHIPPED', 'T', ids))).toBe('SHIPPED');
    expect(legacySnapshot('SHIPPED', 'T', ids).fulfillments.b).toEqual({ status: 'SHIPPED', trackingNumber: 'T' });
    expect(deriveOrderStatus(legacySnapshot('DELIVERED', 'T', ids))).toBe('DELIVERED');
    expect(deriveOrderStatus(legacySnapshot('CANCELLED', null, ids))).toBe('CANCELLED');
  });
});
