// The router's operation limits and cost analysis over real HTTP: refused before any subgraph is
// called, whichever way the document arrives; every page a real client shows still passes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql, type GraphQLResult } from '@marketplace/testing';
import { createProduct, placeOrder, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

/** The request of the README's first paragraph: three levels of 100 products per seller. */
const NESTED = `{ products(first:100){edges{node{seller{products(first:100){totalCount edges{node{seller{
  products(first:100){totalCount edges{node{id description}}}}}}}}}}}}`;

/** `me { orders { edges { node { buyer { orders ... { id } } } } } }`: `levels` nested fields, then `id`. */
function deepOrders(levels: number): string {
  const cycle = ['orders', 'edges', 'node', 'buyer'];
  const path = ['me'];
  while (path.length < levels) path.push(cycle[(path.length - 1) % cycle.length]!);
  return `{ ${path.join(' { ')} { id }${' }'.repeat(path.length)}`;
}

const CATALOG_PAGE = `query Catalog($after: String) {
  products(first: 20, after: $after, sort: NEWEST) {
    totalCount
    edges { cursor node { id title price { amount currency } images stock category { name slug } seller { id name } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ORDER_HISTORY_PAGE = `query History {
  me { id name orders(first: 20) {
    totalCount
    edges { node { id status createdAt trackingNumber total { amount currency }
      items { title quantity unitPrice { amount currency } lineTotal { amount currency } product { id title images seller { name } } }
      events { status at note actor { name } } } }
    pageInfo { hasNextPage endCursor } } }
}`;

const PRODUCT_PAGE = `query Product($id: ID!) {
  product(id: $id) {
    id title description price { amount currency } stock images status attributes { name value } createdAt
    category { id name slug parent { name slug } }
    seller { id name products(first: 8) { edges { node { id title price { amount currency } images } } } }
  }
}`;

const LIMIT_CODES = ['MAX_DEPTH_LIMIT', 'MAX_ALIASES_LIMIT', 'MAX_ROOT_FIELDS_LIMIT', 'MAX_TOKENS_LIMIT', 'MAX_DIRECTIVES_LIMIT', 'COST_ESTIMATED_TOO_EXPENSIVE'];

async function get(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
  const target = new URL(url);
  target.searchParams.set('query', query);
  if (variables) target.searchParams.set('variables', JSON.stringify(variables));
  // A GET needs a header a browser cannot send cross-site without a preflight (CSRF prevention).
  const response = await fetch(target, { headers: { 'apollo-require-preflight': 'true' } });
  return { status: response.status, ...((await response.json()) as object) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('operation limits and cost at the router', () => {
  let sg: Supergraph;
  let buyer: Account;
  let seller: Account;
  let productId: string;

  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri'), countSubgraphRequests: true });
    seller = await register(sg.url, 'SELLER');
    buyer = await register(sg.url, 'BUYER');
    productId = await createProduct(sg.url, seller.token, { title: 'Stoneware mug', stock: 50, amount: 1800 });
    await createProduct(sg.url, seller.token, { title: 'Stoneware bowl', stock: 50, amount: 2400 });
    await placeOrder(sg.url, buyer.token, [{ productId, quantity: 2 }]);
  });
  afterAll(() => sg?.stop());

  /** Sends a request and checks that nothing of it reached a subgraph. */
  async function refusedBeforeSubgraphs(send: () => Promise<GraphQLResult>): Promise<GraphQLResult> {
    sg.subgraphRequests.reset();
    const result = await send();
    expect(sg.subgraphRequests.total()).toBe(0);
    return result;
  }

  it('refuses the nested catalog request as too expensive, with zero subgraph requests', async () => {
    const result = await refusedBeforeSubgraphs(() => graphql(sg.url, NESTED));
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    const error = result.errors![0]!;
    const cost = error.extensions!.cost as { estimated: number; max: number };
    expect(cost.estimated).toBeGreaterThan(1_000_000);
    expect(cost.max).toBe(10_000);
    expect(error.message).toContain(String(cost.estimated));
    expect(error.message).toContain('10000');
    expect(result.data).toBeUndefined();
  });

  it('counts subgraph requests at all (the zero above means something)', async () => {
    sg.subgraphRequests.reset();
    await expectData(sg.url, '{ products(first: 1) { edges { node { id seller { name } } } } }');
    expect(sg.subgraphRequests.total()).toBeGreaterThanOrEqual(2);
  });

  it('refuses an order history nested 20 fields deep with MAX_DEPTH_LIMIT', async () => {
    const query = deepOrders(20);
    expect(query.split('{').length - 1).toBe(21);
    const result = await refusedBeforeSubgraphs(() => graphql(sg.url, query, {}, { token: buyer.token }));
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['MAX_DEPTH_LIMIT']);
    expect(result.errors![0]!.message).toMatch(/nested 21; the limit is 15/);
  });

  it('counts depth through fragments where they are spread, and still refuses fragment cycles', async () => {
    const query = `query { me { ...A } }
      fragment A on User { orders { edges { node { buyer { ...B } } } } }
      fragment B on User { orders { edges { node { buyer { ...C } } } } }
      fragment C on User { orders { edges { node { buyer { ...D } } } } }
      fragment D on User { orders { edges { node { id } } } }`;
    const deep = await refusedBeforeSubgraphs(() => graphql(sg.url, query, {}, { token: buyer.token }));
    expect(errorCodes(deep)).toEqual(['MAX_DEPTH_LIMIT']);
    const cycle = await refusedBeforeSubgraphs(() =>
      graphql(sg.url, 'query { me { ...A } } fragment A on User { orders { edges { node { buyer { ...B } } } } } fragment B on User { ...A }'),
    );
    expect(cycle.status).toBe(400);
    expect(errorCodes(cycle)).toContain('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses 200 aliases of __typename with MAX_ALIASES_LIMIT', async () => {
    const query = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const result = await refusedBeforeSubgraphs(() => graphql(sg.url, query));
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['MAX_ALIASES_LIMIT']);
    expect(result.errors![0]!.message).toMatch(/aliases: 200; the limit is 30/);
  });

  it('refuses too many root fields, directives and tokens, each with its own code', async () => {
    const roots = `{ ${Array.from({ length: 25 }, (_, i) => `p${i}: product(id: "${productId}") { id }`).join(' ')} }`;
    const rootResult = await refusedBeforeSubgraphs(() => graphql(sg.url, roots));
    expect(errorCodes(rootResult)).toEqual(['MAX_ROOT_FIELDS_LIMIT']);
    expect(rootResult.errors![0]!.message).toMatch(/root fields: 25; the limit is 20/);

    const directives = `{ products(first: 1) { edges { node { ${Array.from({ length: 21 }, (_, i) => `t${i % 3 === 0 ? '' : i}: id @include(if: true)`).join(' ').replace(/t: /g, '')} } } } }`;
    const directiveResult = await refusedBeforeSubgraphs(() => graphql(sg.url, directives));
    expect(errorCodes(directiveResult)).toEqual(['MAX_DIRECTIVES_LIMIT']);
    expect(directiveResult.errors![0]!.message).toMatch(/directives: 21; the limit is 20/);

    const tokens = `{ products(first: 1) { edges { node { ${'id '.repeat(2500)}} } } }`;
    const tokenResult = await refusedBeforeSubgraphs(() => graphql(sg.url, tokens));
    expect(tokenResult.status).toBe(400);
    expect(errorCodes(tokenResult)).toEqual(['MAX_TOKENS_LIMIT']);
    expect(tokenResult.errors![0]!.message).toBe('The operation has 2516 tokens; the limit is 2000 (MAX_TOKENS).') // 12 + 2500 + 4;
  });

  it('applies the same limits to GET requests and automatic persisted queries', async () => {
    const viaGet = await refusedBeforeSubgraphs(() => get(sg.url, NESTED));
    expect(viaGet.status).toBe(400);
    expect(errorCodes(viaGet)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    const deepGet = await refusedBeforeSubgraphs(() => get(sg.url, deepOrders(20)));
    expect(errorCodes(deepGet)).toEqual(['MAX_DEPTH_LIMIT']);

    const persistedQuery = { version: 1, sha256Hash: sha256(NESTED) };
    const registering = await refusedBeforeSubgraphs(() => graphql(sg.url, NESTED, {}, { extensions: { persistedQuery } }));
    expect(registering.status).toBe(400);
    expect(errorCodes(registering)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    // A refused document is never stored, so its hash alone finds nothing.
    const byHash = await refusedBeforeSubgraphs(() => graphql(sg.url, undefined, {}, { extensions: { persistedQuery } }));
    expect(errorCodes(byHash)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('prices a variable page size as sent, refusing when it makes the query too expensive', async () => {
    const query = 'query ($n: Int) { products(first: $n) { edges { node { seller { products(first: $n) { edges { node { id } } } } } } } }';
    const small = await graphql(sg.url, query, { n: 5 });
    expect(small.errors).toBeUndefined();
    const large = await refusedBeforeSubgraphs(() => graphql(sg.url, query, { n: 100 }));
    expect(errorCodes(large)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
  });

  it('accepts a catalog page of 20, an order history page of 20 and a product page, and shows their cost in development', async () => {
    for (const [query, variables, token] of [
      [CATALOG_PAGE, {}, undefined],
      [ORDER_HISTORY_PAGE, {}, buyer.token],
      [PRODUCT_PAGE, { id: productId }, undefined],
    ] as const) {
      const result = await graphql(sg.url, query, variables, token ? { token } : {});
      expect(result.errors, query).toBeUndefined();
      const { cost } = (result as { extensions?: { cost?: { estimated: number; max: number } } }).extensions ?? {};
      expect(cost?.max).toBe(10_000);
      expect(cost?.estimated).toBeGreaterThan(0);
      expect(cost?.estimated).toBeLessThan(10_000);
    }
    const history = await expectData(sg.url, ORDER_HISTORY_PAGE, {}, { token: buyer.token });
    expect(history.me.orders.edges[0].node.items[0].product.title).toBe('Stoneware mug');
  });

  it('lets every operation of the README tour through', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const tour = readme.slice(readme.indexOf('### A tour to paste into Sandbox'), readme.indexOf('## Configuration'));
    const blocks = [...tour.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
    const operations = blocks.flatMap((block) => parse(block).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION));
    expect(operations.length).toBeGreaterThanOrEqual(7);
    for (const operation of operations) {
      const result = await graphql(sg.url, print(operation), { id: productId }, { token: buyer.token });
      expect(errorCodes(result).filter((code) => LIMIT_CODES.includes(code ?? '')), print(operation)).toEqual([]);
      expect(result.status, print(operation)).not.toBe(400);
    }
  });
});

describe('operation limits in production', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri'), production: true });
  });
  afterAll(() => sg?.stop());

  it('refuses the same way but shows no cost on accepted responses', async () => {
    expect(errorCodes(await graphql(sg.url, NESTED))).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
    const accepted = await graphql(sg.url, CATALOG_PAGE);
    expect(accepted.errors).toBeUndefined();
    expect((accepted as { extensions?: unknown }).extensions).toBeUndefined();
  });

  it('gives no schema hints in its error messages', async () => {
    const result = await graphql(sg.url, '{ product(id: "x") { titl } }');
    expect(result.status).toBe(400);
    expect(result.errors![0]!.message).not.toMatch(/Did you mean/);
    const dev = await startSupergraph({ mongoUri: inject('mongoUri') });
    try {
      const hinted = await graphql(dev.url, '{ product(id: "x") { titl } }');
      expect(hinted.errors![0]!.message).toMatch(/Did you mean "title"/);
    } finally {
      await dev.stop();
    }
  });
});
