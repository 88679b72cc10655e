// The marketplace end to end through the gateway: accounts, listings, orders and stock.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, login, PLACE_ORDER, register, stockOf, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
let seller: Account;
let buyer: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  seller = await register(sg.url, 'SELLER', 'Sally Seller');
  buyer = await register(sg.url, 'BUYER', 'Bob Buyer');
});
afterAll(() => sg?.stop());

const ORDER_DETAILS = `query ($id: ID!) {
  order(id: $id) {
    id status createdAt
    buyer { id name }
    total { amount currency }
    items { title quantity unitPrice { amount currency } lineTotal { amount currency }
            product { id title stock seller { id name } } }
  }
}`;

describe('a buyer orders from a seller', () => {
  it('registers, logs in, lists, orders and reads the order back across all three subgraphs', async () => {
    const sellerToken = await login(sg.url, seller.email, seller.password);
    const buyerToken = await login(sg.url, buyer.email.toUpperCase(), buyer.password);
    const me = await expectData(sg.url, '{ me { id email name roles createdAt } }', {}, { token: buyerToken });
    expect(me.me).toMatchObject({ id: buyer.id, email: buyer.email, name: 'Bob Buyer', roles: ['BUYER'] });
    expect(new Date(me.me.createdAt).toISOString()).toBe(me.me.createdAt);

    const lamp = await createProduct(sg.url, sellerToken, { title: 'Desk lamp', stock: 10, amount: 2599, currency: 'EUR' });
    const mug = await createProduct(sg.url, sellerToken, { title: 'Mug', stock: 4, amount: 850, currency: 'EUR' });

    const placed = await expectData(
      sg.url,
      PLACE_ORDER,
      { input: { items: [{ productId: lamp, quantity: 2 }, { productId: mug, quantity: 3 }] } },
      { token: buyerToken },
    );
    expect(placed.placeOrder.status).toBe('PENDING');
    expect(placed.placeOrder.total).toEqual({ amount: 2 * 2599 + 3 * 850, currency: 'EUR' });

    const { order } = await expectData(sg.url, ORDER_DETAILS, { id: placed.placeOrder.id }, { token: buyerToken });
    expect(order.buyer).toEqual({ id: buyer.id, name: 'Bob Buyer' });
    expect(order.items).toHaveLength(2);
    const lampLine = order.items.find((i: any) => i.product.id === lamp);
    expect(lampLine).toMatchObject({
      title: 'Desk lamp',
      quantity: 2,
      unitPrice: { amount: 2599, currency: 'EUR' },
      lineTotal: { amount: 5198, currency: 'EUR' },
      product: { title: 'Desk lamp', seller: { id: seller.id, name: 'Sally Seller' } },
    });

    const history = await expectData(sg.url, '{ me { orders { edges { cursor node { id total { amount } } } pageInfo { hasNextPage endCursor } } } }', {}, { token: buyerToken });
    expect(history.me.orders.edges.map((e: any) => e.node.id)).toEqual([placed.placeOrder.id]);
    expect(history.me.orders.pageInfo.hasNextPage).toBe(false);

    expect(await stockOf(sg.url, lamp)).toBe(8);
    expect(await stockOf(sg.url, mug)).toBe(1);
  });

  it('a seller of one of its products can read the order; prices come from the catalog', async () => {
    const item = await createProduct(sg.url, seller.token, { stock: 3, amount: 100, currency: 'USD' });
    const placed = await expectData(sg.url, PLACE_ORDER, { input: { items: [{ productId: item, quantity: 1 }] } }, { token: buyer.token });
    expect(placed.placeOrder.items[0].unitPrice).toEqual({ amount: 100, currency: 'USD' });
    const asSeller = await expectData(sg.url, ORDER_DETAILS, { id: placed.placeOrder.id }, { token: seller.token });
    expect(asSeller.order.id).toBe(placed.placeOrder.id);
  });

  it('refuses an order larger than the stock with INSUFFICIENT_STOCK and leaves every stock untouched', async () => {
    const plenty = await createProduct(sg.url, seller.token, { stock: 50 });
    const scarce = await createProduct(sg.url, seller.token, { stock: 2 });
    const result = await graphql(
      sg.url,
      PLACE_ORDER,
      { input: { items: [{ productId: plenty, quantity: 5 }, { productId: scarce, quantity: 3 }] } },
      { token: buyer.token },
    );
    expect(errorCodes(result)).toEqual(['INSUFFICIENT_STOCK']);
    expect(result.errors?.[0]?.message).toMatch(/3 requested, 2 available/);
    expect(result.data).toBeNull();
    expect(await stockOf(sg.url, plenty)).toBe(50);
    expect(await stockOf(sg.url, scarce)).toBe(2);
    const history = await expectData(sg.url, '{ me { orders(first: 100) { edges { node { items { product { id } } } } } } }', {}, { token: buyer.token });
    const orderedIds = history.me.orders.edges.flatMap((e: any) => e.node.items.map((i: any) => i.product.id));
    expect(orderedIds).not.toContain(scarce);
  });

  it('20 concurrent orders for a product with stock 5 place exactly 5 and leave stock 0', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 5 });
    const buyers = await Promise.all(Array.from({ length: 4 }, () => register(sg.url, 'BUYER')));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } }, { token: buyers[i % 4]!.token }),
      ),
    );
    const placed = results.filter((r) => r.data?.placeOrder);
    const refused = results.filter((r) => errorCodes(r)[0] === 'INSUFFICIENT_STOCK');
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(await stockOf(sg.url, product)).toBe(0);
    let total = 0;
    for (const b of buyers) {
      const data = await expectData(sg.url, '{ me { orders { edges { node { items { quantity product { id } } } } } } }', {}, { token: b.token });
      total += data.me.orders.edges.filter((e: any) => e.node.items[0].product.id === product).length;
    }
    expect(total).toBe(5);
  });

  it('merges repeated lines of one product into one reservation', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 4 });
    const result = await graphql(
      sg.url,
      PLACE_ORDER,
      { input: { items: [{ productId: product, quantity: 3 }, { productId: product, quantity: 2 }] } },
      { token: buyer.token },
    );
    expect(errorCodes(result)).toEqual(['INSUFFICIENT_STOCK']);
    expect(await stockOf(sg.url, product)).toBe(4);
  });
});

describe('catalog and history paging', () => {
  it('pages a seller\'s products newest first with opaque cursors and caps first at 100', async () => {
    const own = await register(sg.url, 'SELLER');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createProduct(sg.url, own.token, { stock: 1, title: `Item ${i}` }));
    const query = `query ($first: Int, $after: String) { me { id } product(id: "${ids[0]}") { seller { products(first: $first, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const data: any = await expectData(sg.url, query, { first: 2, after }, { token: own.token });
      const conn = data.product.seller.products;
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
    const bad = await graphql(sg.url, '{ products(after: "not-a-cursor") { edges { cursor } } }');
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('gives 20 by default and at most 100 however many are asked for, with more than 100 to give', async () => {
    const many = await register(sg.url, 'SELLER');
    const CREATED = 105;
    const ids: string[] = [];
    for (let batch = 0; ids.length < CREATED; batch++) {
      const size = Math.min(15, CREATED - ids.length);
      ids.push(...(await Promise.all(Array.from({ length: size }, (_, i) => createProduct(sg.url, many.token, { stock: 1, title: `Bulk ${batch}-${i}` })))));
    }
    const PAGE = `query ($first: Int, $filter: ProductFilter) { products(first: $first, filter: $filter) {
      totalCount edges { node { id } } pageInfo { hasNextPage } } }`;
    const mine = { sellerId: many.id };
    const counted = await expectData(sg.url, PAGE, { first: 1, filter: mine });
    expect(counted.products.totalCount).toBe(CREATED);

    for (const [first, expected] of [[1000, 100], [101, 100], [100, 100], [undefined, 20], [null, 20], [0, 0]] as const) {
      const page = await expectData(sg.url, PAGE, { first, filter: mine });
      expect(page.products.edges, `first: ${first}`).toHaveLength(expected);
      expect(page.products.pageInfo.hasNextPage, `first: ${first}`).toBe(true);
      expect(new Set(page.products.edges.map((e: any) => e.node.id)).size).toBe(expected);
    }
    // The whole catalog, unfiltered, and the seller's own connection are capped the same way.
    const catalog = await expectData(sg.url, '{ products(first: 1000) { totalCount edges { node { id } } } }');
    expect(catalog.products.totalCount).toBeGreaterThan(100);
    expect(catalog.products.edges).toHaveLength(100);
    expect((await expectData(sg.url, '{ products { edges { node { id } } } }')).products.edges).toHaveLength(20);
    const seller = await expectData(sg.url, `{ product(id: "${ids[0]}") { seller { products(first: 1000) { edges { node { id } } pageInfo { hasNextPage } } } } }`);
    expect(seller.product.seller.products.edges).toHaveLength(100);
    expect(seller.product.seller.products.pageInfo.hasNextPage).toBe(true);
  }, 120_000);
});
