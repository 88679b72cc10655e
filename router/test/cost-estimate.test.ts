// The cost model on the real supergraph: the README's worked examples, list sizes, slicing and weights.
import { buildASTSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../src/plugins/cost-estimate.ts';
import { COST, readCostModel } from '../src/plugins/cost-model.ts';
import { readSupergraph } from '../src/supergraph.ts';

const sdl = readSupergraph();
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const model = readCostModel(sdl);
const cost = (source: string, variables?: Record<string, unknown>) => {
  const document = parse(source);
  return estimateCost(schema, model, document, getOperationAST(document)!, variables);
};

describe('the cost model read from the supergraph', () => {
  it('carries the subgraphs’ @cost and @listSize hints', () => {
    expect(model.fields.get('Query.products')).toEqual({
      weight: 5,
      listSize: { slicingArguments: ['first'], sizedFields: ['edges'] },
    });
    expect(model.fields.get('ProductConnection.totalCount')).toEqual({ weight: 5 });
    expect(model.fields.get('Order.items')).toEqual({ listSize: { assumedSize: 10, slicingArguments: [], sizedFields: [] } });
  });
});

describe('estimateCost', () => {
  it('prices scalars at 0 and each object at 1', () => {
    expect(cost('query ($id: ID!) { product(id: $id) { id title } }')).toBe(1);
    expect(cost('query ($id: ID!) { product(id: $id) { id price { amount } seller { name } } }')).toBe(3);
  });

  it('worked example 1: a catalog page of 20 with sellers', () => {
    // products: weight 5 + connection 1 + totalCount 5 + 20 edges x (edge 1 + product 1 + price 1 + seller 1) + pageInfo 1
    const page = '{ products(first: 20) { totalCount edges { cursor node { id title price { amount currency } seller { name } } } pageInfo { hasNextPage } } }';
    expect(cost(page)).toBe(5 + 1 + 5 + 20 * 4 + 1);
  });

  it('worked example 2: the nested request is priced in the millions', () => {
    const nested = `{ products(first:100){edges{node{seller{products(first:100){totalCount edges{node{seller{
      products(first:100){totalCount edges{node{id description}}}}}}}}}}}}`;
    const inner = 5 + 1 + 5 + 100 * 2; // products(first:100) { totalCount edges { node { id } } }
    const middle = 5 + 1 + 5 + 100 * (2 + 1 + inner); // edges, node, seller, then the inner page
    const outer = 5 + 1 + 100 * (2 + 1 + middle);
    expect(cost(nested)).toBe(outer);
    expect(outer).toBeGreaterThan(2_000_000);
  });

  it('slices by `first` as sent or as a variable, defaults to 20 and caps at 100', () => {
    const q = (first: string) => `query ($n: Int) { products${first} { edges { node { id } } } }`;
    expect(cost(q('(first: 3)'))).toBe(5 + 1 + 3 * 2);
    expect(cost(q('(first: $n)'), { n: 7 })).toBe(5 + 1 + 7 * 2);
    expect(cost(q(''))).toBe(5 + 1 + COST.defaultSlice * 2);
    expect(cost(q('(first: 100000)'))).toBe(5 + 1 + COST.maxSlice * 2);
    expect(cost(q('(first: $n)'), {})).toBe(5 + 1 + COST.defaultSlice * 2);
  });

  it('sizes unannotated and annotated lists', () => {
    // categories: @listSize(assumedSize: 10), children: weight 5 and 5 assumed each
    expect(cost('{ categories { name children { name } } }')).toBe(5 + 10 * (1 + 5 + 5 * 1));
    // items: 10 assumed per order
    expect(cost('query ($id: ID!) { order(id: $id) { items { title product { id } } } }')).toBe(1 + 10 * (1 + 1));
  });

  it('adds the mutation surcharge to each root mutation field', () => {
    expect(cost('mutation { archiveProduct(id: "x") { id } }')).toBe(COST.mutation + 1);
    expect(cost('mutation { placeOrder(input: { items: [] }) { id } }')).toBe(COST.mutation + 20 + 1);
  });

  it('prices fragments where they are spread, keeping the page size of the connection around them', () => {
    const withFragment = '{ products(first: 4) { ...Page } } fragment Page on ProductConnection { edges { node { seller { name } } } }';
    expect(cost(withFragment)).toBe(5 + 1 + 4 * 3);
    expect(cost('{ ...Q } fragment Q on Query { products(first: 4) { edges { node { id } } } }')).toBe(5 + 1 + 4 * 2);
  });

  it('ignores introspection and __typename', () => {
    expect(cost('{ __typename __schema { types { name } } }')).toBe(0);
  });
});
