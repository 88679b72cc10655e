// One request id follows a request from the gateway through every subgraph it touches, in the logs.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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

  it('makes up an id when none (or a malformed one) is given', async () => {
    const response = await fetch(sg.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await expectData(sg.url, '{ me { id } }')).toEqual({ me: null });
  });
});
