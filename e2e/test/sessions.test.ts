// Sessions through the gateway: refresh tokens that rotate and are usable once, reuse that ends a
// session, logout, logoutEverywhere, the session list, and the gateway refusing tokens of ended
// sessions within its documented bound (REVOCATION_STALE_MS).
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { signAccessToken } from '@marketplace/auth';
import { errorCodes, expectData, graphql, type GraphQLResult } from '@marketplace/testing';
import { REVOCATION_STALE_MS } from '../../router/src/session-revocations.ts';
import { createProduct, login, placeOrder, register, uniqueEmail } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const PAYLOAD = 'accessToken expiresAt refreshToken refreshExpiresAt user { id }';
const LOGIN = `mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { ${PAYLOAD} } }`;
const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${PAYLOAD} } }`;
const REFRESH = `mutation ($t: String!) { refresh(refreshToken: $t) { ${PAYLOAD} } }`;
const LOGOUT = 'mutation ($t: String!) { logout(refreshToken: $t) }';
const ME = '{ me { id roles } }';
/** How long a test waits for the gateway to refuse a token of an ended session: the documented bound, plus one request. */
const BOUND_MS = REVOCATION_STALE_MS + 1_000;

interface Pair {
  accessToken: string;
  refreshToken: string;
  refreshExpiresAt: string;
  user: { id: string };
}

let sg: Supergraph;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
});
afterAll(() => sg?.stop());

async function newAccount(userAgent = 'sessions-test/1.0'): Promise<{ email: string; password: string; pair: Pair }> {
  const email = uniqueEmail('session');
  const password = `Pass-${new ObjectId().toHexString()}`;
  const data = await expectData(sg.url, REGISTER, { input: { email, password, name: 'Sessions' } }, { headers: { 'user-agent': userAgent } });
  return { email, password, pair: data.register };
}

const signIn = async (email: string, password: string, userAgent = 'sessions-test/1.0'): Promise<Pair> =>
  (await expectData(sg.url, LOGIN, { e: email, p: password }, { headers: { 'user-agent': userAgent } })).login;
const refresh = (refreshToken: string) => graphql(sg.url, REFRESH, { t: refreshToken });
const me = (token: string) => graphql(sg.url, ME, {}, { token });
const usersDb = () => sg.mongo.users.db(sg.databases.users);

/** The token works now, and stops working within the documented bound. */
async function expectRefusedWithinBound(token: string): Promise<void> {
  await vi.waitFor(async () => expect(errorCodes(await me(token))).toEqual(['UNAUTHENTICATED']), { timeout: BOUND_MS, interval: 100 });
}

function expectUnauthenticated(result: GraphQLResult) {
  expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
  expect(result.data ?? null).toBeNull();
}

describe('refresh tokens', () => {
  it('are 256 random bits, stored only as their hash, and last REFRESH_TOKEN_TTL (30 days)', async () => {
    const { pair } = await newAccount();
    expect(Buffer.from(pair.refreshToken, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(Date.parse(pair.refreshExpiresAt) - Date.now()).toBeGreaterThan(30 * 86_400_000 - 60_000);
    const hash = createHash('sha256').update(pair.refreshToken).digest('hex');
    const stored = await usersDb().collection('sessionTokens').find({ userId: new ObjectId(pair.user.id) }).toArray();
    expect(stored.map((t) => t._id)).toEqual([hash]);
    for (const name of ['sessions', 'sessionTokens', 'sessionTokenUses', 'sessionEnds', 'users']) {
      const everything = JSON.stringify(await usersDb().collection(name).find({}).toArray());
      expect(everything).not.toContain(pair.refreshToken);
    }
  });

  it('rotate: three refreshes each give a new pair, and every retired token is refused afterwards', async () => {
    const { pair } = await newAccount();
    const tokens = [pair.refreshToken];
    for (let i = 0; i < 3; i++) {
      const data = (await refresh(tokens.at(-1)!)).data?.refresh as Pair;
      expect(data.user.id).toBe(pair.user.id);
      expect(data.refreshToken).not.toBe(tokens.at(-1));
      expect((await me(data.accessToken)).data?.me.id).toBe(pair.user.id);
      tokens.push(data.refreshToken);
    }
    for (const retired of tokens.slice(0, -1)) expectUnauthenticated(await refresh(retired));
    // Those were refused within the race grace, so the session goes on with its newest token.
    expect((await refresh(tokens.at(-1)!)).data?.refresh.user.id).toBe(pair.user.id);
  });

  it('20 racing refreshes of one token: exactly one new pair, the others UNAUTHENTICATED, and the session goes on', async () => {
    const { pair } = await newAccount();
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(pair.refreshToken)));
    const won = results.filter((r) => r.data?.refresh);
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => !r.data?.refresh)) expectUnauthenticated(lost);
    const next = won[0]!.data!.refresh as Pair;
    expect((await me(next.accessToken)).data?.me.id).toBe(pair.user.id);
    expect((await me(pair.accessToken)).data?.me.id).toBe(pair.user.id);
    expect((await refresh(next.refreshToken)).data?.refresh.user.id).toBe(pair.user.id);
  });

  it('a retired token used again after the race grace ends the whole session: its newest refresh and access tokens too', async () => {
    const { pair } = await newAccount();
    const newest = (await refresh(pair.refreshToken)).data!.refresh as Pair;
    expect((await me(newest.accessToken)).data?.me.id).toBe(pair.user.id);
    await sleep(10_500);
    expectUnauthenticated(await refresh(pair.refreshToken));
    const end = await usersDb().collection('sessionEnds').findOne({ userId: new ObjectId(pair.user.id) });
    expect(end?.reason).toBe('refresh-token-reused');
    expectUnauthenticated(await refresh(newest.refreshToken));
    await expectRefusedWithinBound(newest.accessToken);
  }, 30_000);
});

describe('ending sessions', () => {
  it('logout ends that session: its access token is refused within the bound, its refresh token at once; another session goes on', async () => {
    const { email, password, pair } = await newAccount();
    const other = await signIn(email, password);
    expect(await expectData(sg.url, LOGOUT, { t: pair.refreshToken })).toEqual({ logout: true });
    const loggedOutAt = Date.now();
    expectUnauthenticated(await refresh(pair.refreshToken));
    await expectRefusedWithinBound(pair.accessToken);
    expect(Date.now() - loggedOutAt).toBeLessThanOrEqual(BOUND_MS);
    expect(await expectData(sg.url, LOGOUT, { t: pair.refreshToken })).toEqual({ logout: false });
    expect((await me(other.accessToken)).data?.me.id).toBe(pair.user.id);
    expect(await expectData(sg.url, LOGOUT, { t: 'not-a-token' })).toEqual({ logout: false });
  });

  it('logoutEverywhere ends every session of the caller, and no one else’s', async () => {
    const { email, password, pair } = await newAccount();
    const second = await signIn(email, password);
    const bystander = await newAccount();
    expect(await expectData(sg.url, 'mutation { logoutEverywhere }', {}, { token: second.accessToken })).toEqual({ logoutEverywhere: true });
    for (const ended of [pair, second]) {
      expectUnauthenticated(await refresh(ended.refreshToken));
      await expectRefusedWithinBound(ended.accessToken);
    }
    expect((await me(bystander.pair.accessToken)).data?.me.id).toBe(bystander.pair.user.id);
    expect(errorCodes(await graphql(sg.url, 'mutation { logoutEverywhere }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('sessions lists the live ones with their user agent; endSession ends one, and another user’s is NOT_FOUND', async () => {
    const { email, password, pair } = await newAccount('phone/2.0');
    const laptop = await signIn(email, password, 'laptop/3.1');
    const list = await expectData(sg.url, '{ sessions { id createdAt lastUsedAt userAgent } }', {}, { token: laptop.accessToken });
    expect(list.sessions.map((s: { userAgent: string }) => s.userAgent).sort()).toEqual(['laptop/3.1', 'phone/2.0']);
    const phone = list.sessions.find((s: { userAgent: string }) => s.userAgent === 'phone/2.0');
    const stranger = await newAccount();
    expect(errorCodes(await graphql(sg.url, 'mutation ($id: ID!) { endSession(id: $id) }', { id: phone.id }, { token: stranger.pair.accessToken }))).toEqual(['NOT_FOUND']);
    expect(await expectData(sg.url, 'mutation ($id: ID!) { endSession(id: $id) }', { id: phone.id }, { token: laptop.accessToken })).toEqual({ endSession: true });
    await expectRefusedWithinBound(pair.accessToken);
    const after = await expectData(sg.url, '{ sessions { userAgent } }', {}, { token: laptop.accessToken });
    expect(after.sessions).toEqual([{ userAgent: 'laptop/3.1' }]);
  });

  it('changePassword ends every other session of the user, not the current one', async () => {
    const { email, password, pair: current } = await newAccount();
    const elsewhere = await signIn(email, password);
    const change = 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    expect(await expectData(sg.url, change, { c: password, n: `${password}-new` }, { token: current.accessToken })).toEqual({ changePassword: true });
    expectUnauthenticated(await refresh(elsewhere.refreshToken));
    await expectRefusedWithinBound(elsewhere.accessToken);
    expect((await me(current.accessToken)).data?.me.id).toBe(current.user.id);
    expect((await refresh(current.refreshToken)).data?.refresh.user.id).toBe(current.user.id);
  });

  it('setRoles taking ADMIN away makes the old token lose ADMIN rights in the orders service within the bound', async () => {
    const admin = await signIn(sg.admin.email, sg.admin.password);
    const { email, password, pair } = await newAccount();
    await expectData(sg.url, 'mutation ($id: ID!) { setRoles(userId: $id, roles: [ADMIN]) { id } }', { id: pair.user.id }, { token: admin.accessToken });
    const deputy = await signIn(email, password);
    // Someone else's order, which only an ADMIN may read.
    const seller = await register(sg.url, 'SELLER');
    const buyer = await register(sg.url, 'BUYER');
    const product = await createProduct(sg.url, seller.token, { stock: 5 });
    const orderId = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 1 }]);
    const read = () => graphql(sg.url, 'query ($id: ID!) { order(id: $id) { id } }', { id: orderId }, { token: deputy.accessToken });
    expect((await read()).data?.order.id).toBe(orderId);

    await expectData(sg.url, 'mutation ($id: ID!) { setRoles(userId: $id, roles: [BUYER]) { id } }', { id: pair.user.id }, { token: admin.accessToken });
    await vi.waitFor(async () => expect(errorCodes(await read())).toEqual(['UNAUTHENTICATED']), { timeout: BOUND_MS, interval: 100 });
    const again = await signIn(email, password);
    expect((await me(again.accessToken)).data?.me.roles).toEqual(['BUYER']);
    expect(errorCodes(await graphql(sg.url, 'query ($id: ID!) { order(id: $id) { id } }', { id: orderId }, { token: again.accessToken }))).toEqual(['FORBIDDEN']);
  });

  it('the gateway refuses a validly signed access token that names no session', async () => {
    const { pair } = await newAccount();
    const { token } = await signAccessToken(sg.userSigner, { userId: pair.user.id, roles: ['BUYER'] });
    expectUnauthenticated(await me(token));
    expect((await me(pair.accessToken)).status).toBe(200);
  });
});

describe('signing in', () => {
  it('login answers with a refresh token too, and register starts a session of its own', async () => {
    const { email, password, pair } = await newAccount();
    const again = await signIn(email, password);
    expect(again.refreshToken).not.toBe(pair.refreshToken);
    const list = await expectData(sg.url, '{ sessions { id } }', {}, { token: again.accessToken });
    expect(list.sessions).toHaveLength(2);
    expect(await login(sg.url, email, password)).toMatch(/^v4\.public\./);
  });
});

describe('when the revocation view cannot be kept up to date', () => {
  it('signed-in requests are refused with SERVICE_UNAVAILABLE (503) rather than served on old knowledge; anonymous ones go on', async () => {
    const { pair } = await newAccount();
    const seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 1 });
    expect((await me(pair.accessToken)).status).toBe(200);
    await sg.stopService('users');
    const stoppedAt = Date.now();
    await vi.waitFor(
      async () => {
        const result = await graphql(sg.url, '{ me { id } }', {}, { token: pair.accessToken });
        expect(result.status).toBe(503);
        expect(errorCodes(result)).toEqual(['SERVICE_UNAVAILABLE']);
      },
      { timeout: BOUND_MS, interval: 100 },
    );
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(BOUND_MS);
    const anonymous = await graphql(sg.url, 'query ($id: ID!) { product(id: $id) { id } }', { id: product });
    expect(anonymous.data?.product.id).toBe(product);
    const ready = await fetch(new URL('/readyz', sg.url));
    expect(ready.status).toBe(503);
  });
});
