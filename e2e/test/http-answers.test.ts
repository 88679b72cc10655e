// The HTTP answers that come before GraphQL: a body over 1 MiB is 413, a body that is not JSON is
// 400, a path other than /graphql is 404; each with a JSON error body and no stack trace, at the
// gateway and at a subgraph alike.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const MIB = 1024 * 1024;

let sg: Supergraph;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
});
afterAll(() => sg?.stop());

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * One request on its own connection. A pooled client (fetch) would reuse the connection a 413 was
 * answered on, which the services do not serve again (see the last test below).
 */
function send(url: string, method: 'GET' | 'POST', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { method, headers, agent: false, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
const post = (url: string, body: string) => send(url, 'POST', body);
const get = (url: string) => send(url, 'GET');

/** Sends a 3 MiB request and then a small one on the same kept-alive connection; what the second got within `ms`. */
function afterTooLarge(url: string, ms: number): Promise<'served' | 'closed' | 'no answer'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const big = requestOfSize(3 * MIB);
    const small = requestOfSize(100);
    const head = (length: number) => `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    let received = '';
    let sentSecond = false;
    const done = (outcome: 'served' | 'closed' | 'no answer') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('no answer'), ms);
    socket.on('data', (chunk) => {
      received += chunk;
      if (!sentSecond && received.includes('request body too large')) {
        sentSecond = true;
        received = '';
        socket.write(head(small.length) + small);
      } else if (sentSecond && /^HTTP\/1\.1 200 /.test(received)) done('served');
    });
    socket.on('close', () => done('closed'));
    socket.on('error', () => done('closed'));
    socket.write(head(big.length) + big);
  });
}

/** A valid GraphQL request of exactly `bytes` bytes, padded with an unused variable. */
function requestOfSize(bytes: number): string {
  const empty = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
  const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(bytes - empty.length) } });
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

/** A JSON body of `{ errors: [{ message }] }` that names the problem and carries no stack trace, file path or internals. */
function expectJsonError(answer: Answer, status: number, message: RegExp) {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text);
  expect(body).toEqual({ errors: [{ message: expect.stringMatching(message) }] });
  expect(answer.text).not.toMatch(/stack|\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|node_modules|node:internal|Error:/i);
}

describe.each([
  ['the gateway', () => sg.url],
  ['the products subgraph', () => sg.subgraphs.products],
  ['the users subgraph', () => sg.subgraphs.users],
])('%s', (_name, url) => {

  it('takes a body of exactly 1 MiB', async () => {
    const answer = await post(url(), requestOfSize(MIB));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).data.__typename).toBe('Query');
  });

  it('answers a body over 1 MiB with 413', async () => {
    expectJsonError(await post(url(), requestOfSize(MIB + 1)), 413, /too large/);
    expectJsonError(await post(url(), requestOfSize(3 * MIB)), 413, /too large/);
    // And serves the next request as usual.
    expect((await post(url(), requestOfSize(1000))).status).toBe(200);
  });

  it('answers malformed JSON with 400', async () => {
    for (const body of ['{"query": "{ __typename }"', '{query: 1}', 'not json at all', '{"query": "{ __typename }"}}']) {
      expectJsonError(await post(url(), body), 400, /not valid JSON/);
    }
  });

  // The rest of a refused body is never read, so the service must close that connection rather
  // than keep it alive and leave the client's next request on it hanging.
  it('after a 413, closes the connection or serves the next request on it', async () => {
    expect(await afterTooLarge(url(), 2000)).not.toBe('no answer');
  });

  it('answers an unknown path with 404, whatever the method', async () => {
    const base = new URL(url());
    for (const path of ['/nope', '/graphql/extra', '/graphqlx', '/.env', '/admin?x=1']) {
      const target = new URL(path, base).toString();
      expectJsonError(await get(target), 404, /not found/);
      expectJsonError(await post(target, requestOfSize(100)), 404, /not found/);
    }
  });
});
