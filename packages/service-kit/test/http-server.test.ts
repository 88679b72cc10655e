// The GraphQL handler over a real node:http server on loopback: request ids and access lines, with
// access lines on (info) and off (a level above it).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from '../src/http-server.ts';
import { createLogger } from '../src/logger.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: Server | undefined;
let apollo: ApolloServer<{ requestId: unknown }> | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await apollo?.stop();
  server = undefined;
  apollo = undefined;
  vi.restoreAllMocks();
});

/** A handler whose context is the request id as the request carried it; the lines logged, parsed. */
async function serve(level: 'info' | 'warn') {
  const lines: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  apollo = new ApolloServer<{ requestId: unknown }>({
    typeDefs: 'type Query { requestId: String }',
    resolvers: { Query: { requestId: (_parent: unknown, _args: unknown, context: { requestId: unknown }) => context.requestId } },
  });
  await apollo.start();
  const logger = createLogger('test', sink, { level });
  const handler = createHttpHandler({
    apollo,
    logger,
    context: async (req: IncomingMessage) => ({ requestId: req.id }),
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  const ask = async (headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ requestId }"}' });
    const body = (await response.json()) as { data: { requestId: string | null } };
    return { header: response.headers.get('x-request-id'), seen: body.data.requestId };
  };
  /** Counts the loggers made from here on (every pino logger's child() is its prototype's). */
  const countChildren = () => vi.spyOn(Object.getPrototypeOf(logger) as { child: typeof logger.child }, 'child');
  return { ask, lines, countChildren };
}

describe('request ids and access lines', () => {
  for (const level of ['info', 'warn'] as const) {
    it(`at ${level}: answers with the caller's id, or a fresh UUID, and the request carries the same`, async () => {
      const { ask } = await serve(level);
      expect(await ask({ 'x-request-id': 'trace-7' })).toEqual({ header: 'trace-7', seen: 'trace-7' });
      const made = await ask({ 'x-request-id': 'not a sane id' });
      expect(made.header).toMatch(UUID);
      expect(made.seen).toBe(made.header);
      const other = await ask();
      expect(other.header).toMatch(UUID);
      expect(other.header).not.toBe(made.header);
    });
  }

  it('writes one access line per request at info, with its id and no credentials', async () => {
    const { ask, lines, countChildren } = await serve('info');
    const children = countChildren();
    await ask({ 'x-request-id': 'trace-8', authorization: 'Bearer v4.public.secret' });
    await expect.poll(() => lines.filter((line) => line.req?.id === 'trace-8')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('v4.public.secret');
    expect(children).toHaveBeenCalled();
  });

  it('writes none above info, and makes no logger for a request', async () => {
    const { ask, lines, countChildren } = await serve('warn');
    const children = countChildren();
    await ask({ 'x-request-id': 'trace-9' });
    await ask();
    expect(lines).toEqual([]);
    expect(children).not.toHaveBeenCalled();
  });
});
