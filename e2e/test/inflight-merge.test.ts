// Identical subgraph reads in flight share one fetch, and a shared answer never reaches another user.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createServiceMetrics, type ServiceMetrics } from '@marketplace/service-kit';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, PLACE_ORDER, placeOrder, register, type Account } from '../harness/marketplace.ts';

const CATALOG = '{ products(first: 20) { edges { node { id title seller { id name } } } } }';
const ME = '{ me { id email } }';
const ORDER = 'query ($id: ID!) { order(id: $id) { id buyer { id } total { amount } } }';
const AT_ONCE = 30;

let sg: Supergraph;
let seller: Account;
let productId: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), countSubgraphRequests: true, router: { rateLimits: { anonymousPerMinute: 0, userPerMinute: 0 } } });
  seller = await register(sg.url, 'SELLER');
  productId = await createProduct(sg.url, seller.token, { stock: 1000 });
});
afterAll(() => sg?.stop());

describe('merging identical subgraph reads in flight', () => {
  it('answers identical concurrent catalog requests with fewer subgraph fetches, each with the same data; a router that does not merge sends every one', async () => {
    const fetchesOf = async (metrics: ServiceMetrics) => {
      const text = await metrics.registry.metrics();
      return [...text.matchAll(/^router_subgraph_fetch_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const run = async (mergeInFlight: boolean) => {
      const metrics = createServiceMetrics('router', { runtime: false });
      const url = await sg.startRouter({ mergeInFlight, metrics, rateLimits: { anonymousPerMinute: 0, userPerMinute: 0 } });
      // Warm the plan cache, so the requests below meet at the subgraph fetch.
      await expectData(url, CATALOG);
      const before = await fetchesOf(metrics);
      const answers = await Promise.all(Array.from({ length: AT_ONCE }, () => expectData(url, CATALOG)));
      return { answers, fetches: (await fetchesOf(metrics)) - before };
    };
    const merged = await run(true);
    const unmerged = await run(false);
    for (const answer of [...merged.answers, ...unmerged.answers]) expect(answer).toEqual(merged.answers[0]);
    expect(merged.answers[0]!.products.edges.map((e: any) => e.node.id)).toContain(productId);
    // Without merging: a products fetch and a users fetch per request.
    expect(unmerged.fetches).toBe(2 * AT_ONCE);
    expect(merged.fetches).toBeLessThan(AT_ONCE);
  });

  it('never hands one user\'s answer to another: concurrent `me` of two users and an order read by its buyer and a stranger', async () => {
    const [alice, bob] = [await register(sg.url, 'BUYER'), await register(sg.url, 'BUYER')];
    const orderId = await placeOrder(sg.url, alice.token, [{ productId, quantity: 1 }]);
    sg.subgraphRequests.reset();
    const calls = Array.from({ length: AT_ONCE }, (_, i) => {
      const who = i % 2 === 0 ? alice : bob;
      return expectData(sg.url, ME, {}, { token: who.token }).then((data) => ({ who, data }));
    });
    for (const { who, data } of await Promise.all(calls)) expect(data.me).toEqual({ id: who.id, email: who.email });
    // Each user's identical reads were merged among themselves.
    expect(sg.subgraphRequests.total()).toBeLessThan(AT_ONCE);

    const reads = Array.from({ length: AT_ONCE }, (_, i) => graphql(sg.url, ORDER, { id: orderId }, { token: (i % 2 === 0 ? alice : bob).token }).then((result) => ({ i, result })));
    for (const { i, result } of await Promise.all(reads)) {
      if (i % 2 === 0) {
        expect(result.errors).toBeUndefined();
        expect(result.data!.order.buyer.id).toBe(alice.id);
      } else {
        expect(result.data?.order ?? null).toBeNull();
        expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        expect(JSON.stringify(result)).not.toContain(alice.id);
      }
    }
  });

  it('never merges mutations: identical concurrent placeOrder calls each place an order', async () => {
    const buyer: Account = await register(sg.url, 'BUYER');
    const input = { input: { items: [{ productId, quantity: 1 }] } };
    const placed = await Promise.all(Array.from({ length: 5 }, () => expectData(sg.url, PLACE_ORDER, input, { token: buyer.token })));
    expect(new Set(placed.map((p) => p.placeOrder.id)).size).toBe(5);
  });
});
