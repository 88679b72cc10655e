// Orders from placed to delivered or cancelled through the gateway: who may, when, and under races.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql, type GraphQLResult } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, login, ORDER_MUTATIONS, PLACE_ORDER, placeOrder, register, stockOf, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
let seller: Account;
let otherSeller: Account;
let buyer: Account;
let stranger: Account;
let admin: string;
let own: string;
let others: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [seller, otherSeller, buyer, stranger] = await Promise.all([
    register(sg.url, 'SELLER', 'Sally Seller'),
    register(sg.url, 'SELLER'),
    register(sg.url, 'BUYER', 'Bob Buyer'),
    register(sg.url, 'BUYER'),
  ]);
  admin = await login(sg.url, sg.admin.email, sg.admin.password);
  own = await createProduct(sg.url, seller.token, { stock: 1000 });
  others = await createProduct(sg.url, otherSeller.token, { stock: 1000 });
});
afterAll(() => sg?.stop());

type Step = keyof typeof ORDER_MUTATIONS;
const act = (step: Step, token: string | undefined, variables: Record<string, unknown>) =>
  graphql(sg.url, ORDER_MUTATIONS[step], variables, token ? { token } : {});
const statusOf = (result: GraphQLResult) => Object.values(result.data ?? {})[0]?.status;
const order = (items = [{ productId: own, quantity: 1 }], token = buyer.token) => placeOrder(sg.url, token, items);

async function advance(id: string, to: 'PAID' | 'SHIPPED' | 'DELIVERED') {
  await expectData(sg.url, ORDER_MUTATIONS.pay, { id }, { token: buyer.token });
  if (to !== 'PAID') await expectData(sg.url, ORDER_MUTATIONS.ship, { id, tracking: 'T-1' }, { token: admin });
  if (to === 'DELIVERED') await expectData(sg.url, ORDER_MUTATIONS.deliver, { id }, { token: admin });
}

async function expectRefused(result: GraphQLResult, code: string, message?: RegExp) {
  expect(errorCodes(result)).toEqual([code]);
  if (message) expect(result.errors?.[0]?.message).toMatch(message);
  expect(result.data ?? null).toBeNull();
}

const TIMELINE = `query ($id: ID!) { order(id: $id) { status trackingNumber events { status at note actor { id name } } } }`;
const timeline = async (id: string) => (await expectData(sg.url, TIMELINE, { id }, { token: admin })).order;

describe('the lifecycle, one allowed and one refused caller per step', () => {
  it('pays, ships and delivers, keeping a timeline and the tracking number', async () => {
    const id = await order();
    await expectRefused(await act('pay', seller.token, { id }), 'FORBIDDEN', /only the buyer/);
    expect(statusOf(await act('pay', buyer.token, { id }))).toBe('PAID');
    await expectRefused(await act('ship', buyer.token, { id, tracking: 'X' }), 'FORBIDDEN', /seller of every item/);
    const shipped = await act('ship', seller.token, { id, tracking: '  1Z999AA1  ' });
    expect(shipped.data?.shipOrder).toEqual({ id, status: 'SHIPPED', trackingNumber: '1Z999AA1' });
    await expectRefused(await act('deliver', buyer.token, { id }), 'FORBIDDEN');
    expect(statusOf(await act('deliver', admin, { id }))).toBe('DELIVERED');

    const read = await timeline(id);
    expect(read).toMatchObject({ status: 'DELIVERED', trackingNumber: '1Z999AA1' });
    expect(read.events.map((e: any) => [e.status, e.actor?.id, e.note])).toEqual([
      ['PENDING', buyer.id, null],
      ['PAID', buyer.id, null],
      ['SHIPPED', seller.id, null],
      ['DELIVERED', expect.any(String), null],
    ]);
    expect(read.events[0].actor.name).toBe('Bob Buyer');
    const times = read.events.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('cancels for the buyer with a reason, a seller of every item and an ADMIN, not for a stranger or a seller of some items', async () => {
    const before = await stockOf(sg.url, own);
    const id = await order([{ productId: own, quantity: 3 }]);
    expect(await stockOf(sg.url, own)).toBe(before - 3);
    await expectRefused(await act('cancel', stranger.token, { id }), 'FORBIDDEN');
    await expectRefused(await act('cancel', otherSeller.token, { id }), 'FORBIDDEN');
    expect(statusOf(await act('cancel', buyer.token, { id, reason: ' changed my mind ' }))).toBe('CANCELLED');
    expect(await stockOf(sg.url, own)).toBe(before);
    expect((await timeline(id)).events.at(-1)).toMatchObject({ status: 'CANCELLED', note: 'changed my mind', actor: { id: buyer.id } });

    const mixed = await order([{ productId: own, quantity: 1 }, { productId: others, quantity: 1 }]);
    await advance(mixed, 'PAID');
    await expectRefused(await act('cancel', otherSeller.token, { id: mixed }), 'FORBIDDEN', /cancel your part with cancelFulfillment/);
    expect(statusOf(await act('cancel', buyer.token, { id: mixed }))).toBe('CANCELLED');
    const third = await order();
    expect(statusOf(await act('cancel', admin, { id: third }))).toBe('CANCELLED');
    const fourth = await order();
    expect(statusOf(await act('cancel', seller.token, { id: fourth }))).toBe('CANCELLED');
    expect(await stockOf(sg.url, own)).toBe(before);
  });

  it('lets a seller of only some items read a mixed order but not ship or deliver it', async () => {
    const id = await order([{ productId: own, quantity: 1 }, { productId: others, quantity: 1 }]);
    await advance(id, 'PAID');
    const read = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { id status } }', { id }, { token: otherSeller.token });
    expect(read.order).toEqual({ id, status: 'PAID' });
    await expectRefused(await act('ship', otherSeller.token, { id, tracking: 'T' }), 'FORBIDDEN', /ship your part with shipFulfillment/);
    await expectRefused(await act('ship', seller.token, { id, tracking: 'T' }), 'FORBIDDEN', /ship your part with shipFulfillment/);
    expect(statusOf(await act('ship', admin, { id, tracking: 'T' }))).toBe('SHIPPED');
    await expectRefused(await act('deliver', seller.token, { id }), 'FORBIDDEN', /deliver your part with deliverFulfillment/);
  });
});

describe('transitions the status does not allow', () => {
  it.each([
    ['ships a PENDING order', 'PENDING', 'ship', /cannot ship an order that is PENDING; from PENDING it can only go to PAID \(payOrder\) or CANCELLED \(cancelOrder\)/],
    ['delivers a PAID order', 'PAID', 'deliver', /from PAID it can only go to SHIPPED \(shipOrder\) or CANCELLED \(cancelOrder\)/],
    ['pays twice', 'PAID', 'pay', /cannot pay an order that is PAID/],
    ['cancels a SHIPPED order', 'SHIPPED', 'cancel', /from SHIPPED it can only go to DELIVERED \(deliverOrder\)/],
    ['cancels a DELIVERED order', 'DELIVERED', 'cancel', /DELIVERED is final/],
  ] as const)('refuses when it %s, naming the allowed transitions', async (_name, from, step, message) => {
    const id = await order();
    if (from !== 'PENDING') await advance(id, from);
    const token = step === 'pay' ? buyer.token : seller.token;
    const result = await act(step, token, { id, tracking: 'T-2' });
    await expectRefused(result, 'BAD_USER_INPUT', message);
    expect(result.errors?.[0]?.extensions).toMatchObject({ status: from, allowedTransitions: expect.any(Array) });
    expect((await timeline(id)).status).toBe(from);
  });

  it('refuses anything after a cancel', async () => {
    const id = await order();
    await expectData(sg.url, ORDER_MUTATIONS.cancel, { id }, { token: buyer.token });
    await expectRefused(await act('pay', buyer.token, { id }), 'BAD_USER_INPUT', /CANCELLED is final/);
    await expectRefused(await act('cancel', buyer.token, { id }), 'BAD_USER_INPUT', /CANCELLED is final/);
  });
});

describe('bad input', () => {
  it('refuses anonymous callers, malformed and unknown ids, strangers and bad text, changing nothing', async () => {
    const id = await order();
    await expectRefused(await act('pay', undefined, { id }), 'UNAUTHENTICATED');
    await expectRefused(await act('cancel', buyer.token, { id: 'nope' }), 'BAD_USER_INPUT', /not a valid id/);
    await expectRefused(await act('pay', buyer.token, { id: '0123456789abcdef01234567' }), 'NOT_FOUND');
    await expectRefused(await act('pay', stranger.token, { id }), 'FORBIDDEN');
    await advance(id, 'PAID');
    await expectRefused(await act('ship', seller.token, { id, tracking: '   ' }), 'BAD_USER_INPUT', /trackingNumber must not be blank/);
    await expectRefused(await act('ship', seller.token, { id, tracking: 'x'.repeat(101) }), 'BAD_USER_INPUT', /at most 100/);
    await expectRefused(await act('cancel', buyer.token, { id, reason: 'x'.repeat(501) }), 'BAD_USER_INPUT', /at most 500/);
    const placeWith = (idempotencyKey: string) =>
      graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: own, quantity: 1 }], idempotencyKey } }, { token: buyer.token });
    await expectRefused(await placeWith('  '), 'BAD_USER_INPUT', /idempotencyKey must not be blank/);
    await expectRefused(await placeWith('k'.repeat(201)), 'BAD_USER_INPUT', /at most 200/);
    expect((await timeline(id)).status).toBe('PAID');
  });
});

describe('races', () => {
  it('20 concurrent cancels: exactly one wins and the stock comes back once', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 10 });
    const id = await order([{ productId: product, quantity: 4 }]);
    const tokens = [buyer.token, seller.token, admin];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => act('cancel', tokens[i % 3], { id, reason: `try ${i}` })));
    expect(results.filter((r) => statusOf(r) === 'CANCELLED')).toHaveLength(1);
    expect(results.filter((r) => errorCodes(r)[0] === 'BAD_USER_INPUT')).toHaveLength(19);
    expect(await stockOf(sg.url, product)).toBe(10);
    expect((await timeline(id)).events.map((e: any) => e.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('10 payments racing 10 cancels: one cancel wins, at most one payment, stock back once', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 5 });
    const id = await order([{ productId: product, quantity: 5 }]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => act(i % 2 ? 'cancel' : 'pay', buyer.token, { id })));
    const succeeded = results.map(statusOf).filter(Boolean);
    expect(succeeded.filter((s) => s === 'CANCELLED')).toHaveLength(1);
    expect(succeeded.filter((s) => s === 'PAID').length).toBeLessThanOrEqual(1);
    const { status, events } = await timeline(id);
    expect(status).toBe('CANCELLED');
    expect(events.map((e: any) => e.status)).toEqual(succeeded.includes('PAID') ? ['PENDING', 'PAID', 'CANCELLED'] : ['PENDING', 'CANCELLED']);
    expect(await stockOf(sg.url, product)).toBe(5);
  });

  it('20 concurrent placeOrder calls with one idempotency key place one order and take stock once', async () => {
    const shopper = await register(sg.url, 'BUYER');
    const product = await createProduct(sg.url, seller.token, { stock: 50 });
    const items = [{ productId: product, quantity: 2 }];
    const input = { items, idempotencyKey: 'checkout-42' };
    const results = await Promise.all(Array.from({ length: 20 }, () => graphql(sg.url, PLACE_ORDER, { input }, { token: shopper.token })));
    expect(results.flatMap(errorCodes)).toEqual([]);
    const ids = new Set(results.map((r) => r.data?.placeOrder.id));
    expect(ids.size).toBe(1);
    expect(await stockOf(sg.url, product)).toBe(48);
    const history = await expectData(sg.url, '{ me { orders { totalCount } } }', {}, { token: shopper.token });
    expect(history.me.orders.totalCount).toBe(1);

    const again = await placeOrder(sg.url, shopper.token, items, 'checkout-42');
    expect(ids.has(again)).toBe(true);
    const otherItems = await graphql(sg.url, PLACE_ORDER, { input: { ...input, items: [{ productId: product, quantity: 3 }] } }, { token: shopper.token });
    await expectRefused(otherItems, 'CONFLICT', /different items/);
    expect(ids.has(await placeOrder(sg.url, buyer.token, items, 'checkout-42'))).toBe(false);
    expect(await stockOf(sg.url, product)).toBe(46);
  });
});

describe('order histories by status', () => {
  it('filters User.orders and User.sales by status and counts every page', async () => {
    const [shopper, shop] = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'SELLER')]);
    const product = await createProduct(sg.url, shop.token, { stock: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await order([{ productId: product, quantity: 1 }], shopper.token));
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: ids[0] }, { token: shopper.token });
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: ids[1] }, { token: shopper.token });
    await expectData(sg.url, ORDER_MUTATIONS.cancel, { id: ids[2] }, { token: shop.token });

    const query = `query ($status: OrderStatus, $first: Int) { me {
      orders(status: $status, first: $first) { totalCount edges { node { id status } } pageInfo { hasNextPage } }
      sales(status: $status, first: $first) { totalCount edges { node { id } } } } }`;
    const read = async (token: string, status: string | null, first = 20) => (await expectData(sg.url, query, { status, first }, { token })).me;

    const paid = await read(shopper.token, 'PAID', 1);
    expect(paid.orders.totalCount).toBe(2);
    expect(paid.orders.edges.map((e: any) => e.node)).toEqual([{ id: ids[1], status: 'PAID' }]);
    expect(paid.orders.pageInfo.hasNextPage).toBe(true);
    expect((await read(shopper.token, null)).orders.totalCount).toBe(4);
    expect((await read(shopper.token, 'PENDING')).orders.edges.map((e: any) => e.node.id)).toEqual([ids[3]]);
    expect((await read(shopper.token, 'SHIPPED')).orders).toMatchObject({ totalCount: 0, edges: [] });

    const sales = await read(shop.token, 'CANCELLED');
    expect(sales.sales).toMatchObject({ totalCount: 1, edges: [{ node: { id: ids[2] } }] });
    expect((await read(shop.token, null)).sales.totalCount).toBe(4);
    const forbidden = await graphql(sg.url, `query ($id: ID!) { order(id: $id) { buyer { orders(status: PAID) { totalCount } } } }`, { id: ids[0] }, { token: shop.token });
    expect(errorCodes(forbidden)).toEqual(['FORBIDDEN']);
  });
});
