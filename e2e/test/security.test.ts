// Authentication and authorization: every bad token refused, every rule enforced, no back doors.
import { randomBytes } from 'node:crypto';
import { PublicProtocol } from 'paseto';
import { GenerateKeyPairFactory as V3Keys, SignFactory as V3Sign } from 'paseto/v3/public';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generatePaserkKeyPair, importSigningKey, signAccessToken, signServiceToken } from '@marketplace/auth';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, PLACE_ORDER, register, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
/** A service token as the orders service signs it for its stock calls: its real key, its name. */
const serviceToken = async (service = 'orders') => (await signServiceToken(sg.serviceSigner, service)).token;
let seller: Account;
let alice: Account;
let mallory: Account;
let product: string;
let aliceOrder: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [seller, alice, mallory] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'BUYER'), register(sg.url, 'BUYER')]);
  product = await createProduct(sg.url, seller.token, { stock: 10 });
  const placed = await expectData(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } }, { token: alice.token });
  aliceOrder = placed.placeOrder.id;
});
afterAll(() => sg?.stop());

const ME = '{ me { id email } }';

async function expectUnauthenticated(token: string) {
  const result = await graphql(sg.url, ME, {}, { token });
  expect(result.status).toBe(401);
  expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  expect(result.data ?? null).toBeNull();
}

describe('tokens at the gateway', () => {
  it('treats a request without a token as anonymous', async () => {
    const result = await graphql(sg.url, ME);
    expect(result.data).toEqual({ me: null });
    const order = await graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } });
    expect(errorCodes(order)).toEqual(['UNAUTHENTICATED']);
  });

  it('accepts a valid token', async () => {
    expect((await expectData(sg.url, ME, {}, { token: alice.token })).me.id).toBe(alice.id);
  });

  it('refuses a tampered token', async () => {
    const [v, purpose, payload, footer] = alice.token.split('.');
    const bytes = Buffer.from(payload!, 'base64url');
    // Rewrite the subject inside the signed payload to Mallory's id.
    const forged = Buffer.from(bytes.toString('latin1').replace(alice.id, mallory.id), 'latin1');
    expect(forged.equals(bytes)).toBe(false);
    await expectUnauthenticated([v, purpose, forged.toString('base64url'), footer].join('.'));
  });

  it('refuses a token signed by another key, even one naming the real key id', async () => {
    const other = await importSigningKey((await generatePaserkKeyPair()).secretKey);
    const asAdmin = { userId: alice.id, roles: ['ADMIN'] as const };
    await expectUnauthenticated((await signAccessToken(other, asAdmin)).token);
    await expectUnauthenticated((await signAccessToken({ kid: sg.userSigner.kid, key: other.key }, asAdmin)).token);
  });

  it('refuses an expired token', async () => {
    const { token } = await signAccessToken(sg.userSigner, { userId: alice.id, roles: ['BUYER'] }, { now: new Date(Date.now() - 16 * 60_000) });
    await expectUnauthenticated(token);
  });

  it('refuses v4.local, other versions and garbage', async () => {
    const footer = Buffer.from(JSON.stringify({ kid: sg.userSigner.kid })).toString('base64url');
    const local = `v4.local.${randomBytes(96).toString('base64url')}.${footer}`;
    const v3 = new PublicProtocol(V3Keys, V3Sign);
    const { secretKey } = await v3.GenerateKeyPair();
    const v3Token = await v3.Sign(secretKey, { sub: alice.id, roles: ['ADMIN'], iss: 'marketplace-users', aud: 'marketplace' }, {
      footer: new TextEncoder().encode(JSON.stringify({ kid: sg.userSigner.kid })),
    });
    expect(v3Token.startsWith('v3.public.')).toBe(true);
    for (const token of [local, v3Token, 'not-a-token', `v2.public.${randomBytes(80).toString('base64url')}`]) {
      await expectUnauthenticated(token);
    }
    const basic = await graphql(sg.url, ME, {}, { headers: { authorization: 'Basic YTpi' } });
    expect(errorCodes(basic)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses the real service token where a user token is expected', async () => {
    // The orders service's own key and the very call its stock client makes; products accepts it (see below).
    await expectUnauthenticated(await serviceToken());
  });
});

describe('authorization rules', () => {
  it('a buyer cannot create products', async () => {
    const result = await graphql(
      sg.url,
      'mutation { createProduct(input: { title: "x", description: "y", price: { amount: 1, currency: "EUR" }, stock: 1 }) { id } }',
      {},
      { token: alice.token },
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
  });

  it("a buyer cannot read another buyer's order", async () => {
    const result = await graphql(sg.url, 'query ($id: ID!) { order(id: $id) { id total { amount } } }', { id: aliceOrder }, { token: mallory.token });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(result.data?.order ?? null).toBeNull();
    const own = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { id } }', { id: aliceOrder }, { token: alice.token });
    expect(own.order.id).toBe(aliceOrder);
  });

  it("a buyer cannot read another user's email, but can read their name", async () => {
    const query = 'query ($id: ID!) { product(id: $id) { seller { name email } } }';
    const result = await graphql(sg.url, query, { id: product }, { token: alice.token });
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result.data)).not.toContain(seller.email);
    const nameOnly = await expectData(sg.url, 'query ($id: ID!) { product(id: $id) { seller { name } } }', { id: product }, { token: alice.token });
    expect(nameOnly.product.seller.name).toBeTruthy();
    const own = await expectData(sg.url, query, { id: product }, { token: seller.token });
    expect(own.product.seller.email).toBe(seller.email);
  });

  it('an ADMIN can read any order and any email', async () => {
    const login = await expectData(sg.url, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { roles } } }', {
      e: sg.admin.email,
      p: sg.admin.password,
    });
    expect(login.login.user.roles).toEqual(['ADMIN']);
    const token = login.login.accessToken;
    const data = await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { buyer { email } } }', { id: aliceOrder }, { token });
    expect(data.order.buyer.email).toBe(alice.email);
  });

  it('nobody can register as ADMIN', async () => {
    const result = await graphql(sg.url, 'mutation { register(input: { email: "root@example.com", password: "Sup3r-secret-pw", name: "Root", role: ADMIN }) { accessToken } }');
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('subgraphs do not trust what a direct caller claims', () => {
  const forged = () => ({ 'x-user-id': alice.id, 'x-user-roles': 'ADMIN', 'x-roles': 'ADMIN' });

  it('users: a forged identity header is no one', async () => {
    const result = await graphql(sg.subgraphs.users, ME, {}, { headers: forged() });
    expect(result.data).toEqual({ me: null });
  });

  it("orders: a forged identity header reads no one's orders", async () => {
    const byId = await graphql(sg.subgraphs.orders, 'query ($id: ID!) { order(id: $id) { id } }', { id: aliceOrder }, { headers: forged() });
    expect(errorCodes(byId)).toEqual(['UNAUTHENTICATED']);
    expect(byId.data?.order ?? null).toBeNull();
    const entities = await graphql(
      sg.subgraphs.orders,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { edges { node { id } } } } } }',
      { r: [{ __typename: 'User', id: alice.id }] },
      { headers: forged() },
    );
    expect(errorCodes(entities)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(entities.data ?? null)).not.toContain(aliceOrder);
  });

  it('users: a forged header cannot read emails through entity lookups', async () => {
    const result = await graphql(
      sg.subgraphs.users,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { email } } }',
      { r: [{ __typename: 'User', id: alice.id }] },
      { headers: forged() },
    );
    expect(errorCodes(result)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(result.data ?? null)).not.toContain(alice.email);
  });
});

describe('the internal stock mutations', () => {
  const RESERVE = `mutation ($input: ReserveStockInput!) { reserveStock(input: $input) { id status items { productId quantity } } }`;
  const RELEASE = 'mutation ($id: ID!) { releaseStock(reservationId: $id) { id status } }';
  const reservation = () => randomBytes(12).toString('hex');
  const input = (reservationId = reservation(), quantity = 1) => ({ input: { reservationId, items: [{ productId: product, quantity }] } });
  const stock = async () => (await expectData(sg.url, 'query ($id: ID!) { product(id: $id) { stock } }', { id: product })).product.stock as number;

  it('are not in the public supergraph', async () => {
    const schema = await expectData(sg.url, '{ __schema { mutationType { fields { name } } types { name } } }');
    const mutations = schema.__schema.mutationType.fields.map((f: any) => f.name);
    expect(mutations).toEqual(expect.arrayContaining(['register', 'login', 'createProduct', 'placeOrder']));
    expect(mutations).not.toContain('reserveStock');
    expect(mutations).not.toContain('releaseStock');
    expect(schema.__schema.types.map((t: any) => t.name)).not.toContain('StockReservation');
    const asUser = await graphql(sg.url, RESERVE, input(), { token: seller.token });
    expect(asUser.data ?? null).toBeNull();
    expect(new Set(errorCodes(asUser))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    // The gateway does not know the service key at all.
    const asService = await graphql(sg.url, RESERVE, input(), { token: await serviceToken() });
    expect(asService.status).toBe(401);
    expect(errorCodes(asService)).toEqual(['UNAUTHENTICATED']);
  });

  it('take and give back stock for the orders service, called with its real service token on the products subgraph', async () => {
    // Without this, the refusals below could be refusals of every caller.
    const before = await stock();
    const id = reservation();
    const reserved = await graphql(sg.subgraphs.products, RESERVE, input(id, 2), { token: await serviceToken() });
    expect(reserved.errors).toBeUndefined();
    expect(reserved.data?.reserveStock).toEqual({ id, status: 'RESERVED', items: [{ productId: product, quantity: 2 }] });
    expect(await stock()).toBe(before - 2);
    const released = await graphql(sg.subgraphs.products, RELEASE, { id }, { token: await serviceToken() });
    expect(released.errors).toBeUndefined();
    expect(released.data?.releaseStock).toEqual({ id, status: 'RELEASED' });
    expect(await stock()).toBe(before);
  });

  it('refuse valid user tokens (a seller, a buyer, an ADMIN), anonymous callers and other services on the products subgraph itself', async () => {
    const before = await stock();
    const adminToken = (await expectData(sg.url, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', {
      e: sg.admin.email,
      p: sg.admin.password,
    })).login.accessToken;
    // A reservation the orders service really holds: a user must not be able to give it back either.
    const held = reservation();
    await expectData(sg.subgraphs.products, RESERVE, input(held), { token: await serviceToken() });
    expect(await stock()).toBe(before - 1);

    for (const token of [seller.token, alice.token, adminToken]) {
      const reserve = await graphql(sg.subgraphs.products, RESERVE, input(), { token });
      expect(errorCodes(reserve)).toEqual(['FORBIDDEN']);
      expect(reserve.data ?? null).toBeNull();
      const release = await graphql(sg.subgraphs.products, RELEASE, { id: held }, { token });
      expect(errorCodes(release)).toEqual(['FORBIDDEN']);
      expect(release.data ?? null).toBeNull();
    }
    // Signed with the trusted key, but naming a service that is not allowed to touch stock.
    expect(errorCodes(await graphql(sg.subgraphs.products, RESERVE, input(), { token: await serviceToken('payments') }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(sg.subgraphs.products, RESERVE, input()))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await graphql(sg.subgraphs.products, RELEASE, { id: held }))).toEqual(['UNAUTHENTICATED']);
    const forged = await graphql(sg.subgraphs.products, RESERVE, input(), { headers: { 'x-service': 'orders', 'x-user-id': seller.id } });
    expect(errorCodes(forged)).toEqual(['UNAUTHENTICATED']);
    expect(await stock()).toBe(before - 1);

    await expectData(sg.subgraphs.products, RELEASE, { id: held }, { token: await serviceToken() });
    expect(await stock()).toBe(before);
  });
});

describe('a service token cannot act as a user', () => {
  const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
  const newProduct = () => ({ input: { title: `Service-made ${randomBytes(3).toString('hex')}`, description: 'x', price: { amount: 1, currency: 'EUR' }, stock: 1 } });
  const ADJUST = 'mutation ($id: ID!) { adjustStock(id: $id, delta: 100) { stock } }';

  async function expectRefused(url: string, query: string, variables: Record<string, unknown>) {
    const result = await graphql(url, query, variables, { token: await serviceToken() });
    expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    expect(Object.values(result.data ?? {}).filter((value) => value !== null)).toEqual([]);
  }

  it('through the gateway: me, placeOrder, createProduct', async () => {
    await expectRefused(sg.url, ME, {});
    await expectRefused(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } });
    await expectRefused(sg.url, CREATE, newProduct());
  });

  it('directly on each subgraph: me on users, placeOrder and orders on orders, createProduct and adjustStock on products', async () => {
    const before = await expectData(sg.url, 'query ($id: ID!) { product(id: $id) { stock } }', { id: product });
    await expectRefused(sg.subgraphs.users, ME, {});
    await expectRefused(sg.subgraphs.orders, PLACE_ORDER, { input: { items: [{ productId: product, quantity: 1 }] } });
    await expectRefused(sg.subgraphs.orders, 'query ($id: ID!) { order(id: $id) { id } }', { id: aliceOrder });
    // Products trusts this key (for the stock operations), so here the rule itself is what refuses.
    await expectRefused(sg.subgraphs.products, CREATE, newProduct());
    await expectRefused(sg.subgraphs.products, ADJUST, { id: product });
    const after = await expectData(sg.url, 'query ($id: ID!) { product(id: $id) { stock } }', { id: product });
    expect(after).toEqual(before);
    const listed = await expectData(sg.url, '{ products(filter: { search: "service-made" }) { totalCount } }');
    expect(listed.products.totalCount).toBe(0);
  });
});
