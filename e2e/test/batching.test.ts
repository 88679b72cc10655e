// Entity lookups are batched per request: 50 orders cost one query per collection, not 50.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectData } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, PLACE_ORDER, register, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
let seller: Account;
const orderIds: string[] = [];

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  seller = await register(sg.url, 'SELLER');
  const products: string[] = [];
  for (let i = 0; i < 6; i++) products.push(await createProduct(sg.url, seller.token, { stock: 1000, amount: 100 + i }));
  const buyers = await Promise.all(Array.from({ length: 10 }, () => register(sg.url, 'BUYER')));
  for (let i = 0; i < 50; i++) {
    const items = [
      { productId: products[i % 6]!, quantity: 1 },
      { productId: products[(i + 1) % 6]!, quantity: 2 },
    ];
    const data = await expectData(sg.url, PLACE_ORDER, { input: { items } }, { token: buyers[i % 10]!.token });
    orderIds.push(data.placeOrder.id);
  }
}, 240_000);
afterAll(() => sg?.stop());

function findsOn(service: string, collection: string) {
  return sg.commands.filter((c) => c.service === service && c.name === 'find' && c.collection === collection);
}

describe('DataLoader batching across the supergraph', () => {
  it('resolves 50 orders with their buyers and products in one query per collection', async () => {
    const query = `{ me { sales(first: 50) { edges { node {
      id buyer { id name } items { quantity product { id title price { amount } } } } } } } }`;
    sg.commands.clear();
    const data = await expectData(sg.url, query, {}, { token: seller.token });
    const orders = data.me.sales.edges.map((e: any) => e.node) as any[];
    expect(orders).toHaveLength(50);
    expect(new Set(orders.map((o) => o.id))).toEqual(new Set(orderIds));
    expect(new Set(orders.map((o) => o.buyer.id)).size).toBe(10);
    expect(new Set(orders.flatMap((o) => o.items.map((i: any) => i.product.id))).size).toBe(6);
    for (const order of orders) {
      expect(order.buyer.name).toBeTruthy();
      for (const item of order.items) expect(item.product.title).toBeTruthy();
    }

    // One lookup for `me` (the seller), one for all ten buyers at once.
    const userFinds = findsOn('users', 'users');
    expect(userFinds).toHaveLength(2);
    const idsAsked = (c: any) => (c.filter._id.$in ? c.filter._id.$in.length : 1);
    expect(userFinds.map(idsAsked).sort((a, b) => a - b)).toEqual([1, 10]);
    expect(findsOn('products', 'products')).toHaveLength(1);
    expect((findsOn('products', 'products')[0] as any).filter._id.$in).toHaveLength(6);
    expect(findsOn('orders', 'orders')).toHaveLength(1);
    // Nothing else was looked up for the request. The router's poll of ended sessions (every second,
    // on `sessionEnds`) runs beside it and is not part of it.
    const requestFinds = sg.commands.filter((c) => c.name === 'find' && c.collection !== 'sessionEnds');
    expect(requestFinds).toHaveLength(4);
  });
});
