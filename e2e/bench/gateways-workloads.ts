// The gateway bench's workloads: each a fixed set of requests, what a good answer to them looks like, and,
// where there is one, the closest query a single subgraph answers on its own (the "subgraph alone" target).
import type { SubgraphName } from '@marketplace/service-kit';
import { COLOURS, MATERIALS, THINGS, type Account, type Seeded } from './gateways-seed.ts';
import type { LoadRequest } from './telemetry-load.ts';

/** Distinct users (tokens) and products a "many users" workload goes through. */
export const DISTINCT = 50;
/** Orders placed per run of placeOrder, DISTINCT at a time, each buyer's in turn (BENCH_ORDERS). */
export const ORDERS = Math.max(DISTINCT, Number(process.env.BENCH_ORDERS ?? 100));

export interface Workload {
  key: string;
  title: string;
  /** How autocannon's connections take the requests (see LoadJob.rotation). */
  rotation: 'per-connection' | 'shared';
  /** The requests through a gateway; `run` counts the runs of this workload, so each can have its own. */
  requests(seeded: Seeded, run: number): LoadRequest[];
  /** The single-subgraph equivalent, sent straight to that subgraph. */
  alone?: { subgraph: SubgraphName; label: string; requests(seeded: Seeded, run: number): LoadRequest[] };
  /** A problem with one answer's body (GraphQL errors, or data missing), or undefined when it is complete. */
  problem(body: GraphQLBody): string | undefined;
  /** Each request sent once (autocannon's `amount`), DISTINCT at a time, rather than BENCH_SECONDS of them. */
  once?: boolean;
  /** Throughput is counted in these (req/s otherwise). */
  unit?: string;
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: unknown[];
}

export const post = (body: Record<string, unknown>, token?: string): LoadRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

const CATALOG = 'query Catalog { products(first: 20) { edges { node { id title price { amount currency } seller { id name } } } } }';
const CATALOG_ALONE = 'query CatalogAlone { products(first: 20) { edges { node { id title price { amount currency } seller { id } } } } }';
const HISTORY =
  'query History { me { orders(first: 20) { edges { node { id status total { amount } items { quantity product { title seller { name } } } } } } } }';
const PRODUCT = 'query Product($id: ID!) { product(id: $id) { id title price { amount currency } stock seller { id name } } }';
const PRODUCT_ALONE = 'query ProductAlone($id: ID!) { product(id: $id) { id title price { amount currency } stock seller { id } } }';
const SEARCH =
  'query Search($filter: ProductFilter, $sort: ProductSort) { products(filter: $filter, sort: $sort, first: 20) { edges { node { id title price { amount currency } stock } } } }';
const PLACE_ORDER = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total { amount currency } } }';

/** The search variants: words of the seeded titles and descriptions, price ranges, stock and an attribute. */
const SEARCHES: { filter: Record<string, unknown>; sort?: string }[] = [
  { filter: { search: MATERIALS[0], inStock: true } },
  { filter: { search: `${MATERIALS[1]} ${THINGS[0]}` } },
  { filter: { minPrice: 1000, maxPrice: 5000, inStock: true } },
  { filter: { search: MATERIALS[2], maxPrice: 8000 }, sort: 'PRICE_ASC' },
  { filter: { attributes: [{ name: 'colour', value: COLOURS[0] }], minPrice: 10_000 } },
  { filter: { search: THINGS[1], inStock: true }, sort: 'TITLE' },
];

const edgesOf = (data: Record<string, any> | null | undefined, ...path: string[]): unknown[] | undefined => {
  let value: any = data;
  for (const key of path) value = value?.[key];
  return Array.isArray(value?.edges) ? value.edges : undefined;
};

/** The usual checks: no errors, and `complete(data)` holds. */
const expecting =
  (what: string, complete: (data: Record<string, any>) => boolean) =>
  (body: GraphQLBody): string | undefined => {
    if (body.errors?.length) return `errors: ${JSON.stringify(body.errors).slice(0, 400)}`;
    if (!body.data || !complete(body.data)) return `not ${what}: ${JSON.stringify(body.data).slice(0, 400)}`;
    return undefined;
  };

const pageWithSellers = expecting('a page of 20 with sellers', (data) => {
  const edges = edgesOf(data, 'products');
  return edges?.length === 20 && edges.every((edge: any) => edge.node?.seller?.id);
});

const historyPage = expecting('a history with products and sellers', (data) => {
  const edges = edgesOf(data, 'me', 'orders');
  return !!edges && edges.length > 0 && edges.every((edge: any) => edge.node.items.length > 0 && edge.node.items.every((item: any) => item.product?.title && item.product.seller?.name));
});

const many = <T>(list: readonly T[], count: number, from = 0): T[] => Array.from({ length: count }, (_, i) => list[(from + i) % list.length]!);
const history = (accounts: Account[]) => accounts.map((buyer) => post({ query: HISTORY, operationName: 'History' }, buyer.token));

export const WORKLOADS: Workload[] = [
  {
    key: 'catalog',
    title: 'catalog page of 20 with sellers, anonymous, identical requests (products, users)',
    rotation: 'per-connection',
    requests: () => [post({ query: CATALOG, operationName: 'Catalog' })],
    alone: { subgraph: 'products', label: 'the same page with seller { id } only', requests: () => [post({ query: CATALOG_ALONE, operationName: 'CatalogAlone' })] },
    problem: pageWithSellers,
  },
  {
    key: 'history-1',
    title: "one buyer's order history, 20 orders with items, products and sellers, one token (users, orders, products)",
    rotation: 'per-connection',
    requests: (seeded) => history(seeded.buyers.slice(0, 1)),
    problem: historyPage,
  },
  {
    key: `history-${DISTINCT}`,
    title: `the same history for ${DISTINCT} different buyers, a different token per request in turn`,
    rotation: 'shared',
    requests: (seeded) => history(many(seeded.buyers, DISTINCT)),
    problem: historyPage,
  },
  {
    key: 'product',
    title: `product(id) with its seller, ${DISTINCT} different users and ids in turn (products, users)`,
    rotation: 'shared',
    requests: (seeded) => many(seeded.buyers, DISTINCT).map((buyer, i) => post({ query: PRODUCT, operationName: 'Product', variables: { id: seeded.products[(i * 7) % seeded.products.length]!.id } }, buyer.token)),
    alone: {
      subgraph: 'products',
      label: 'the same product(id) with seller { id } only',
      requests: (seeded) => many(seeded.buyers, DISTINCT).map((buyer, i) => post({ query: PRODUCT_ALONE, operationName: 'ProductAlone', variables: { id: seeded.products[(i * 7) % seeded.products.length]!.id } }, buyer.token)),
    },
    problem: expecting('a product with its seller', (data) => !!data.product?.seller?.id),
  },
  {
    key: 'search',
    title: `product search, ${SEARCHES.length} filter variants in turn (search, price range, inStock, attribute, sort), anonymous (products only)`,
    rotation: 'shared',
    requests: () => SEARCHES.map(({ filter, sort }) => post({ query: SEARCH, operationName: 'Search', variables: { filter, ...(sort ? { sort } : {}) } })),
    alone: {
      subgraph: 'products',
      label: 'the identical query',
      requests: () => SEARCHES.map(({ filter, sort }) => post({ query: SEARCH, operationName: 'Search', variables: { filter, ...(sort ? { sort } : {}) } })),
    },
    problem: expecting('a page of results', (data) => (edgesOf(data, 'products')?.length ?? 0) > 0),
  },
  {
    key: 'placeOrder',
    title: `placeOrder of one line, ${ORDERS} orders by ${DISTINCT} different buyers, ${DISTINCT} at once (orders, products)`,
    rotation: 'shared',
    once: true,
    unit: 'orders/s',
    requests: (seeded, run) => placements(seeded, run),
    alone: { subgraph: 'orders', label: 'the identical mutation', requests: (seeded, run) => placements(seeded, run) },
    problem: expecting('a PENDING order', (data) => data.placeOrder?.status === 'PENDING'),
  },
];

/**
 * ORDERS orders, the buyers' in turn, each of the next in-stock product, so the DISTINCT in flight
 * at once are different buyers' of different products; every run goes on from where the last stopped.
 */
function placements(seeded: Seeded, run: number): LoadRequest[] {
  const available = seeded.products.filter((product) => product.inStock);
  return many(seeded.buyers, ORDERS).map((placer, i) =>
    post(
      { query: PLACE_ORDER, operationName: 'Place', variables: { input: { items: [{ productId: available[(run * ORDERS + i) % available.length]!.id, quantity: 1 }] } } },
      placer.token,
    ),
  );
}
