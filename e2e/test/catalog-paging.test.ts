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
/** Every product this file created, including those added during the walks. */
const created: Listed[] = [];
/** Creations started and not yet answered: the racing ones the walks do not wait for. */
const inFlight = new Set<Promise<Listed>>();
let started = 0;
/** Pages whose totalCount was checked exactly (no creation in flight), over all walks. */
let exactCounts = 0;

const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id title price { amount } createdAt } }';

function create(i: number): Promise<Listed> {
  // Few distinct prices and titles, so ties (broken by id) are everywhere.
  const title = `${WORDS[randomInt(WORDS.length)]} ${WORDS[randomInt(WORDS.length)]}`;
  const input = { title, description: `item ${i}`, price: { amount: 100 * randomInt(1, 12), currency: 'EUR' }, stock: 1 };
  started++;
  const creation = expectData(sg.url, CREATE, { input }, { token: seller.token }).then((data) => {
    const p = data.createProduct;
    const listed = { id: p.id, title: p.title, amount: p.price.amount, createdAt: p.createdAt };
    created.push(listed);
    return listed;
  });
  inFlight.add(creation);
  void creation.finally(() => inFlight.delete(creation)).catch(() => undefined);
  return creation;
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

const PAGE = `query ($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String, $counted: Boolean!) {
  products(filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount @include(if: $counted) edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;

/** Walks every page; between pages, `between` may add products. */
async function walk(sort: Sort, first: number, between: (page: number) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; ; page++) {
    // The seller's products while this page is read: at least those acknowledged before it was
    // asked for, at most those whose creation had started by the time it answered.
    const acknowledged = created.length;
    const settled = inFlight.size === 0;
    // Counting costs a query per page: every page of the larger sizes, every tenth of the single-item walks.
    const counted = first > 1 || page % 10 === 0;
    const data: any = await expectData(sg.url, PAGE, { filter: { sellerId: seller.id }, sort, first, after, counted });
    const connection = data.products;
    if (counted) {
      expect(connection.totalCount).toBeGreaterThanOrEqual(acknowledged);
      expect(connection.totalCount).toBeLessThanOrEqual(started);
      // With no creation in flight when it was asked for, the count is exactly what was created.
      if (settled) {
        expect(connection.totalCount).toBe(acknowledged);
        exactCounts++;
      }
    }
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
    const exactBefore = exactCounts;
    const seen = await walk(sort, first, async (page) => {
      if (page % every === 0 && added < ADDED_PER_WALK) {
        added++;
        // One product added before the next page, another racing it.
        await create(PRODUCTS + added);
        void create(PRODUCTS + added + 1000).catch(() => undefined);
      }
    });
    expect(added).toBeGreaterThan(0);
    expect(exactCounts).toBeGreaterThan(exactBefore);
    const known = new Set(existing.map((p) => p.id));
    const seenExisting = seen.filter((id) => known.has(id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seenExisting).toEqual([...existing].sort(ORDER[sort]).map((p) => p.id));
  }, 120_000);

  it('counts the whole match in totalCount, whatever the page', async () => {
    // The racing creations of the walks have all been answered: the test knows every product.
    await Promise.allSettled([...inFlight]);
    expect(inFlight.size).toBe(0);
    expect(created.length).toBe(started);
    expect(created.length).toBeGreaterThan(PRODUCTS);
    const COUNT = `query ($filter: ProductFilter, $after: String) { products(filter: $filter, first: 3, after: $after) {
      totalCount edges { cursor } pageInfo { endCursor } } }`;
    for (const word of WORDS) {
      const expected = created.filter((p) => p.title.split(' ').includes(word)).length;
      const filter = { sellerId: seller.id, search: word };
      const first = await expectData(sg.url, COUNT, { filter });
      expect(first.products.edges).toHaveLength(Math.min(3, expected));
      expect(first.products.totalCount, word).toBe(expected);
      // The same on a later page: the count is of the match, not of what is left after the cursor.
      const next = await expectData(sg.url, COUNT, { filter, after: first.products.pageInfo.endCursor });
      expect(next.products.totalCount, word).toBe(expected);
    }
    const all = await expectData(sg.url, COUNT, { filter: { sellerId: seller.id } });
    expect(all.products.totalCount).toBe(created.length);
  });
});
