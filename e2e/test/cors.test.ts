// CORS for browser frontends and CSRF prevention at the router, as a browser would meet them.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const SHOP = 'https://shop.example.com';
const QUERY = JSON.stringify({ query: '{ products(first: 1) { totalCount } }' });

function preflight(url: string, origin: string, headers = 'content-type, authorization') {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });
}

const post = (url: string, origin: string) =>
  fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: QUERY });

describe('CORS with CORS_ORIGINS set', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri'), router: { corsOrigins: [SHOP, 'https://*.admin.example.com'] } });
  });
  afterAll(() => sg?.stop());

  it('answers a preflight from an allowed origin with 204 and the methods, headers and max age clients need', async () => {
    const headers = 'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version, x-request-id';
    const response = await preflight(sg.url, SHOP, headers);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-allow-methods')?.split(',').map((m) => m.trim())).toEqual(['GET', 'POST', 'OPTIONS']);
    const allowed = response.headers.get('access-control-allow-headers')?.split(',').map((h) => h.trim());
    expect(allowed).toEqual(headers.split(', '));
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('marks the actual request from an allowed origin, never with a wildcard', async () => {
    const response = await post(sg.url, SHOP);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(response.headers.get('vary')).toMatch(/Origin/);
    expect(((await response.json()) as { data: unknown }).data).toEqual({ products: { totalCount: 0 } });
    const sub = await post(sg.url, 'https://eu.admin.example.com');
    expect(sub.headers.get('access-control-allow-origin')).toBe('https://eu.admin.example.com');
  });

  it('gives an unknown origin no CORS headers, on the preflight or the request', async () => {
    for (const origin of ['https://evil.example.net', 'https://shop.example.com.evil.net', 'http://shop.example.com', 'https://admin.example.com']) {
      const pre = await preflight(sg.url, origin);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(pre.headers.get('access-control-allow-methods'), origin).toBeNull();
      const actual = await post(sg.url, origin);
      expect(actual.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('still refuses a simple cross-site text/plain POST (CSRF prevention) without running it', async () => {
    const before = await post(sg.url, SHOP);
    const count = ((await before.json()) as { data: { products: { totalCount: number } } }).data.products.totalCount;
    const response = await fetch(sg.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example.net', 'content-type': 'text/plain' },
      body: JSON.stringify({ query: 'mutation { register(input: { email: "csrf@example.com", password: "Password-12345", name: "x" }) { accessToken } }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
    const users = await sg.mongo.users.db(sg.databases.users).collection('users').countDocuments({ email: 'csrf@example.com' });
    expect(users).toBe(0);
    expect(count).toBe(0);
  });
});

describe('CORS defaults', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  });
  afterAll(() => sg?.stop());

  it('in development, allow local frontends on any port and nothing else', async () => {
    expect((await preflight(sg.url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect((await preflight(sg.url, 'http://127.0.0.1:3000')).headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
    expect((await preflight(sg.url, SHOP)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('in production, allow no cross origin until configured', async () => {
    const url = await sg.startRouter({ production: true });
    expect((await preflight(url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await post(url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
