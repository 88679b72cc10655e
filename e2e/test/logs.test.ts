// No log line of any service carries a credential: tokens, cookies and passwords are redacted in
// what the services really write, through a sign-in, an authenticated query and an order whose
// stock call goes from orders to products with a service token.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createLogger } from '@marketplace/service-kit';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, login, PLACE_ORDER, register, stockOf, type Account } from '../harness/marketplace.ts';

/** Every line every service wrote, exactly as written. */
const written: string[] = [];
const lines = () => written.map((line) => JSON.parse(line) as Record<string, any>);
const SERVICES = ['router', 'users', 'products', 'orders'];
let sg: Supergraph;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      written.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), logger: createLogger('e2e', sink, { level: 'trace' }) });
});
afterAll(() => sg?.stop());

/** Access lines (pino-http's, one per request) of a service. */
const accessLines = (service: string) => lines().filter((line) => line.service === service && line.req && line.res);

describe('credentials in the logs', () => {
  const secrets: string[] = [];
  let buyer: Account;
  let seller: Account;
  let signedIn: string;
  const cookie = `session=${randomBytes(12).toString('hex')}`;

  it('writes access lines for a sign-in, an authenticated query and an order, with every credential redacted', async () => {
    buyer = await register(sg.url, 'BUYER');
    signedIn = await login(sg.url, buyer.email, buyer.password);
    const me = await expectData(sg.url, '{ me { id } }', {}, { token: signedIn, headers: { cookie, 'x-request-id': 'logs-me' } });
    expect(me.me.id).toBe(buyer.id);
    seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 3 });
    const beforeOrder = written.length;
    const order = { input: { items: [{ productId: product, quantity: 1 }] } };
    await expectData(sg.url, PLACE_ORDER, order, { token: signedIn, headers: { 'x-request-id': 'logs-order' } });
    expect(await stockOf(sg.url, product)).toBe(2);
    secrets.push(buyer.password, seller.password, buyer.token, seller.token, signedIn, cookie, sg.admin.password);
    // The signed part of each token, in case a line carried it without its prefix.
    for (const token of [buyer.token, seller.token, signedIn]) secrets.push(token.split('.')[2]!);

    await vi.waitFor(() => {
      for (const service of SERVICES) expect(accessLines(service).length, service).toBeGreaterThan(0);
    });
    expectNoSecrets(secrets);
    // The headers were there, and were redacted: the gateway's and every subgraph's view of the caller's request.
    const meLines = lines().filter((line) => line.req?.id === 'logs-me');
    expect(new Set(meLines.map((line) => line.service))).toEqual(new Set(['router', 'users']));
    expect(meLines.find((line) => line.service === 'router')!.req.headers).toMatchObject({ authorization: '[Redacted]', cookie: '[Redacted]' });
    expect(meLines.find((line) => line.service === 'users')!.req.headers).toMatchObject({ authorization: '[Redacted]' });
    // The gateway sent the order to orders only; orders' stock call to products carried its service token, redacted too.
    await vi.waitFor(() => {
      const orderLines = written.slice(beforeOrder).map((line) => JSON.parse(line) as Record<string, any>);
      const ordersLine = orderLines.find((line) => line.service === 'orders' && line.req?.id === 'logs-order');
      expect(ordersLine?.req.headers).toMatchObject({ authorization: '[Redacted]' });
      const stockCall = orderLines.find((line) => line.service === 'products' && line.req?.method === 'POST');
      expect(stockCall?.req.headers).toMatchObject({ authorization: '[Redacted]' });
    });
  });

  it('redacts a cookie sent straight to a subgraph and the password of a sign-in sent as a GET', async () => {
    const direct = await graphql(sg.subgraphs.users, '{ me { id } }', {}, { token: signedIn, headers: { cookie, 'x-request-id': 'logs-direct' } });
    expect(direct.data).toEqual({ me: { id: buyer.id } });
    const search = new URLSearchParams({
      query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      variables: JSON.stringify({ e: buyer.email, p: buyer.password }),
    });
    const get = await fetch(`${sg.url}?${search}`, { headers: { 'apollo-require-preflight': 'true', 'x-request-id': 'logs-get' } });
    expect(get.ok).toBe(false);

    await vi.waitFor(() => {
      expect(lines().some((line) => line.req?.id === 'logs-direct' && line.service === 'users')).toBe(true);
      expect(lines().find((line) => line.req?.id === 'logs-get' && line.service === 'router')?.req.url).toMatch(/variables=\[Redacted\]/);
    });
    expectNoSecrets(secrets);
  });

  it('writes no refresh token: not from register, refresh, a refused reuse, a refresh sent as a GET, or logout', async () => {
    const pair = async (query: string, variables: Record<string, unknown>) => Object.values(await expectData(sg.url, query, variables))[0] as { accessToken: string; refreshToken: string };
    const payload = 'accessToken refreshToken';
    const first = await pair(`mutation ($i: RegisterInput!) { register(input: $i) { ${payload} } }`, { i: { email: `logs-${randomBytes(4).toString('hex')}@example.com`, password: 'Logs-pass-123', name: 'Logs' } });
    const second = await pair(`mutation ($t: String!) { refresh(refreshToken: $t) { ${payload} } }`, { t: first.refreshToken });
    // A reuse, refused; and one sent in a URL.
    expect((await graphql(sg.url, `mutation ($t: String!) { refresh(refreshToken: $t) { ${payload} } }`, { t: first.refreshToken })).errors).toBeDefined();
    const search = new URLSearchParams({ query: 'mutation ($t: String!) { logout(refreshToken: $t) }', variables: JSON.stringify({ t: second.refreshToken }) });
    expect((await fetch(`${sg.url}?${search}`, { headers: { 'apollo-require-preflight': 'true', 'x-request-id': 'logs-refresh-get' } })).ok).toBe(false);
    expect(await expectData(sg.url, 'mutation ($t: String!) { logout(refreshToken: $t) }', { t: second.refreshToken })).toEqual({ logout: true });
    secrets.push(first.refreshToken, second.refreshToken, first.accessToken, second.accessToken);
    await vi.waitFor(() => expect(lines().some((line) => line.req?.id === 'logs-refresh-get' && line.service === 'router')).toBe(true));
    expectNoSecrets(secrets);
  });
});

function expectNoSecrets(secrets: string[]) {
  expect(written.length).toBeGreaterThan(0);
  expect(secrets.every((secret) => secret.length >= 8)).toBe(true);
  for (const [index, line] of written.entries()) {
    for (const secret of [...secrets, 'Bearer ', 'v4.public.']) {
      expect(line.includes(secret), `log line ${index} contains ${JSON.stringify(secret)}: ${line}`).toBe(false);
    }
  }
}
