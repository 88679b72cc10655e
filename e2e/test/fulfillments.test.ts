// A two-seller order through the gateway: one fulfilment per seller, each shipped and delivered by
// its own seller, the order's status following them; who may read and change which fulfilment.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { createProduct, login, ORDER_MUTATIONS, placeOrder, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

let sg: Supergraph;
let buyer: Account;
let sellerA: Account;
let sellerB: Account;
let stranger: Account;
let productA: string;
let productB: string;

const FULFILLMENTS = `query ($id: ID!) { order(id: $id) { status fulfillments { id status trackingNumber subtotal { amount } seller { id } items { title quantity } } } }`;
const SHIP = 'mutation ($id: ID!, $t: String!) { shipFulfillment(id: $id, trackingNumber: $t) { id status trackingNumber order { status } } }';
const DELIVER = 'mutation ($id: ID!) { deliverFulfillment(id: $id) { id status order { status } } }';

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [buyer, sellerA, sellerB, stranger] = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'SELLER'), register(sg.url, 'SELLER'), register(sg.url, 'SELLER')]);
  productA = await createProduct(sg.url, sellerA.token, { title: 'Oak stool', stock: 10, amount: 5000 });
  productB = await createProduct(sg.url, sellerB.token, { title: 'Brass lamp', stock: 10, amount: 12000 });
});
afterAll(async () => {
  await sg?.stop();
});

async function twoSellerOrder(): Promise<{ orderId: string; fulfillmentOf: Record<'A' | 'B', string> }> {
  const orderId = await placeOrder(sg.url, buyer.token, [
    { productId: productA, quantity: 2 },
    { productId: productB, quantity: 1 },
  ]);
  const data = await expectData(sg.url, FULFILLMENTS, { id: orderId }, { token: buyer.token });
  const bySeller = Object.fromEntries(data.order.fulfillments.map((f: any) => [f.seller.id, f.id]));
  return { orderId, fulfillmentOf: { A: bySeller[sellerA.id], B: bySeller[sellerB.id] } };
}

describe('a two-seller order', () => {
  it('has one fulfilment per seller, each with its items and subtotal, from the moment it is placed', async () => {
    const { orderId } = await twoSellerOrder();
    const data = await expectData(sg.url, FULFILLMENTS, { id: orderId }, { token: buyer.token });
    expect(data.order.status).toBe('PENDING');
    expect(data.order.fulfillments.map((f: any) => [f.seller.id, f.status, f.subtotal.amount, f.items])).toEqual([
      [sellerA.id, 'PENDING', 10000, [{ title: 'Oak stool', quantity: 2 }]],
      [sellerB.id, 'PENDING', 12000, [{ title: 'Brass lamp', quantity: 1 }]],
    ]);
  });

  it('is shipped in parts (PARTIALLY_SHIPPED, then SHIPPED) and delivered by each seller (DELIVERED)', async () => {
    const { orderId, fulfillmentOf } = await twoSellerOrder();
    // Not before it is paid.
    const early = await graphql(sg.url, SHIP, { id: fulfillmentOf.A, t: 'A-1' }, { token: sellerA.token });
    expect(errorCodes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors?.[0]?.extensions?.reason).toBe('ORDER_NOT_PAID');
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: orderId }, { token: buyer.token });

    const a = await expectData(sg.url, SHIP, { id: fulfillmentOf.A, t: 'A-1' }, { token: sellerA.token });
    expect(a.shipFulfillment).toMatchObject({ status: 'SHIPPED', trackingNumber: 'A-1', order: { status: 'PARTIALLY_SHIPPED' } });
    const b = await expectData(sg.url, SHIP, { id: fulfillmentOf.B, t: 'B-1' }, { token: sellerB.token });
    expect(b.shipFulfillment).toMatchObject({ status: 'SHIPPED', trackingNumber: 'B-1', order: { status: 'SHIPPED' } });
    const deliveredA = await expectData(sg.url, DELIVER, { id: fulfillmentOf.A }, { token: sellerA.token });
    expect(deliveredA.deliverFulfillment).toMatchObject({ status: 'DELIVERED', order: { status: 'SHIPPED' } });
    const deliveredB = await expectData(sg.url, DELIVER, { id: fulfillmentOf.B }, { token: sellerB.token });
    expect(deliveredB.deliverFulfillment).toMatchObject({ status: 'DELIVERED', order: { status: 'DELIVERED' } });

    const timeline = await expectData(
      sg.url,
      'query ($id: ID!) { order(id: $id) { status events { status } fulfillments { trackingNumber events { status actor { id } } } } }',
      { id: orderId },
      { token: buyer.token },
    );
    expect(timeline.order.events.map((e: any) => e.status)).toEqual(['PENDING', 'PAID', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED']);
    expect(timeline.order.fulfillments.map((f: any) => [f.trackingNumber, f.events.map((e: any) => e.status)])).toEqual([
      ['A-1', ['PENDING', 'SHIPPED', 'DELIVERED']],
      ['B-1', ['PENDING', 'SHIPPED', 'DELIVERED']],
    ]);
    expect(timeline.order.fulfillments[0].events[1].actor.id).toBe(sellerA.id);
  });

  it("lets a seller ship, deliver and read only their own fulfilment; an ADMIN may do any", async () => {
    const { orderId, fulfillmentOf } = await twoSellerOrder();
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: orderId }, { token: buyer.token });
    for (const token of [sellerA.token, stranger.token, buyer.token]) {
      expect(errorCodes(await graphql(sg.url, SHIP, { id: fulfillmentOf.B, t: 'X' }, { token }))).toEqual(['FORBIDDEN']);
    }
    const read = await graphql(sg.url, 'query ($id: ID!) { fulfillment(id: $id) { id } }', { id: fulfillmentOf.B }, { token: sellerA.token });
    expect(errorCodes(read)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(read)).not.toContain('Brass lamp');
    // Seller A sees their own part of the order only.
    const own = await expectData(sg.url, FULFILLMENTS, { id: orderId }, { token: sellerA.token });
    expect(own.order.fulfillments.map((f: any) => f.id)).toEqual([fulfillmentOf.A]);
    // The buyer reads both, and an ADMIN ships seller B's part.
    const buyerView = await expectData(sg.url, 'query ($id: ID!) { fulfillment(id: $id) { id status } }', { id: fulfillmentOf.B }, { token: buyer.token });
    expect(buyerView.fulfillment).toEqual({ id: fulfillmentOf.B, status: 'PENDING' });
    const adminToken = await login(sg.url, sg.admin.email, sg.admin.password);
    const byAdmin = await expectData(sg.url, SHIP, { id: fulfillmentOf.B, t: 'ADM-1' }, { token: adminToken });
    expect(byAdmin.shipFulfillment).toMatchObject({ status: 'SHIPPED', order: { status: 'PARTIALLY_SHIPPED' } });
    // Shipped twice: refused, naming where it can go.
    const twice = await graphql(sg.url, SHIP, { id: fulfillmentOf.B, t: 'ADM-2' }, { token: sellerB.token });
    expect(errorCodes(twice)).toEqual(['BAD_USER_INPUT']);
    expect(twice.errors?.[0]?.message).toMatch(/SHIPPED.*deliverFulfillment/);
    // Delivering it: not for seller A or the buyer; for its own seller.
    for (const token of [sellerA.token, buyer.token]) expect(errorCodes(await graphql(sg.url, DELIVER, { id: fulfillmentOf.B }, { token }))).toEqual(['FORBIDDEN']);
    expect((await expectData(sg.url, DELIVER, { id: fulfillmentOf.B }, { token: sellerB.token })).deliverFulfillment.status).toBe('DELIVERED');
  });

  it("gives each seller their work queue, newest first, by status", async () => {
    const seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 10 });
    const first = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 1 }, { productId: productA, quantity: 1 }]);
    const second = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 1 }]);
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: first }, { token: buyer.token });
    const queue = `query ($s: FulfillmentStatus) { me { fulfillments(status: $s) { totalCount edges { node { status order { id } items { title } } } } } }`;
    const all = await expectData(sg.url, queue, {}, { token: seller.token });
    expect(all.me.fulfillments.totalCount).toBe(2);
    expect(all.me.fulfillments.edges.map((e: any) => e.node.order.id)).toEqual([second, first]);
    const firstFulfillment = (await expectData(sg.url, FULFILLMENTS, { id: first }, { token: seller.token })).order.fulfillments[0].id;
    await expectData(sg.url, SHIP, { id: firstFulfillment, t: 'Q-1' }, { token: seller.token });
    const shipped = await expectData(sg.url, queue, { s: 'SHIPPED' }, { token: seller.token });
    expect(shipped.me.fulfillments.edges.map((e: any) => e.node.order.id)).toEqual([first]);
    const pending = await expectData(sg.url, queue, { s: 'PENDING' }, { token: seller.token });
    expect(pending.me.fulfillments.edges.map((e: any) => e.node.order.id)).toEqual([second]);
    // Nobody else's queue: reached through the seller of a product, it is refused.
    const other = await graphql(sg.url, 'query ($id: ID!) { product(id: $id) { seller { fulfillments { totalCount } } } }', { id: product }, { token: stranger.token });
    expect(errorCodes(other)).toEqual(['FORBIDDEN']);
    const own = await expectData(sg.url, 'query ($id: ID!) { product(id: $id) { seller { fulfillments { totalCount } } } }', { id: product }, { token: seller.token });
    expect(own.product.seller.fulfillments.totalCount).toBe(2);
  });
});
