// The hot operations cost a fixed number of database commands, whatever the page size and however
// many sellers a page holds: counted with the driver's command monitoring, through the gateway, on
// the real database. And placing an order costs at most PLACE_ORDER_COMMANDS, however many lines.
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signAccessToken } from '@marketplace/auth';
import { expectData } from '@marketplace/testing';
import { startSupergraph, type RecordedCommand, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, login, PLACE_ORDER, placeOrder, register, type Account } from '../harness/marketplace.ts';

/** Orders: slot, order, confirmation; products: the products, reservation, ledger, copy, newer entry, reservation read, decision. */
const PLACE_ORDER_COMMANDS = 10;
/** With an idempotency key: its claim too. */
const PLACE_ORDER_WITH_KEY_COMMANDS = PLACE_ORDER_COMMANDS + 1;

let sg: Supergraph;
let sellers: Account[];
let buyer: Account;
let admin: string;
const products: string[] = [];

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), orders: { maxOpenOrdersPerBuyer: 100 } });
  sellers = await Promise.all(Array.from({ length: 10 }, (_, i) => register(sg.url, 'SELLER', `Seller ${i}`)));
  buyer = await register(sg.url, 'BUYER');
  admin = await login(sg.url, sg.admin.email, sg.admin.password);
  // Round robin: any 10 products in a row come from 10 sellers, and each seller has 3.
  for (let i = 0; i < 30; i++) products.push(await createProduct(sg.url, sellers[i % 10]!.token, { title: `Desk lamp ${i}`, stock: 1000, amount: 1000 + i }));
  for (let i = 0; i < 25; i++) {
    await placeOrder(sg.url, buyer.token, [
      { productId: products[i % 30]!, quantity: 1 },
      { productId: products[(i + 13) % 30]!, quantity: 2 },
    ]);
  }
}, 240_000);
afterAll(() => sg?.stop());

/** The commands one request costs; the router's poll of ended sessions runs beside it and is not part of it. */
async function commandsOf(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ data: any; commands: RecordedCommand[] }> {
  sg.commands.clear();
  const data = await expectData(sg.url, query, variables, token ? { token } : {});
  return { data, commands: sg.commands.filter((c) => c.collection !== 'sessionEnds') };
}

const summary = (commands: RecordedCommand[]) => commands.map((c) => `${c.service}.${c.name}.${String(c.collection)}`);

/** A buyer of their own (no open orders, so their first slot number is free), signed for this test. */
async function freshBuyer(): Promise<string> {
  return (await signAccessToken(sg.userSigner, { userId: new ObjectId().toHexString(), roles: ['BUYER'], sessionId: randomUUID() })).token;
}

describe('placing an order', () => {
  /** The commands and the orders service's calls to the products service of one placement. */
  async function placement(items: { productId: string; quantity: number }[], idempotencyKey?: string, token?: string) {
    token ??= await freshBuyer();
    const stockCalls: string[] = [];
    const realFetch = globalThis.fetch;
    // The services run in this process: the orders service's stock calls go through this fetch.
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith(sg.subgraphs.products)) stockCalls.push(/mutation (\w+)/.exec(String(init?.body))?.[1] ?? 'other');
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const { data, commands } = await commandsOf(PLACE_ORDER, { input: { items, ...(idempotencyKey ? { idempotencyKey } : {}) } }, token);
      expect(data.placeOrder.status).toBe('PENDING');
      return { id: data.placeOrder.id as string, commands, stockCalls };
    } finally {
      globalThis.fetch = realFetch;
    }
  }

  it(`takes at most ${PLACE_ORDER_COMMANDS} database commands and two stock calls, with one line or four`, async () => {
    const one = await placement([{ productId: products[0]!, quantity: 1 }]);
    const four = await placement([0, 1, 2, 3].map((i) => ({ productId: products[i]!, quantity: i + 1 })));
    expect(one.commands.length, summary(one.commands).join(' ')).toBeLessThanOrEqual(PLACE_ORDER_COMMANDS);
    expect(summary(four.commands)).toEqual(summary(one.commands));
    expect(one.stockCalls).toEqual(['Reserve', 'Confirm']);
    expect(four.stockCalls).toEqual(['Reserve', 'Confirm']);
  });

  it(`takes at most ${PLACE_ORDER_WITH_KEY_COMMANDS} with an idempotency key, and a retry with the key takes no stock`, async () => {
    const items = [{ productId: products[4]!, quantity: 1 }, { productId: products[5]!, quantity: 1 }];
    const token = await freshBuyer();
    const first = await placement(items, 'round-trips-key', token);
    expect(first.commands.length, summary(first.commands).join(' ')).toBeLessThanOrEqual(PLACE_ORDER_WITH_KEY_COMMANDS);
    const retry = await placement(items, 'round-trips-key', token);
    expect(retry.id).toBe(first.id);
    expect(retry.stockCalls).toEqual([]);
    expect(retry.commands.filter((c) => c.service !== 'orders')).toEqual([]);
  });
});

describe('reads cost the same whatever the page size and the number of sellers', () => {
  const CATALOG = `query ($first: Int, $filter: ProductFilter) { products(first: $first, filter: $filter) { edges { node { title price { amount } seller { name } } } } }`;

  it('a catalog page with its sellers: one products query and one users query', async () => {
    const small = await commandsOf(CATALOG, { first: 5 });
    const large = await commandsOf(CATALOG, { first: 20 });
    const oneSeller = await commandsOf(CATALOG, { first: 20, filter: { sellerId: sellers[0]!.id } });
    expect(large.data.products.edges).toHaveLength(20);
    expect(new Set(large.data.products.edges.map((e: any) => e.node.seller.name)).size).toBe(10);
    expect(new Set(oneSeller.data.products.edges.map((e: any) => e.node.seller.name)).size).toBe(1);
    expect(summary(small.commands)).toEqual(['products.find.products', 'users.find.users']);
    expect(summary(large.commands)).toEqual(summary(small.commands));
    expect(summary(oneSeller.commands)).toEqual(summary(small.commands));
  });

  it('a product with its seller: one query each', async () => {
    const { data, commands } = await commandsOf('query ($id: ID!) { product(id: $id) { title seller { name } } }', { id: products[7] });
    expect(data.product.seller.name).toBe('Seller 7');
    expect(summary(commands)).toEqual(['products.find.products', 'users.find.users']);
  });

  it('a search with filters, counted: the page, its count and the sellers', async () => {
    const SEARCH = `query ($first: Int) { products(first: $first, sort: PRICE_ASC, filter: { search: "desk lamp", minPrice: 1000, maxPrice: 1025, inStock: true }) {
      totalCount edges { node { title seller { name } } } } }`;
    const small = await commandsOf(SEARCH, { first: 5 });
    const large = await commandsOf(SEARCH, { first: 20 });
    expect(large.data.products.totalCount).toBe(26);
    expect(large.data.products.edges).toHaveLength(20);
    expect(summary(small.commands).sort()).toEqual(['products.aggregate.products', 'products.find.products', 'users.find.users']);
    expect(summary(large.commands).sort()).toEqual(summary(small.commands).sort());
  });

  it("the order history with its items' products and their sellers: one query a collection", async () => {
    const HISTORY = `query ($first: Int) { me { orders(first: $first) { edges { node { total { amount } items { product { title seller { name } } } } } } } }`;
    const small = await commandsOf(HISTORY, { first: 5 }, buyer.token);
    const large = await commandsOf(HISTORY, { first: 20 }, buyer.token);
    const orders = large.data.me.orders.edges.map((e: any) => e.node);
    expect(orders).toHaveLength(20);
    expect(new Set(orders.flatMap((o: any) => o.items.map((i: any) => i.product.seller.name))).size).toBe(10);
    expect(summary(small.commands).sort()).toEqual(['orders.find.orders', 'products.find.products', 'users.find.users', 'users.find.users']);
    expect(summary(large.commands).sort()).toEqual(summary(small.commands).sort());
  });

  it("the order history with fulfilments, events and refunds: one query a collection", async () => {
    const HISTORY = `query ($first: Int) { me { orders(first: $first) { edges { node {
      events { status } refunded { amount } fulfillments { status trackingNumber events { status } seller { name } } } } } } }`;
    const small = await commandsOf(HISTORY, { first: 5 }, buyer.token);
    const large = await commandsOf(HISTORY, { first: 20 }, buyer.token);
    expect(large.data.me.orders.edges).toHaveLength(20);
    expect(summary(small.commands).sort()).toEqual(['orders.find.orderEvents', 'orders.find.orders', 'orders.find.refunds', 'users.find.users', 'users.find.users']);
    expect(summary(large.commands).sort()).toEqual(summary(small.commands).sort());
  });

  it('a category tree: one query a level, not one a category', async () => {
    const CREATE = 'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }';
    for (const root of ['Garden', 'Kitchen', 'Office']) {
      const { createCategory } = await expectData(sg.url, CREATE, { input: { name: root } }, { token: admin });
      for (const child of ['Tools', 'Lights']) {
        const made = await expectData(sg.url, CREATE, { input: { name: `${root} ${child}`, parentId: createCategory.id } }, { token: admin });
        await expectData(sg.url, CREATE, { input: { name: `${root} ${child} Spares`, parentId: made.createCategory.id } }, { token: admin });
      }
    }
    const { data, commands } = await commandsOf('{ categories { name children { name children { name } } } }');
    expect(data.categories.map((c: any) => c.children.length)).toEqual([2, 2, 2]);
    expect(data.categories.flatMap((c: any) => c.children.map((child: any) => child.children.length))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(summary(commands)).toEqual(['products.find.categories', 'products.find.categories', 'products.find.categories']);
  });
});

describe("the sellers' listings of a catalog page (User.products)", () => {
  const LISTINGS = `query ($first: Int, $per: Int, $after: String) { products(first: $first) { edges { node { seller { id
    products(first: $per, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title } } } } } } } }`;
  const ONE_SELLER = `query ($id: ID!, $per: Int, $after: String) { product(id: $id) { seller { id
    products(first: $per, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title } } } } } }`;

  it('cost one query a distinct seller, read together, and one count for all of them, whatever the page size', async () => {
    const ten = await commandsOf(LISTINGS, { first: 10, per: 2 });
    const twenty = await commandsOf(LISTINGS, { first: 20, per: 2 });
    const finds = (commands: RecordedCommand[]) => commands.filter((c) => c.name === 'find' && c.collection === 'products');
    const counts = (commands: RecordedCommand[]) => commands.filter((c) => c.name === 'aggregate' && c.collection === 'products');
    // The catalog page, then one page for each of the 10 sellers (20 products, each seller twice).
    expect(finds(ten.commands)).toHaveLength(1 + 10);
    expect(finds(twenty.commands)).toHaveLength(1 + 10);
    expect(counts(ten.commands)).toHaveLength(1);
    expect(counts(twenty.commands)).toHaveLength(1);
    expect(twenty.commands).toHaveLength(ten.commands.length);
  });

  it('answer each seller exactly as asking for that seller alone does: first-N, cursors, next page and count', async () => {
    const { data } = await commandsOf(LISTINGS, { first: 20, per: 2 });
    const bySeller = new Map<string, unknown>(data.products.edges.map((e: any) => [e.node.seller.id, e.node.seller.products]));
    expect(bySeller.size).toBe(10);
    for (const [i, productId] of products.slice(0, 10).entries()) {
      const alone = await expectData(sg.url, ONE_SELLER, { id: productId, per: 2 });
      expect(alone.product.seller.id).toBe(sellers[i]!.id);
      expect(bySeller.get(sellers[i]!.id)).toEqual(alone.product.seller.products);
      expect(alone.product.seller.products).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    }
    // The next page, after a cursor, for all the sellers at once and for one alone.
    const after = (bySeller.get(sellers[3]!.id) as any).pageInfo.endCursor;
    const next = await expectData(sg.url, LISTINGS, { first: 20, per: 2, after });
    const alone = await expectData(sg.url, ONE_SELLER, { id: products[3], per: 2, after });
    const sellerThree = next.products.edges.find((e: any) => e.node.seller.id === sellers[3]!.id).node.seller.products;
    expect(sellerThree).toEqual(alone.product.seller.products);
    expect(sellerThree).toMatchObject({ pageInfo: { hasNextPage: false }, edges: [expect.anything()] });
  });
});
