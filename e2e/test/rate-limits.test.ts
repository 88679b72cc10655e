// Per-client rate limits at the router: one allowance per signed-in user, one per client address.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphql } from '@marketplace/testing';
import { register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const QUERY = '{ products(first: 1) { totalCount } }';

describe('rate limits at the router', () => {
  let sg: Supergraph;
  let buyer: Account;
  let other: Account;

  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri') });
    buyer = await register(sg.url, 'BUYER');
    other = await register(sg.url, 'BUYER');
  });
  afterAll(() => sg?.stop());

  /** A router of its own (its own buckets) over the running subgraphs. */
  const router = (options: Parameters<Supergraph['startRouter']>[0]) => sg.startRouter(options);

  async function send(url: string, options: { token?: string; forwardedFor?: string } = {}) {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.forwardedFor ? { 'x-forwarded-for': options.forwardedFor } : {}),
      },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] } };
  }

  it('refuses a burst above the anonymous limit with 429, Retry-After and RATE_LIMITED', async () => {
    const url = await router({ rateLimits: { anonymousPerMinute: 5, userPerMinute: 100 } });
    const statuses = [];
    for (let i = 0; i < 8; i += 1) statuses.push((await send(url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = await send(url);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: Number(refused.retryAfter) });
    expect(refused.body.errors?.[0]?.message).toMatch(/Too many requests/);
  });

  it('keeps a client that makes up X-Forwarded-For from an untrusted peer in its own bucket', async () => {
    const url = await router({ rateLimits: { anonymousPerMinute: 3, userPerMinute: 100 } });
    for (let i = 0; i < 3; i += 1) expect((await send(url)).status).toBe(200);
    for (const forwardedFor of ['203.0.113.7', '198.51.100.1, 203.0.113.8', '127.0.0.2']) {
      expect((await send(url, { forwardedFor })).status, forwardedFor).toBe(429);
    }
  });

  it('behind a trusted proxy, counts the right-most untrusted X-Forwarded-For address, whatever else the client adds', async () => {
    const url = await router({ rateLimits: { anonymousPerMinute: 2, userPerMinute: 100 }, trustedProxies: ['127.0.0.1'] });
    expect((await send(url, { forwardedFor: '203.0.113.7' })).status).toBe(200);
    expect((await send(url, { forwardedFor: '203.0.113.7' })).status).toBe(200);
    expect((await send(url, { forwardedFor: '203.0.113.7' })).status).toBe(429);
    // A made-up entry on the left changes nothing: the proxy appended the real address last.
    expect((await send(url, { forwardedFor: '192.0.2.55, 203.0.113.7' })).status).toBe(429);
    // Another client behind the same proxy has its own allowance.
    expect((await send(url, { forwardedFor: '203.0.113.9' })).status).toBe(200);
  });

  it('gives each signed-in user an allowance of their own, apart from the address', async () => {
    const url = await router({ rateLimits: { anonymousPerMinute: 2, userPerMinute: 4 } });
    expect((await send(url)).status).toBe(200);
    expect((await send(url)).status).toBe(200);
    expect((await send(url)).status).toBe(429);
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await send(url, { token: buyer.token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await send(url, { token: buyer.token });
    expect(refused.body.errors?.[0]?.message).toMatch(/account/);
    expect((await send(url, { token: other.token })).status).toBe(200);
    // A token that fails verification is counted against its address, which is used up.
    expect((await send(url, { token: `${buyer.token}x` })).status).toBe(429);
  });

  it('turns a limit off with 0', async () => {
    const url = await router({ rateLimits: { anonymousPerMinute: 0, userPerMinute: 0 } });
    const results = await Promise.all(Array.from({ length: 30 }, () => graphql(url, QUERY)));
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 200));
  });
});
