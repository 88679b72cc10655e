// Fills an empty marketplace with the demo shop, never twice. It sends each of its own operations to
// the subgraph that owns it, with the same tokens a client would hold, rather than through the
// gateway: the gateway may run only the clients' persisted documents (PERSISTED_DOCUMENTS_MODE=safelist),
// and the seed's operations (createCategory, for one) are none of theirs.
import { expectData, graphql } from '@marketplace/testing';
import { CATALOG, CATEGORIES, CURRENCY, DEMO_BUYER, DEMO_ORDERS, DEMO_PART_TRACKING, DEMO_SECOND_SELLER, DEMO_SELLER, type DemoAccount, type DemoOrderState } from './demo.ts';

export type SeedOutcome =
  | { kind: 'seeded'; products: number; categories: number; orders: number }
  | { kind: 'present' }
  | { kind: 'foreign'; reason: string }
  | { kind: 'failed'; reason: string };

/** Each subgraph's /graphql URL. */
export type SeedUrls = Record<'users' | 'products' | 'orders', string>;

export interface AdminCredentials {
  email: string;
  password: string;
}

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
const CREATE_CATEGORY = 'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }';
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
const PLACE_ORDER = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
/** A seller who is not the buyer sees only their own fulfilment of an order. */
const OWN_FULFILLMENT = 'query ($id: ID!) { order(id: $id) { fulfillments { id } } }';
/**
 * The order steps after placing it, all the orders subgraph's own mutations; a step `on: 'part'`
 * takes the seller's own fulfilment's id rather than the order's.
 */
const STEPS: Record<Exclude<DemoOrderState, 'PENDING'>, { query: string; by: 'buyer' | 'seller'; on?: 'part' }[]> = {
  PAID: [{ query: 'mutation ($id: ID!) { payOrder(id: $id) { id } }', by: 'buyer' }],
  PARTIALLY_SHIPPED: [
    { query: 'mutation ($id: ID!) { payOrder(id: $id) { id } }', by: 'buyer' },
    { query: `mutation ($id: ID!) { shipFulfillment(id: $id, trackingNumber: "${DEMO_PART_TRACKING}") { id } }`, by: 'seller', on: 'part' },
  ],
  SHIPPED: [
    { query: 'mutation ($id: ID!) { payOrder(id: $id) { id } }', by: 'buyer' },
    { query: 'mutation ($id: ID!) { shipOrder(id: $id, trackingNumber: "DEMO-TRACK-0001") { id } }', by: 'seller' },
  ],
  DELIVERED: [
    { query: 'mutation ($id: ID!) { payOrder(id: $id) { id } }', by: 'buyer' },
    { query: 'mutation ($id: ID!) { shipOrder(id: $id, trackingNumber: "DEMO-TRACK-0002") { id } }', by: 'seller' },
    { query: 'mutation ($id: ID!) { deliverOrder(id: $id) { id } }', by: 'seller' },
  ],
  CANCELLED: [{ query: 'mutation ($id: ID!) { cancelOrder(id: $id, reason: "Changed my mind") { id } }', by: 'buyer' }],
};

async function login(urls: SeedUrls, account: { email: string; password: string }): Promise<string | undefined> {
  const result = await graphql<{ login: { accessToken: string } }>(urls.users, LOGIN, { e: account.email, p: account.password });
  return result.data?.login.accessToken;
}

/** A token for a fresh account, or `undefined` when the email is already taken. */
async function register(urls: SeedUrls, account: DemoAccount): Promise<string | undefined> {
  const { email, password, name, role } = account;
  const result = await graphql<{ register: { accessToken: string } }>(urls.users, REGISTER, { input: { email, password, name, role } });
  if (result.errors?.some((e) => e.extensions?.code === 'CONFLICT')) return undefined;
  if (!result.data) throw new Error(`registering ${email} failed: ${JSON.stringify(result.errors)}`);
  return result.data.register.accessToken;
}

async function accountToken(urls: SeedUrls, account: DemoAccount): Promise<string> {
  const token = (await register(urls, account)) ?? (await login(urls, account));
  if (token === undefined) throw new Error(`${account.email} exists with a different password`);
  return token;
}

async function createCategories(urls: SeedUrls, adminToken: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const { slug, name, parent } of CATEGORIES) {
    const input = { name, slug, ...(parent ? { parentId: ids.get(parent) } : {}) };
    const data = await expectData<{ createCategory: { id: string } }>(urls.products, CREATE_CATEGORY, { input }, { token: adminToken });
    ids.set(slug, data.createCategory.id);
  }
  return ids;
}

export async function seedDemo(urls: SeedUrls, admin: AdminCredentials | undefined): Promise<SeedOutcome> {
  // The seller is the marker: if it exists, an earlier run (or a person) already set the shop up.
  if ((await login(urls, DEMO_SELLER)) !== undefined) return { kind: 'present' };
  const adminToken = admin ? await login(urls, admin) : undefined;
  if (adminToken === undefined) return { kind: 'foreign', reason: 'the ADMIN could not sign in to create the categories' };
  const sellerToken = await register(urls, DEMO_SELLER);
  if (sellerToken === undefined) return { kind: 'foreign', reason: `${DEMO_SELLER.email} exists with a different password` };
  const sellers = { main: sellerToken, second: await accountToken(urls, DEMO_SECOND_SELLER) };
  const categories = await createCategories(urls, adminToken);

  const ids: string[] = [];
  for (const product of CATALOG) {
    const input = {
      title: product.title,
      description: product.description,
      price: { amount: product.amount, currency: CURRENCY },
      stock: product.stock,
      categoryId: categories.get(product.category),
      attributes: product.attributes,
      images: product.images,
    };
    const data = await expectData<{ createProduct: { id: string } }>(urls.products, CREATE_PRODUCT, { input }, { token: sellers[product.seller] });
    ids.push(data.createProduct.id);
  }

  const buyerToken = await accountToken(urls, DEMO_BUYER);
  for (const order of DEMO_ORDERS) {
    const items = order.lines.map(({ index, quantity }) => ({ productId: ids[index], quantity }));
    const placed = await expectData<{ placeOrder: { id: string } }>(urls.orders, PLACE_ORDER, { input: { items } }, { token: buyerToken });
    // The seller of the first line takes the seller's steps: on the whole order where they sell
    // every item, on their own part (their fulfilment) of the two-seller one.
    const orderId = placed.placeOrder.id;
    const sellerToken = sellers[CATALOG[order.lines[0]!.index]!.seller];
    for (const step of order.state === 'PENDING' ? [] : STEPS[order.state]) {
      const token = step.by === 'buyer' ? buyerToken : sellerToken;
      const id = step.on === 'part' ? (await expectData<{ order: { fulfillments: { id: string }[] } }>(urls.orders, OWN_FULFILLMENT, { id: orderId }, { token })).order.fulfillments[0]!.id : orderId;
      await expectData(urls.orders, step.query, { id }, { token });
    }
  }
  return { kind: 'seeded', products: ids.length, categories: categories.size, orders: DEMO_ORDERS.length };
}
