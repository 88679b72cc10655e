// Per-buyer limits: at most MAX_OPEN_ORDERS_PER_BUYER unpaid orders, even when placements race, and
// at most MAX_LINE_QUANTITY units of one product per order; refusals say which limit and change nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql, type GraphQLResult } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, ORDER_MUTATIONS, PLACE_ORDER, register, stockOf, type Account } from '../harness/marketplace.ts';

const MAX_OPEN = 5;
const MAX_LINE = 100;

let sg: Supergraph;
let seller: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), orders: { maxOpenOrdersPerBuyer: MAX_OPEN, maxLineQuantity: MAX_LINE } });
  seller = await register(sg.url, 'SELLER');
});
afterAll(() => sg?.stop());

const place = (token: string, items: { productId: string; quantity: number }[]) => graphql(sg.url, PLACE_ORDER, { input: { items } }, { token });

function refusal(result: GraphQLResult) {
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, limit: error?.extensions?.limit, message: error?.message ?? '' };
}

describe('unpaid orders per buyer', () => {
  it('40 racing placements by one buyer with MAX_OPEN_ORDERS_PER_BUYER=5 leave exactly 5 unpaid orders; the rest are refused naming the limit and take no stock', async () => {
    const buyer = await register(sg.url, 'BUYER');
    const product = await createProduct(sg.url, seller.token, { stock: 1000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => place(buyer.token, [{ productId: product, quantity: 2 }])));
    const placed = results.filter((r) => r.data?.placeOrder?.status === 'PENDING');
    expect(placed).toHaveLength(MAX_OPEN);
    const refused = results.filter((r) => r.errors);
    expect(refused).toHaveLength(40 - MAX_OPEN);
    for (const r of refused) {
      expect(refusal(r)).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_OPEN_ORDERS_PER_BUYER' });
      expect(refusal(r).message).toContain('MAX_OPEN_ORDERS_PER_BUYER');
    }
    expect(await stockOf(sg.url, product)).toBe(1000 - 2 * MAX_OPEN);
    const history = await graphql(sg.url, `{ me { id orders { totalCount edges { node { status } } } } }`, {}, { token: buyer.token });
    expect(history.data?.me.orders.totalCount).toBe(MAX_OPEN);

    // Paying one frees its place; so does cancelling one.
    const [first, second] = placed.map((r) => r.data!.placeOrder.id as string);
    expect(refusal(await place(buyer.token, [{ productId: product, quantity: 1 }])).limit).toBe('MAX_OPEN_ORDERS_PER_BUYER');
    expect((await graphql(sg.url, ORDER_MUTATIONS.pay, { id: first }, { token: buyer.token })).data?.payOrder.status).toBe('PAID');
    expect((await place(buyer.token, [{ productId: product, quantity: 1 }])).data?.placeOrder.status).toBe('PENDING');
    expect(refusal(await place(buyer.token, [{ productId: product, quantity: 1 }])).limit).toBe('MAX_OPEN_ORDERS_PER_BUYER');
    expect((await graphql(sg.url, ORDER_MUTATIONS.cancel, { id: second }, { token: buyer.token })).data?.cancelOrder.status).toBe('CANCELLED');
    expect((await place(buyer.token, [{ productId: product, quantity: 1 }])).data?.placeOrder.status).toBe('PENDING');
    expect(refusal(await place(buyer.token, [{ productId: product, quantity: 1 }])).limit).toBe('MAX_OPEN_ORDERS_PER_BUYER');

    // Another buyer is not held back by this one.
    const other = await register(sg.url, 'BUYER');
    expect((await place(other.token, [{ productId: product, quantity: 1 }])).data?.placeOrder.status).toBe('PENDING');
  }, 60_000);
});

describe('units of one product per order', () => {
  it('refuses more than MAX_LINE_QUANTITY of a product, also when split over lines, and changes nothing', async () => {
    const buyer = await register(sg.url, 'BUYER');
    const product = await createProduct(sg.url, seller.token, { stock: 5000 });
    for (const items of [
      [{ productId: product, quantity: MAX_LINE + 1 }],
      [
        { productId: product, quantity: 60 },
        { productId: product, quantity: 41 },
      ],
    ]) {
      const result = await place(buyer.token, items);
      expect(refusal(result)).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'MAX_LINE_QUANTITY' });
      expect(refusal(result).message).toContain('MAX_LINE_QUANTITY');
    }
    expect(await stockOf(sg.url, product)).toBe(5000);
    const history = await graphql(sg.url, `{ me { orders { totalCount } } }`, {}, { token: buyer.token });
    expect(history.data?.me.orders.totalCount).toBe(0);
    expect((await place(buyer.token, [{ productId: product, quantity: MAX_LINE }])).data?.placeOrder.status).toBe('PENDING');
    expect(await stockOf(sg.url, product)).toBe(5000 - MAX_LINE);
  });
});
