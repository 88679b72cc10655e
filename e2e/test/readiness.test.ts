// Health and readiness as Kubernetes probes see them: alive while running, ready only when the
// database (or, for the router, every subgraph) answers.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generatePaserkKeyPair, importKeyRing, importSigningKey } from '@marketplace/auth';
import { connectMongo, createLogger } from '@marketplace/service-kit';
import { startDatabase } from '@marketplace/testing';
import { startUsersService } from '@marketplace/users';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const status = (url: string, path: string) => fetch(new URL(path, url)).then((r) => r.status, () => 'refused');

async function eventually(check: () => Promise<unknown>, expected: unknown, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if ((await check()) === expected) return;
    if (Date.now() > until) throw new Error(`still not ${String(expected)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the router', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  });
  afterAll(() => sg?.stop());

  it('is ready while every subgraph is, and not ready when one is gone, while staying alive', async () => {
    for (const url of [sg.url, ...Object.values(sg.subgraphs)]) {
      expect(await status(url, '/healthz')).toBe(200);
      expect(await status(url, '/readyz')).toBe(200);
    }
    await sg.stopService('products');
    expect(await status(sg.url, '/readyz')).toBe(503);
    expect(await status(sg.url, '/healthz')).toBe(200);
  });
});

describe('a subgraph', () => {
  it('is not ready while its database does not answer, and alive all the same', async () => {
    const previous = process.env.MARKETPLACE_DB;
    process.env.MARKETPLACE_DB = 'ferretdb';
    const own = await startDatabase({ log: () => {} }).finally(() => {
      process.env.MARKETPLACE_DB = previous;
    });
    const pair = await generatePaserkKeyPair();
    const mongo = await connectMongo(own.uri, { appName: 'readiness' });
    const server = await startUsersService({
      mongo,
      database: 'readiness',
      keys: { users: await importKeyRing(pair.publicKey) },
      signer: await importSigningKey(pair.secretKey),
      tokenTtlSeconds: 900,
      host: '127.0.0.1',
      port: 0,
      production: true,
      logger: createLogger('readiness'),
    });
    try {
      expect(await status(server.url, '/readyz')).toBe(200);
      await own.stop();
      await eventually(() => status(server.url, '/readyz'), 503);
      expect(await status(server.url, '/healthz')).toBe(200);
    } finally {
      await server.stop();
      await mongo.close(true).catch(() => undefined);
      await own.stop();
    }
  }, 60_000);
});
