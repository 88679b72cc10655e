// Accounts after sign-up: profiles, passwords, the ADMIN's user list and role changes.
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { createProduct, login, register, uniqueEmail, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

let sg: Supergraph;
let admin: string;
let alice: Account;
let bob: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [alice, bob] = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'BUYER')]);
  admin = await login(sg.url, sg.admin.email, sg.admin.password);
});
afterAll(() => sg?.stop());

const UPDATE = 'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id name email } }';
const CHANGE_PASSWORD = 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
const SET_ROLES = 'mutation ($id: ID!, $roles: [Role!]!) { setRoles(userId: $id, roles: $roles) { id roles } }';
const USERS = `query ($first: Int, $after: String, $role: Role) {
  users(first: $first, after: $after, role: $role) { totalCount edges { cursor node { id email roles } } pageInfo { hasNextPage endCursor } }
}`;

const users = () => sg.mongo.users.db(sg.databases.users).collection('users');
const stored = (id: string) => users().findOne({ _id: new ObjectId(id) });

/** Runs a request that must fail with `code` and leave the user's stored document as it was. */
async function expectRefused(code: string, userId: string, query: string, variables: Record<string, unknown>, token?: string) {
  const before = await stored(userId);
  const result = await graphql(sg.url, query, variables, token ? { token } : {});
  expect(errorCodes(result)).toEqual([code]);
  expect(result.data ?? null).toBeNull();
  expect(await stored(userId)).toEqual(before);
  return result;
}

describe('updateProfile', () => {
  it("changes the caller's own name and email, stored in lower case", async () => {
    const email = uniqueEmail('Alice-New').toUpperCase();
    const data = await expectData(sg.url, UPDATE, { input: { name: '  Alice   Liddell ', email } }, { token: alice.token });
    expect(data.updateProfile).toEqual({ id: alice.id, name: 'Alice Liddell', email: email.toLowerCase() });
    expect((await stored(alice.id))?.email).toBe(email.toLowerCase());
    const renamed = await expectData(sg.url, UPDATE, { input: { name: 'Alice' } }, { token: alice.token });
    expect(renamed.updateProfile.email).toBe(email.toLowerCase());
    expect(errorCodes(await graphql(sg.url, 'mutation ($e: String!) { login(email: $e, password: "x") { accessToken } }', { e: alice.email }))).toEqual(['UNAUTHENTICATED']);
    alice = { ...alice, email: email.toLowerCase(), token: await login(sg.url, email, alice.password) };
  });

  it('refuses anonymous callers', async () => {
    expect(errorCodes(await graphql(sg.url, UPDATE, { input: { name: 'Nobody' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['a blank name', { name: '   ' }, /name must not be blank/],
    ['an invalid email', { email: 'not-an-email' }, /email must be a valid email address/],
    ['nothing to change', {}, /a name, an email or both/],
    ['a valid name with an invalid email', { name: 'Changed', email: 'a@' }, /valid email/],
  ])('refuses %s and changes nothing', async (_name, input, message) => {
    const result = await expectRefused('BAD_USER_INPUT', alice.id, UPDATE, { input }, alice.token);
    expect(result.errors?.[0]?.message).toMatch(message);
  });

  it("refuses another account's email with CONFLICT, whatever its case", async () => {
    await expectRefused('CONFLICT', alice.id, UPDATE, { input: { name: 'Twin', email: bob.email.toUpperCase() } }, alice.token);
  });
});

describe('changePassword', () => {
  it('lets the caller sign in with the new password only', async () => {
    const next = 'Brand-new-pass-7';
    expect((await expectData(sg.url, CHANGE_PASSWORD, { c: bob.password, n: next }, { token: bob.token })).changePassword).toBe(true);
    const old = await graphql(sg.url, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }', { e: bob.email, p: bob.password });
    expect(errorCodes(old)).toEqual(['UNAUTHENTICATED']);
    bob = { ...bob, password: next, token: await login(sg.url, bob.email, next) };
  });

  it('refuses anonymous callers', async () => {
    expect(errorCodes(await graphql(sg.url, CHANGE_PASSWORD, { c: bob.password, n: 'Another-pass-8' }))).toEqual(['UNAUTHENTICATED']);
  });

  it.each([
    ['a wrong current password', () => ({ c: 'Wrong-password-1', n: 'Another-pass-8' }), /currentPassword is wrong/],
    ['a weak new password', () => ({ c: bob.password, n: 'short1' }), /newPassword is too weak/],
    ['the same password again', () => ({ c: bob.password, n: bob.password }), /must differ/],
  ])('refuses %s with BAD_USER_INPUT and changes nothing', async (_name, variables, message) => {
    const result = await expectRefused('BAD_USER_INPUT', bob.id, CHANGE_PASSWORD, variables(), bob.token);
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await login(sg.url, bob.email, bob.password)).toBeTruthy();
  });
});

describe('setRoles', () => {
  it('lets the first ADMIN from the environment promote a buyer, whose next token can sell', async () => {
    const carol = await register(sg.url, 'BUYER');
    const data = await expectData(sg.url, SET_ROLES, { id: carol.id, roles: ['SELLER', 'BUYER', 'SELLER'] }, { token: admin });
    expect(data.setRoles).toEqual({ id: carol.id, roles: ['BUYER', 'SELLER'] });
    const stale = await graphql(sg.url, 'mutation { createProduct(input: { title: "x", description: "y", price: { amount: 1, currency: "EUR" }, stock: 1 }) { id } }', {}, { token: carol.token });
    expect(errorCodes(stale)).toEqual(['FORBIDDEN']);
    const fresh = await login(sg.url, carol.email, carol.password);
    expect(await createProduct(sg.url, fresh, { stock: 2 })).toMatch(/^[0-9a-f]{24}$/);
  });

  it('refuses buyers and anonymous callers', async () => {
    await expectRefused('FORBIDDEN', alice.id, SET_ROLES, { id: alice.id, roles: ['ADMIN'] }, alice.token);
    await expectRefused('UNAUTHENTICATED', alice.id, SET_ROLES, { id: alice.id, roles: ['ADMIN'] });
  });

  it('refuses empty roles, a malformed id, an unknown user and an ADMIN removing their own ADMIN', async () => {
    await expectRefused('BAD_USER_INPUT', alice.id, SET_ROLES, { id: alice.id, roles: [] }, admin);
    const count = await users().countDocuments();
    expect(errorCodes(await graphql(sg.url, SET_ROLES, { id: 'not-an-id', roles: ['SELLER'] }, { token: admin }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await graphql(sg.url, SET_ROLES, { id: new ObjectId().toHexString(), roles: ['SELLER'] }, { token: admin }))).toEqual(['NOT_FOUND']);
    expect(await users().countDocuments()).toBe(count);
    const adminId = (await users().findOne({ email: sg.admin.email }))!._id.toHexString();
    await expectRefused('BAD_USER_INPUT', adminId, SET_ROLES, { id: adminId, roles: ['BUYER'] }, admin);
  });

  it("stops a demoted ADMIN's token, which still says ADMIN, from managing accounts", async () => {
    const dana = await register(sg.url, 'BUYER');
    await expectData(sg.url, SET_ROLES, { id: dana.id, roles: ['ADMIN'] }, { token: admin });
    const danaAdmin = await login(sg.url, dana.email, dana.password);
    expect((await expectData(sg.url, USERS, { first: 1 }, { token: danaAdmin })).users.edges).toHaveLength(1);
    await expectData(sg.url, SET_ROLES, { id: dana.id, roles: ['BUYER'] }, { token: admin });
    expect(errorCodes(await graphql(sg.url, USERS, { first: 1 }, { token: danaAdmin }))).toEqual(['FORBIDDEN']);
    await expectRefused('FORBIDDEN', dana.id, SET_ROLES, { id: dana.id, roles: ['ADMIN'] }, danaAdmin);
  });
});

interface UsersPage {
  totalCount: number;
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

describe('users', () => {
  const all = async (variables: Record<string, unknown>) => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: UsersPage = (await expectData(sg.url, USERS, { ...variables, after }, { token: admin })).users;
      ids.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) return { ids, totalCount: page.totalCount };
      after = page.pageInfo.endCursor;
    }
  };
  const newestFirst = async (filter: object) =>
    (await users().find(filter).sort({ createdAt: -1, _id: -1 }).toArray()).map((doc) => doc._id.toHexString());

  it('refuses buyers and anonymous callers', async () => {
    expect(errorCodes(await graphql(sg.url, USERS, {}, { token: alice.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(sg.url, USERS, {}))).toEqual(['UNAUTHENTICATED']);
  });

  it('pages through every user newest first, and by role', async () => {
    await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
    const everyone = await all({ first: 2 });
    expect(everyone.ids).toEqual(await newestFirst({}));
    expect(everyone.totalCount).toBe(everyone.ids.length);
    const sellers = await all({ first: 1, role: 'SELLER' });
    expect(sellers.ids).toEqual(await newestFirst({ roles: 'SELLER' }));
    expect(sellers.totalCount).toBe(sellers.ids.length);
    expect(sellers.ids.length).toBeGreaterThanOrEqual(3);
    const admins = await expectData(sg.url, USERS, { role: 'ADMIN' }, { token: admin });
    expect(admins.users.edges.map((edge: { node: { email: string } }) => edge.node.email)).toEqual([sg.admin.email]);
  });

  it('serves 20 by default and at most 100, and refuses a bad page size or cursor', async () => {
    const now = Date.now();
    await users().insertMany(Array.from({ length: 101 }, (_, i) => ({ email: uniqueEmail(`bulk${i}`), name: 'Bulk', roles: ['BUYER'], passwordHash: 'x', createdAt: new Date(now - i) })));
    expect((await expectData(sg.url, USERS, {}, { token: admin })).users.edges).toHaveLength(20);
    const capped = (await expectData(sg.url, USERS, { first: 500 }, { token: admin })).users;
    expect(capped.edges).toHaveLength(100);
    expect(capped.pageInfo.hasNextPage).toBe(true);
    expect(errorCodes(await graphql(sg.url, USERS, { first: -1 }, { token: admin }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await graphql(sg.url, USERS, { after: 'garbage' }, { token: admin }))).toEqual(['BAD_USER_INPUT']);
  });
});
