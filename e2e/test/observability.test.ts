// One request id follows a request from the gateway through every subgraph it touches, in the logs.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { expectData } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, register } from '../harness/marketplace.ts';

const lines: Record<string, any>[] = [];
let sg: Supergraph;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), logger: pino({ level: 'info' }, sink) });
});
afterAll(() => sg?.stop());

describe('request ids and structured logs', () => {
  it('passes the caller\'s x-request-id to every subgraph and logs it as JSON', async () => {
    const seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 1 });
    lines.length = 0;
    const response = await fetch(sg.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: `{ product(id: "${product}") { title seller { name } } }` }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-42');
    expect(((await response.json()) as any).data.product.seller.name).toBeTruthy();
    const services = new Set(lines.filter((l) => l.req?.id === 'trace-42').map((l) => l.service));
    expect(services).toEqual(new Set(['router', 'products', 'users']));
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(Number) });
  });

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  /** Sends a query touching products and users, with `headers`; the id it was answered with, and the services that logged it. */
  async function traced(product: string, headers: Record<string, string>) {
    lines.length = 0;
    const response = await fetch(sg.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: `{ product(id: "${product}") { title seller { name } } }` }),
    });
    expect(((await response.json()) as any).data.product.seller.name).toBeTruthy();
    const id = response.headers.get('x-request-id');
    // Every service has logged its access line once the answer is back.
    await vi.waitFor(() => expect(new Set(lines.filter((l) => l.req?.id === id).map((l) => l.service))).toEqual(new Set(['router', 'products', 'users'])));
    return { id, ids: new Set(lines.map((l) => l.req?.id).filter(Boolean)) };
  }

  it('makes up a fresh UUID when no x-request-id is given, and passes it to every subgraph', async () => {
    const seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 1 });
    const first = await traced(product, {});
    expect(first.id).toMatch(UUID);
    // One id for the whole request: the subgraphs logged no other.
    expect(first.ids).toEqual(new Set([first.id]));
    const second = await traced(product, {});
    expect(second.id).toMatch(UUID);
    expect(second.id).not.toBe(first.id);
  });

  it('replaces a malformed x-request-id with a fresh UUID, the same one at every subgraph', async () => {
    const seller = await register(sg.url, 'SELLER');
    const product = await createProduct(sg.url, seller.token, { stock: 1 });
    const ids = new Set<string>();
    for (const bad of ['bad id with spaces', 'x'.repeat(129), 'semi;colon']) {
      const { id, ids: logged } = await traced(product, { 'x-request-id': bad });
      expect(id).toMatch(UUID);
      expect(logged).toEqual(new Set([id]));
      expect(lines.filter((l) => l.req?.id === bad)).toEqual([]);
      ids.add(id!);
    }
    expect(ids.size).toBe(3);
    expect(await expectData(sg.url, '{ me { id } }')).toEqual({ me: null });
  });

  it('each subgraph makes up its own when called directly without one', async () => {
    const answers = await Promise.all(
      Object.values(sg.subgraphs).map((url) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })),
    );
    const ids = answers.map((answer) => answer.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
