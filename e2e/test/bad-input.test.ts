// Bad input gets BAD_USER_INPUT with a message that names the problem, and changes nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, PLACE_ORDER, register, stockOf, uniqueEmail, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
let seller: Account;
let buyer: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [seller, buyer] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
});
afterAll(() => sg?.stop());

const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken } }';
const valid = { title: 'Chair', description: 'Oak', price: { amount: 4500, currency: 'EUR' }, stock: 3 };

async function count(service: 'users' | 'products' | 'orders', collection: string) {
  return sg.mongo[service].db(sg.databases[service]).collection(collection).countDocuments();
}

async function expectBadInput(query: string, variables: Record<string, unknown>, message: RegExp, token?: string) {
  const result = await graphql(sg.url, query, variables, token ? { token } : {});
  expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  expect(result.errors?.[0]?.message).toMatch(message);
  expect(Object.values(result.data ?? {}).every((value) => value === null)).toBe(true);
}

describe('products', () => {
  it.each([
    ['an empty title', { title: '' }, /title must not be empty/],
    ['a blank title', { title: '   ' }, /title must not be empty or blank/],
    ['a negative price', { price: { amount: -1, currency: 'EUR' } }, /price.amount must be a non-negative integer/],
    ['an unknown currency', { price: { amount: 100, currency: 'XYZ' } }, /"XYZ" is not an ISO 4217 currency code/],
    ['a negative stock', { stock: -2 }, /stock must be an integer from 0/],
  ])('refuses %s', async (_name, change, message) => {
    const before = await count('products', 'products');
    await expectBadInput(CREATE, { input: { ...valid, ...change } }, message, seller.token);
    expect(await count('products', 'products')).toBe(before);
  });

  it('refuses a malformed id', async () => {
    await expectBadInput('{ product(id: "not-an-id") { id } }', {}, /id "not-an-id" is not a valid id/);
  });

  it('refuses a float price at the schema level', async () => {
    const result = await graphql(sg.url, CREATE, { input: { ...valid, price: { amount: 12.5, currency: 'EUR' } } }, { token: seller.token });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('accounts', () => {
  it.each([
    ['a weak password', { password: 'short1' }, /password is too weak/],
    ['a password without digits or symbols', { password: 'onlylettersherefolks' }, /password is too weak/],
    ['an invalid email', { email: 'not-an-email' }, /email must be a valid email address/],
    ['a blank name', { name: '  ' }, /name must not be blank/],
  ])('refuses %s', async (_name, change, message) => {
    const before = await count('users', 'users');
    await expectBadInput(REGISTER, { input: { email: uniqueEmail('x'), password: 'Correct-horse-9', name: 'X', ...change } }, message);
    expect(await count('users', 'users')).toBe(before);
  });

  it('refuses a taken email with CONFLICT, whatever its case', async () => {
    const result = await graphql(sg.url, REGISTER, { input: { email: buyer.email.toUpperCase(), password: 'Another-pass-1', name: 'Twin' } });
    expect(errorCodes(result)).toEqual(['CONFLICT']);
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const wrong = await graphql(sg.url, 'mutation { login(email: "' + buyer.email + '", password: "Wrong-password-1") { accessToken } }');
    const unknown = await graphql(sg.url, 'mutation { login(email: "nobody@example.com", password: "Wrong-password-1") { accessToken } }');
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);
  });
});

describe('orders', () => {
  it.each([
    ['no items', [], /at least one item/],
    ['a zero quantity', [{ quantity: 0 }], /quantity must be an integer from 1/],
    ['a negative quantity', [{ quantity: -3 }], /quantity must be an integer from 1/],
    ['a malformed product id', [{ productId: '42' }], /productId "42" is not a valid id/],
  ])('refuses %s', async (_name, lines, message) => {
    const product = await createProduct(sg.url, seller.token, { stock: 5 });
    const items = (lines as Record<string, unknown>[]).map((l) => ({ productId: product, quantity: 1, ...l }));
    const before = await count('orders', 'orders');
    await expectBadInput(PLACE_ORDER, { input: { items } }, message, buyer.token);
    expect(await count('orders', 'orders')).toBe(before);
    expect(await stockOf(sg.url, product)).toBe(5);
  });

  it('refuses items in different currencies and reserves nothing', async () => {
    const euro = await createProduct(sg.url, seller.token, { stock: 5, currency: 'EUR' });
    const dollar = await createProduct(sg.url, seller.token, { stock: 5, currency: 'USD' });
    await expectBadInput(
      PLACE_ORDER,
      { input: { items: [{ productId: euro, quantity: 1 }, { productId: dollar, quantity: 1 }] } },
      /one currency/,
      buyer.token,
    );
    expect([await stockOf(sg.url, euro), await stockOf(sg.url, dollar)]).toEqual([5, 5]);
  });

  it('refuses an unknown product with NOT_FOUND', async () => {
    const result = await graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: 'aaaaaaaaaaaaaaaaaaaaaaaa', quantity: 1 }] } }, { token: buyer.token });
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });

  it('refuses a total beyond a 32-bit amount and gives the stock back', async () => {
    const pricey = await createProduct(sg.url, seller.token, { stock: 10, amount: 2_000_000_000 });
    await expectBadInput(PLACE_ORDER, { input: { items: [{ productId: pricey, quantity: 2 }] } }, /order total must be at most/, buyer.token);
    expect(await stockOf(sg.url, pricey)).toBe(10);
  });
});

describe('internal failures', () => {
  it('never show a stack trace or a driver message to the client', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 5 });
    await sg.stopService('products');
    const result = await graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } }, { token: buyer.token });
    expect(errorCodes(result)).toEqual(['INTERNAL_SERVER_ERROR']);
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/stack|ECONNREFUSED|fetch failed|at .*\.ts:\d+|products service/i);
    expect(result.errors?.[0]?.message).toBe('Internal server error');
    const data = await expectData(sg.url, '{ me { id } }', {}, { token: buyer.token });
    expect(data.me.id).toBe(buyer.id);
  });
});
