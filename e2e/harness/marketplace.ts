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
