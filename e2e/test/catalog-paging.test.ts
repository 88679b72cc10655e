// Paging the catalog under every sort and page size while new products keep arriving: every
// product that existed before is seen exactly once, in order.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { expectData } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { register, type Account } from '../harness/marketplace.ts';

const PRODUCTS = 200;
/** New products added during each walk, spread over its pages. */
const ADDED_PER_WALK = 8;
const WORDS = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'harbor'];

interface Listed {
  id: string;
  title: string;
  amount: number;
  createdAt: string;
}

let sg: Supergraph;
let seller: Account;
const existing: Listed[] = [];

const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id title price { amount } createdAt } }';

async function create(i: number): Promise<Listed> {
  // Few distinct prices and titles, so ties (broken by id) are everywhere.
  const title = `${WORDS[randomInt(WORDS.length)]} ${WORDS[randomInt(WORDS.length)]}`;
  const input = { title, description: `item ${i}`, price: { amount: 100 * randomInt(1, 12), currency: 'EUR' }, stock: 1 };
  const data = await expectData(sg.url, CREATE, { input }, { token: seller.token });
  const p = data.createProduct;
  return { id: p.id, title: p.title, amount: p.price.amount, createdAt: p.createdAt };
}

beforeAll(async () => {
  // About a thousand anonymous page requests in a minute or so: a paging test, not a rate-limit one.
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), router: { rateLimits: { anonymousPerMinute: 0 } } });
  seller = await register(sg.url, 'SELLER');
  for (let batch = 0; batch < PRODUCTS / 20; batch++) {
    existing.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => create(batch * 20 + i)))));
  }
}, 240_000);
afterAll(() => sg?.stop());

type Sort = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TITLE';
const byId = (a: Listed, b: Listed) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDER: Record<Sort, (a: Listed, b: Listed) => number> = {
  NEWEST: (a, b) => b.createdAt.localeCompare(a.createdAt) || byId(b, a),
  PRICE_ASC: (a, b) => a.amount - b.amount || byId(a, b),
  PRICE_DESC: (a, b) => b.amount - a.amount || byId(b, a),
  TITLE: (a, b) => a.title.localeCompare(b.title, 'en') || byId(a, b),
};

const PAGE = `query ($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;

/** Walks every page; between pages, `between` may add products. */
async function walk(sort: Sort, first: number, between: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page++) {
    const data: any = await expectData(sg.url, PAGE, { filter: { sellerId: seller.id }, sort, first, after });
    const connection = data.products;
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    seen.push(...connection.edges.map((e: any) => e.node.id));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
    await between(page);
  }
}

describe('catalog paging', () => {
  it.each([
    ['NEWEST', 1], ['NEWEST', 7], ['NEWEST', 100],
    ['PRICE_ASC', 1], ['PRICE_ASC', 7], ['PRICE_ASC', 100],
    ['PRICE_DESC', 1], ['PRICE_DESC', 7], ['PRICE_DESC', 100],
    ['TITLE', 1], ['TITLE', 7], ['TITLE', 100],
  ] as [Sort, number][])('%s with pages of %i sees every existing product once, in order, while products are added', async (sort, first) => {
    const pages = Math.ceil(PRODUCTS / first);
    const every = Math.max(1, Math.floor(pages / ADDED_PER_WALK));
    let added = 0;
    const seen = await walk(sort, first, async (page) => {
      if (page % every === 0 && added < ADDED_PER_WALK) {
        added++;
        // One product added before the next page, another racing it.
        await create(PRODUCTS + added);
        void create(PRODUCTS + added + 1000).catch(() => undefined);
      }
    });
    expect(added).toBeGreaterThan(0);
    const known = new Set(existing.map((p) => p.id));
    const seenExisting = seen.filter((id) => known.has(id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seenExisting).toEqual([...existing].sort(ORDER[sort]).map((p) => p.id));
  }, 120_000);

  it('counts the whole match in totalCount, whatever the page', async () => {
    const data = await expectData(sg.url, `query ($filter: ProductFilter) { products(filter: $filter, first: 3) { totalCount edges { cursor } } }`, {
      filter: { sellerId: seller.id, search: 'amber' },
    });
    expect(data.products.edges.length).toBeLessThanOrEqual(3);
    expect(data.products.totalCount).toBeGreaterThanOrEqual(existing.filter((p) => p.title.includes('amber')).length);
  });
});
