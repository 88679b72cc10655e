// Fills an empty marketplace with the demo shop through the gateway, exactly as a client would; never twice.
import { expectData, graphql } from '@marketplace/testing';
import { CATALOG, CURRENCY, DEMO_BUYER, DEMO_ORDER, DEMO_SELLER, type DemoAccount } from './demo.ts';

export type SeedOutcome =
  | { kind: 'seeded'; products: number; orderTotal: number }
  | { kind: 'present' }
  | { kind: 'foreign'; reason: string }
  | { kind: 'failed'; reason: string };

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
const CREATE_PRODUCT = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
const PLACE_ORDER = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id total { amount } } }';

async function login(url: string, account: DemoAccount): Promise<string | undefined> {
  const result = await graphql<{ login: { accessToken: string } }>(url, LOGIN, { e: account.email, p: account.password });
  return result.data?.login.accessToken;
}

/** A token for a fresh account, or `undefined` when the email is already taken. */
async function register(url: string, account: DemoAccount): Promise<string | undefined> {
  const { email, password, name, role } = account;
  const result = await graphql<{ register: { accessToken: string } }>(url, REGISTER, { input: { email, password, name, role } });
  if (result.errors?.some((e) => e.extensions?.code === 'CONFLICT')) return undefined;
  if (!result.data) throw new Error(`registering ${email} failed: ${JSON.stringify(result.errors)}`);
  return result.data.register.accessToken;
}

export async function seedDemo(url: string): Promise<SeedOutcome> {
  // The seller is the marker: if it exists, an earlier run (or a person) already set the shop up.
  if ((await login(url, DEMO_SELLER)) !== undefined) return { kind: 'present' };
  const sellerToken = await register(url, DEMO_SELLER);
  if (sellerToken === undefined) {
    return { kind: 'foreign', reason: `${DEMO_SELLER.email} exists with a different password` };
  }
  const ids: string[] = [];
  for (const product of CATALOG) {
    const input = {
      title: product.title,
      description: product.description,
      price: { amount: product.amount, currency: CURRENCY },
      stock: product.stock,
    };
    const data = await expectData<{ createProduct: { id: string } }>(url, CREATE_PRODUCT, { input }, { token: sellerToken });
    ids.push(data.createProduct.id);
  }
  const buyerToken = (await register(url, DEMO_BUYER)) ?? (await login(url, DEMO_BUYER));
  if (buyerToken === undefined) {
    return { kind: 'foreign', reason: `${DEMO_BUYER.email} exists with a different password, so no demo order was placed` };
  }
  const items = DEMO_ORDER.map(({ index, quantity }) => ({ productId: ids[index], quantity }));
  const order = await expectData<{ placeOrder: { total: { amount: number } } }>(url, PLACE_ORDER, { input: { items } }, { token: buyerToken });
  return { kind: 'seeded', products: ids.length, orderTotal: order.placeOrder.total.amount };
}
