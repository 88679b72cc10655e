// What each reader of a two-seller order sees, and who may still move the whole order, through the
// gateway: a seller who is not the buyer reads the buyer and their own part only, in every field
// and every way to the order (Query.order, User.sales, their fulfilment's order); the buyer and an
// ADMIN read everything. shipOrder, deliverOrder and cancelOrder are for the buyer (cancel), a
// seller of every item and an ADMIN; a seller of some items is sent to the fulfilment mutations.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { createProduct, login, ORDER_MUTATIONS, placeOrder, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

let sg: Supergraph;
let admin: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  admin = await login(sg.url, sg.admin.email, sg.admin.password);
});
afterAll(async () => {
  await sg?.stop();
});

/** Everything an order exposes, its fulfilments' too. */
const ORDER_FIELDS = `id status createdAt paymentDueAt trackingNumber
  buyer { id name }
  total { amount currency }
  items { title quantity unitPrice { amount currency } lineTotal { amount currency } product { id title seller { id name } } }
  events { status at note actor { id name } }
  fulfillments { id status trackingNumber seller { id name } subtotal { amount currency }
    items { title quantity unitPrice { amount } lineTotal { amount } product { id } }
    events { status at note actor { id name } } }`;
const EVERYTHING = `query ($id: ID!) {
  order(id: $id) { ${ORDER_FIELDS} }
  me { id
    sales(first: 5) { totalCount edges { node { ${ORDER_FIELDS} } } }
    fulfillments(first: 5) { edges { node { id items { title } subtotal { amount } order { ${ORDER_FIELDS} } } } } }
}`;
const SHIP_PART = 'mutation ($id: ID!, $t: String!) { shipFulfillment(id: $id, trackingNumber: $t) { id status } }';

/** The response exactly as the gateway sent it, and parsed. */
async function raw(query: string, variables: Record<string, unknown>, token: string): Promise<{ text: string; body: any }> {
  const response = await fetch(sg.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { text, body: JSON.parse(text) };
}

/** An amount as it appears in a response's text. */
const amount = (n: number) => new RegExp(`"amount":${n}\\b`);

describe('what each reader of a two-seller order sees', () => {
  let buyer: Account;
  let sellerA: Account;
  let sellerB: Account;
  let stranger: Account;
  let productA: string;
  let productB: string;
  let orderId: string;
  const fulfillmentOf: Record<'A' | 'B', string> = { A: '', B: '' };
  // Prices no other figure of the order equals: A 2 × 4321 = 8642, B 3 × 9876 = 29628, in all 38270.
  const A = { title: 'Alder side table', unit: 4321, line: 8642, tracking: 'TRK-ALDER-1' };
  const B = { title: 'Birch floor lamp', unit: 9876, line: 29628, tracking: 'TRK-BIRCH-1', name: 'Birch Works' };
  const TOTAL = 38270;

  beforeAll(async () => {
    [buyer, sellerA, sellerB, stranger] = await Promise.all([
      register(sg.url, 'BUYER', 'Bea Both'),
      register(sg.url, 'SELLER', 'Alder Works'),
      register(sg.url, 'SELLER', B.name),
      register(sg.url, 'SELLER'),
    ]);
    productA = await createProduct(sg.url, sellerA.token, { title: A.title, stock: 10, amount: A.unit });
    productB = await createProduct(sg.url, sellerB.token, { title: B.title, stock: 10, amount: B.unit });
    orderId = await placeOrder(sg.url, buyer.token, [
      { productId: productA, quantity: 2 },
      { productId: productB, quantity: 3 },
    ]);
    const { order } = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { fulfillments { id seller { id } } } }', { id: orderId }, { token: buyer.token });
    for (const f of order.fulfillments) fulfillmentOf[f.seller.id === sellerA.id ? 'A' : 'B'] = f.id;
    // Paid, and seller B's part shipped (an event by B, with B's tracking number): PARTIALLY_SHIPPED.
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id: orderId }, { token: buyer.token });
    await expectData(sg.url, SHIP_PART, { id: fulfillmentOf.B, t: B.tracking }, { token: sellerB.token });
  });

  it("shows seller A nothing of seller B's part in any field, by any way to the order", async () => {
    const { text, body } = await raw(EVERYTHING, { id: orderId }, sellerA.token);
    expect(body.errors).toBeUndefined();
    // Nothing of B: the title, the unit price, the line total, the whole order's total, the fulfilment,
    // the product, the tracking number, the seller.
    for (const absent of [B.title, fulfillmentOf.B, productB, B.tracking, sellerB.id, B.name]) expect(text).not.toContain(absent);
    for (const absent of [B.unit, B.line, TOTAL]) expect(text).not.toMatch(amount(absent));
    // A's own part is all there.
    for (const present of [A.title, fulfillmentOf.A, productA, buyer.id, 'Bea Both']) expect(text).toContain(present);
    for (const present of [A.unit, A.line]) expect(text).toMatch(amount(present));

    const { order, me } = body.data;
    const views = [order, me.sales.edges[0].node, me.fulfillments.edges[0].node.order];
    expect(me.sales.totalCount).toBe(1);
    for (const view of views) {
      expect(view).toMatchObject({ id: orderId, status: 'PARTIALLY_SHIPPED', buyer: { id: buyer.id, name: 'Bea Both' }, total: { amount: A.line, currency: 'EUR' } });
      expect(view.items).toEqual([
        { title: A.title, quantity: 2, unitPrice: { amount: A.unit, currency: 'EUR' }, lineTotal: { amount: A.line, currency: 'EUR' }, product: { id: productA, title: A.title, seller: { id: sellerA.id, name: 'Alder Works' } } },
      ]);
      expect(view.fulfillments.map((f: any) => [f.id, f.status, f.subtotal.amount])).toEqual([[fulfillmentOf.A, 'PENDING', A.line]]);
      // A has not shipped: no tracking number (B's is not the order's for A).
      expect(view.trackingNumber).toBeNull();
      // B's shipment moved the order to PARTIALLY_SHIPPED: the change shows, not who made it.
      expect(view.events.map((e: any) => [e.status, e.actor?.id ?? null, e.note])).toEqual([
        ['PENDING', buyer.id, null],
        ['PAID', buyer.id, null],
        ['PARTIALLY_SHIPPED', null, null],
      ]);
    }
    const read = await graphql(sg.url, 'query ($id: ID!) { fulfillment(id: $id) { id } }', { id: fulfillmentOf.B }, { token: sellerA.token });
    expect(errorCodes(read)).toEqual(['FORBIDDEN']);
  });

  // From here on seller A has shipped their part too: the order is SHIPPED.
  it("once A ships, shows A their own tracking number, and B their own part only, A's tracking number never", async () => {
    await expectData(sg.url, SHIP_PART, { id: fulfillmentOf.A, t: A.tracking }, { token: sellerA.token });
    const asA = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { status trackingNumber } }', { id: orderId }, { token: sellerA.token });
    expect(asA.order).toEqual({ status: 'SHIPPED', trackingNumber: A.tracking });
    const { text, body } = await raw(EVERYTHING, { id: orderId }, sellerB.token);
    expect(body.errors).toBeUndefined();
    for (const absent of [A.title, fulfillmentOf.A, productA, A.tracking, sellerA.id, 'Alder Works']) expect(text).not.toContain(absent);
    for (const absent of [A.unit, A.line, TOTAL]) expect(text).not.toMatch(amount(absent));
    for (const present of [B.title, fulfillmentOf.B, productB, B.tracking]) expect(text).toContain(present);
    const { order } = body.data;
    expect(order).toMatchObject({ status: 'SHIPPED', trackingNumber: B.tracking, total: { amount: B.line } });
    // B's own step shows who made it; A's (which completed the shipment) does not.
    expect(order.events.map((e: any) => [e.status, e.actor?.id ?? null])).toEqual([
      ['PENDING', buyer.id],
      ['PAID', buyer.id],
      ['PARTIALLY_SHIPPED', sellerB.id],
      ['SHIPPED', null],
    ]);
  });

  it.each([
    ['the buyer', () => buyer.token],
    ['an ADMIN', () => admin],
  ])('shows %s every line, price, fulfilment and step', async (_reader, token) => {
    const { text, body } = await raw('query ($id: ID!) { order(id: $id) { ' + ORDER_FIELDS + ' } }', { id: orderId }, token());
    expect(body.errors).toBeUndefined();
    for (const present of [A.title, B.title, fulfillmentOf.A, fulfillmentOf.B, productA, productB, A.tracking, B.tracking]) expect(text).toContain(present);
    for (const present of [A.unit, A.line, B.unit, B.line, TOTAL]) expect(text).toMatch(amount(present));
    const { order } = body.data;
    expect(order.total.amount).toBe(TOTAL);
    expect(order.items.map((i: any) => i.title)).toEqual([A.title, B.title]);
    expect(order.fulfillments.map((f: any) => f.id)).toEqual([fulfillmentOf.A, fulfillmentOf.B]);
    // The latest tracking number given: A's, who shipped last.
    expect(order.trackingNumber).toBe(A.tracking);
    expect(order.events.map((e: any) => [e.status, e.actor?.id ?? null])).toEqual([
      ['PENDING', buyer.id],
      ['PAID', buyer.id],
      ['PARTIALLY_SHIPPED', sellerB.id],
      ['SHIPPED', sellerA.id],
    ]);
  });

  it('refuses the order to a seller of none of its items', async () => {
    const { text, body } = await raw('query ($id: ID!) { order(id: $id) { ' + ORDER_FIELDS + ' } }', { id: orderId }, stranger.token);
    expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN']);
    for (const absent of [A.title, B.title]) expect(text).not.toContain(absent);
  });
});

describe('who may ship, deliver and cancel a whole order', () => {
  let buyer: Account;
  let sellerA: Account;
  let sellerB: Account;
  let stranger: Account;
  let productA: string;
  let productB: string;

  beforeAll(async () => {
    [buyer, sellerA, sellerB, stranger] = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'SELLER'), register(sg.url, 'SELLER'), register(sg.url, 'SELLER')]);
    productA = await createProduct(sg.url, sellerA.token, { stock: 1000 });
    productB = await createProduct(sg.url, sellerB.token, { stock: 1000 });
  });

  type Caller = 'buyer' | 'sellerA' | 'sellerB' | 'stranger' | 'admin';
  const tokenOf = (caller: Caller) => (caller === 'admin' ? admin : { buyer, sellerA, sellerB, stranger }[caller].token);
  type Order = 'twoSeller' | 'onlyA';
  type From = 'PENDING' | 'PAID' | 'PARTIALLY_SHIPPED' | 'SHIPPED';

  /** An order of both sellers' items, or of seller A's only, brought to `from`. */
  async function orderAt(kind: Order, from: From): Promise<string> {
    const items = kind === 'twoSeller' ? [{ productId: productA, quantity: 1 }, { productId: productB, quantity: 1 }] : [{ productId: productA, quantity: 1 }];
    const id = await placeOrder(sg.url, buyer.token, items);
    if (from === 'PENDING') return id;
    await expectData(sg.url, ORDER_MUTATIONS.pay, { id }, { token: buyer.token });
    if (from === 'PARTIALLY_SHIPPED') {
      const { order } = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { fulfillments { id } } }', { id }, { token: sellerB.token });
      await expectData(sg.url, SHIP_PART, { id: order.fulfillments[0].id, t: 'PART-B' }, { token: sellerB.token });
    }
    if (from === 'SHIPPED') await expectData(sg.url, ORDER_MUTATIONS.ship, { id, tracking: 'WHOLE-1' }, { token: admin });
    return id;
  }

  // Each rule with its allowed and its refused callers: [step, order, from, caller, outcome].
  const RULES: [keyof typeof ORDER_MUTATIONS, Order, From, Caller, string | { code: string; message: RegExp }][] = [
    // shipOrder: a seller of every item or an ADMIN.
    ['ship', 'twoSeller', 'PAID', 'sellerA', { code: 'FORBIDDEN', message: /only some of this order's items: ship your part with shipFulfillment/ }],
    ['ship', 'twoSeller', 'PARTIALLY_SHIPPED', 'sellerA', { code: 'FORBIDDEN', message: /shipFulfillment/ }],
    ['ship', 'twoSeller', 'PAID', 'buyer', { code: 'FORBIDDEN', message: /^only a seller of every item in it or an ADMIN can ship an order$/ }],
    ['ship', 'twoSeller', 'PAID', 'admin', 'SHIPPED'],
    ['ship', 'twoSeller', 'PARTIALLY_SHIPPED', 'admin', 'SHIPPED'],
    ['ship', 'onlyA', 'PAID', 'sellerA', 'SHIPPED'],
    // deliverOrder: the same.
    ['deliver', 'twoSeller', 'SHIPPED', 'sellerB', { code: 'FORBIDDEN', message: /only some of this order's items: deliver your part with deliverFulfillment/ }],
    ['deliver', 'twoSeller', 'SHIPPED', 'buyer', { code: 'FORBIDDEN', message: /^only a seller of every item in it or an ADMIN can deliver an order$/ }],
    ['deliver', 'twoSeller', 'SHIPPED', 'admin', 'DELIVERED'],
    ['deliver', 'onlyA', 'SHIPPED', 'sellerA', 'DELIVERED'],
    // cancelOrder: the buyer (before anything shipped), a seller of every item or an ADMIN.
    ['cancel', 'twoSeller', 'PENDING', 'sellerA', { code: 'FORBIDDEN', message: /only some of this order's items: cancel your part with cancelFulfillment/ }],
    ['cancel', 'twoSeller', 'PAID', 'sellerB', { code: 'FORBIDDEN', message: /cancelFulfillment/ }],
    ['cancel', 'twoSeller', 'PAID', 'stranger', { code: 'FORBIDDEN', message: /^you can only read your own orders$/ }],
    ['cancel', 'twoSeller', 'PENDING', 'buyer', 'CANCELLED'],
    ['cancel', 'twoSeller', 'PAID', 'buyer', 'CANCELLED'],
    ['cancel', 'twoSeller', 'PARTIALLY_SHIPPED', 'buyer', { code: 'BAD_USER_INPUT', message: /cannot cancel an order that is PARTIALLY_SHIPPED/ }],
    ['cancel', 'twoSeller', 'PAID', 'admin', 'CANCELLED'],
    ['cancel', 'onlyA', 'PAID', 'sellerA', 'CANCELLED'],
  ];

  const nameOf = (order: Order) => (order === 'twoSeller' ? 'a two-seller order' : "an order of seller A's items only");
  const said = (outcome: (typeof RULES)[number][4]) => (typeof outcome === 'string' ? `goes to ${outcome}` : `is ${outcome.code}`);
  it.each(RULES.map((rule) => [`${rule[0]}Order of ${nameOf(rule[1])} that is ${rule[2]}, by ${rule[3]}, ${said(rule[4])}`, ...rule] as const))('%s', async (_name, step, kind, from, caller, outcome) => {
    const id = await orderAt(kind, from);
    const result = await graphql(sg.url, ORDER_MUTATIONS[step], { id, tracking: 'T-9', reason: 'no longer needed' }, { token: tokenOf(caller) });
    const status = (await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { status } }', { id }, { token: admin })).order.status;
    if (typeof outcome === 'string') {
      expect(result.errors).toBeUndefined();
      expect(Object.values(result.data ?? {})[0]).toMatchObject({ id, status: outcome });
      expect(status).toBe(outcome);
    } else {
      expect(errorCodes(result)).toEqual([outcome.code]);
      expect(result.errors?.[0]?.message).toMatch(outcome.message);
      expect(result.data ?? null).toBeNull();
      expect(status, 'a refused step changes nothing').toBe(from);
    }
  });
});
