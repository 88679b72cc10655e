// Scenario steps as the API's clients would take them: registering, listing, ordering.
import { randomBytes } from 'node:crypto';
import { expectData } from '@marketplace/testing';

export interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
}

export const uniqueEmail = (label: string) => `${label}-${randomBytes(5).toString('hex')}@example.com`;

export async function register(url: string, role: 'BUYER' | 'SELLER', name = `${role.toLowerCase()} ${randomBytes(2).toString('hex')}`): Promise<Account> {
  const email = uniqueEmail(role.toLowerCase());
  const password = `Pass-${randomBytes(6).toString('hex')}`;
  const data = await expectData(
    url,
    `mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`,
    { input: { email, password, name, role } },
  );
  return { id: data.register.user.id, email, password, token: data.register.accessToken };
}

export async function login(url: string, email: string, password: string): Promise<string> {
  const data = await expectData(url, `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, {
    e: email,
    p: password,
  });
  return data.login.accessToken;
}

export async function createProduct(
  url: string,
  token: string,
  input: { title?: string; stock: number; amount?: number; currency?: string },
): Promise<string> {
  const data = await expectData(
    url,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    {
      input: {
        title: input.title ?? `Product ${randomBytes(3).toString('hex')}`,
        description: 'A fine thing',
        price: { amount: input.amount ?? 1999, currency: input.currency ?? 'EUR' },
        stock: input.stock,
      },
    },
    { token },
  );
  return data.createProduct.id;
}

export async function stockOf(url: string, productId: string): Promise<number> {
  const data = await expectData(url, `query ($id: ID!) { product(id: $id) { stock } }`, { id: productId });
  return data.product.stock;
}

export const PLACE_ORDER = `mutation ($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id status total { amount currency } items { title quantity unitPrice { amount currency } lineTotal { amount } } }
}`;

/** Places an order as `token` and returns its id. */
export async function placeOrder(
  url: string,
  token: string,
  items: { productId: string; quantity: number }[],
  idempotencyKey?: string,
): Promise<string> {
  const data = await expectData(url, PLACE_ORDER, { input: { items, ...(idempotencyKey ? { idempotencyKey } : {}) } }, { token });
  return data.placeOrder.id;
}

/** The lifecycle mutations, each answering with the order's status and tracking number. */
export const ORDER_MUTATIONS = {
  pay: 'mutation ($id: ID!) { payOrder(id: $id) { id status trackingNumber } }',
  ship: 'mutation ($id: ID!, $tracking: String!) { shipOrder(id: $id, trackingNumber: $tracking) { id status trackingNumber } }',
  deliver: 'mutation ($id: ID!) { deliverOrder(id: $id) { id status trackingNumber } }',
  cancel: 'mutation ($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { id status trackingNumber } }',
} as const;
