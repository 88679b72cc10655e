// The router's response cache: answers kept per caller as the subgraphs' @cacheControl hints allow,
// never handed to another user, dropped when the caller mutates, and at most maxAge old for everyone else;
// anonymous catalog answers are public (for shared caches too), anything a signed-in caller gets is private.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { readManifests } from '@marketplace/router';
import { createServiceMetrics, type ServiceMetrics } from '@marketplace/service-kit';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, placeOrder, register, type Account } from '../harness/marketplace.ts';

const CATALOG = '{ products(first: 20) { edges { node { id title price { amount } seller { id name } } } } }';
const HISTORY = '{ me { id email orders(first: 20) { edges { node { id total { amount } items { product { title seller { name } } } } } } } }';
const ORDER = 'query ($id: ID!) { order(id: $id) { id buyer { id } total { amount } } }';
const PRICE = 'query ($id: ID!) { product(id: $id) { id price { amount } } }';
const STOCK = 'query ($id: ID!) { product(id: $id) { id stock } }';
const EVERY_LISTING = '{ products(first: 100) { edges { node { id } } } }';
const SESSIONS = '{ sessions { id } }';
const WEB_MANIFEST = path.resolve(import.meta.dirname, '../../clients/web/src/__generated__/persisted-documents.json');
const MOBILE_MANIFEST = path.resolve(import.meta.dirname, '../../clients/mobile/src/__generated__/persisted-documents.json');
/** Stock is kept 5 s (its own hint); a little over it for a busy machine. */
const STOCK_MAX_AGE_MS = 5_000;
const UNLIMITED = { anonymousPerMinute: 0, userPerMinute: 0 };
/** Product answers are kept 10 s (subgraphs/products/src/schema.graphql); a little over it for a busy machine. */
const PRODUCT_MAX_AGE_MS = 10_000;

let sg: Supergraph;
let url: string;
let metrics: ServiceMetrics;
let seller: Account;
let productId: string;

async function fetches(): Promise<number> {
  const text = await metrics.registry.metrics();
  return [...text.matchAll(/^router_subgraph_fetch_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** POSTs a query and returns the answer with its Cache-Control header. */
async function post(query: string, variables: Record<string, unknown> = {}, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { cacheControl: response.headers.get('cache-control'), vary: response.headers.get('vary'), body: (await response.json()) as { data?: Record<string, any>; errors?: unknown[] } };
}

/** The ids of the catalog's listings as `token`'s holder (or an anonymous caller) sees them. */
async function listings(token?: string): Promise<string[]> {
  const { body } = await post(EVERY_LISTING, {}, token);
  expect(body.errors).toBeUndefined();
  return body.data!.products.edges.map((edge: { node: { id: string } }) => edge.node.id);
}

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), router: { rateLimits: UNLIMITED } });
  metrics = createServiceMetrics('router', { runtime: false });
  url = await sg.startRouter({ responseCache: true, metrics, rateLimits: UNLIMITED });
  seller = await register(sg.url, 'SELLER');
  productId = await createProduct(sg.url, seller.token, { stock: 1000, amount: 1500 });
});
afterAll(() => sg?.stop());

describe('the response cache', () => {
  it('answers a repeated anonymous catalog page without a subgraph fetch, marked public for its max-age and varying by Authorization', async () => {
    const first = await post(CATALOG);
    expect(first.body.errors).toBeUndefined();
    expect(first.cacheControl).toBe('max-age=10, public');
    expect(first.vary?.toLowerCase()).toContain('authorization');
    const before = await fetches();
    const again = await post(CATALOG);
    expect(again.body).toEqual(first.body);
    expect(await fetches()).toBe(before);
  });

  it('marks the same page private for a signed-in caller, and fetches it for them', async () => {
    await post(CATALOG);
    const buyer = await register(sg.url, 'BUYER');
    const before = await fetches();
    const mine = await post(CATALOG, {}, buyer.token);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.cacheControl).toBe('max-age=10, private');
    expect(await fetches()).toBeGreaterThan(before);
  });

  it("never hands an anonymous answer to a seller who sees more, nor the seller's to anyone else", async () => {
    const owner = await register(sg.url, 'SELLER');
    const archived = await createProduct(sg.url, owner.token, { stock: 1 });
    await expectData(sg.url, 'mutation ($id: ID!) { archiveProduct(id: $id) { id } }', { id: archived }, { token: owner.token });
    const stranger = await register(sg.url, 'BUYER');
    // The anonymous page is kept (public) before the others ask, then all ask at once, twice.
    expect(await listings()).not.toContain(archived);
    for (let round = 0; round < 2; round++) {
      const [anonymous, own, other] = await Promise.all([listings(), listings(owner.token), listings(stranger.token)]);
      expect(anonymous).not.toContain(archived);
      expect(own).toContain(archived);
      expect(other).not.toContain(archived);
    }
  });

  it('keeps stock 5 s, public for anonymous callers, and shows a change within that', async () => {
    const id = await createProduct(url, seller.token, { stock: 50 });
    const first = await post(STOCK, { id });
    expect(first.body.data?.product.stock).toBe(50);
    expect(first.cacheControl).toBe('max-age=5, public');
    const buyer = await register(sg.url, 'BUYER');
    await placeOrder(url, buyer.token, [{ productId: id, quantity: 3 }]);
    const ordered = Date.now();
    let seen = first.body.data?.product.stock as number;
    while (seen !== 47 && Date.now() - ordered < STOCK_MAX_AGE_MS + 2000) {
      await sleep(250);
      seen = (await post(STOCK, { id })).body.data?.product.stock;
    }
    expect(seen).toBe(47);
  });

  it('never keeps an answer with an unhinted field: no-store, and every request fetches', async () => {
    const buyer = await register(sg.url, 'BUYER');
    const first = await post(SESSIONS, {}, buyer.token);
    expect(first.body.data?.sessions.length).toBeGreaterThan(0);
    expect(first.cacheControl).toBe('no-store');
    const before = await fetches();
    await post(SESSIONS, {}, buyer.token);
    expect(await fetches()).toBeGreaterThan(before);
  });

  it("gives the clients' public persisted queries, sent by GET, the Cache-Control README lists: public for anonymous callers, private for signed-in ones", async () => {
    const documents = readManifests([WEB_MANIFEST, MOBILE_MANIFEST]);
    const gateway = await sg.startRouter({ responseCache: true, rateLimits: UNLIMITED, persistedDocuments: { mode: 'safelist', requireId: true, documents } });
    const idOf = (name: string) => [...documents].find(([, text]) => new RegExp(`query ${name}\\b`).test(text))![0];
    const get = async (name: string, variables: Record<string, unknown>, token?: string) => {
      const search = new URLSearchParams({ documentId: idOf(name), variables: JSON.stringify(variables) });
      const response = await fetch(`${gateway}?${search}`, { headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      const body = (await response.json()) as { errors?: unknown[] };
      expect([response.status, body.errors]).toEqual([200, undefined]);
      return { cacheControl: response.headers.get('cache-control'), vary: response.headers.get('vary')?.toLowerCase() };
    };
    const buyer = await register(sg.url, 'BUYER');
    const cacheable: [string, Record<string, unknown>, string][] = [
      ['StorefrontCatalog', { first: 20 }, 'max-age=5'],
      ['StorefrontProduct', { id: productId }, 'max-age=5'],
      ['StorefrontCategories', {}, 'max-age=60'],
      ['ProductDetail', { id: productId }, 'max-age=5'],
    ];
    for (const [name, variables, maxAge] of cacheable) {
      expect({ name, ...(await get(name, variables)) }).toEqual({ name, cacheControl: `${maxAge}, public`, vary: expect.stringContaining('authorization') });
      expect({ name, ...(await get(name, variables, buyer.token)) }).toEqual({ name, cacheControl: `${maxAge}, private`, vary: expect.stringContaining('authorization') });
    }
  });

  it('never hands one user an answer kept for another, concurrently or later', async () => {
    const buyers = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'BUYER')]);
    const orders = await Promise.all(buyers.map((buyer) => placeOrder(sg.url, buyer.token, [{ productId, quantity: 1 }])));
    // Interleaved and concurrent, twice: the second round is answered from the cache.
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => expectData(url, HISTORY, {}, { token: buyers[i % 2]!.token }).then((data) => ({ i, data }))));
      for (const { i, data } of answers) {
        const me = i % 2;
        expect(data.me.id).toBe(buyers[me]!.id);
        expect(data.me.email).toBe(buyers[me]!.email);
        expect(data.me.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([orders[me]]);
      }
    }
    // The first buyer's order, read (and kept) for them, is still refused to the second.
    const own = await expectData(url, ORDER, { id: orders[0] }, { token: buyers[0]!.token });
    expect(own.order.buyer.id).toBe(buyers[0]!.id);
    await expectData(url, ORDER, { id: orders[0] }, { token: buyers[0]!.token });
    const other = await graphql(url, ORDER, { id: orders[0] }, { token: buyers[1]!.token });
    expect(other.data?.order ?? null).toBeNull();
    // Nor does an anonymous caller get a user's kept answer.
    const anonymous = await graphql(url, HISTORY);
    expect(anonymous.data?.me ?? null).toBeNull();
  });

  it("shows a caller's own change at once: a new order is in the next history page", async () => {
    const buyer = await register(sg.url, 'BUYER');
    await placeOrder(url, buyer.token, [{ productId, quantity: 1 }]);
    const before = await expectData(url, HISTORY, {}, { token: buyer.token });
    expect(before.me.orders.edges).toHaveLength(1);
    const second = await placeOrder(url, buyer.token, [{ productId, quantity: 2 }]);
    const after = await expectData(url, HISTORY, {}, { token: buyer.token });
    expect(after.me.orders.edges.map((edge: { node: { id: string } }) => edge.node.id)[0]).toBe(second);
    expect(after.me.orders.edges).toHaveLength(2);
  });

  it("shows a seller's price change to the seller at once and to everyone else within the product's max-age", async () => {
    const id = await createProduct(url, seller.token, { stock: 10, amount: 2000 });
    const read = async (token?: string) => (await expectData(url, PRICE, { id }, token ? { token } : {})).product.price.amount as number;
    expect(await read()).toBe(2000);
    expect(await read(seller.token)).toBe(2000);
    const changed = Date.now();
    await expectData(url, 'mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { id } }', { id, input: { price: { amount: 2500, currency: 'EUR' } } }, { token: seller.token });
    expect(await read(seller.token)).toBe(2500);
    let seen = await read();
    while (seen !== 2500 && Date.now() - changed < PRODUCT_MAX_AGE_MS + 2000) {
      await sleep(250);
      seen = await read();
    }
    expect(seen).toBe(2500);
    expect(Date.now() - changed).toBeLessThanOrEqual(PRODUCT_MAX_AGE_MS + 2000);
  });
});
