// Health and readiness as Kubernetes probes see them: alive while running, ready only when the
// database (or, for the router, every subgraph) answers. The subgraph test stops a database, so it
// starts one of its own (mongod or FerretDB) even where MONGODB_URI names a shared server.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generatePaserkKeyPair, importKeyRing, importSigningKey } from '@marketplace/auth';
import { connectMongo, createLogger } from '@marketplace/service-kit';
import { startOwnDatabase, type OwnDatabaseHandle } from '@marketplace/testing';
import { startUsersService } from '@marketplace/users';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const status = (url: string, path: string) => fetch(new URL(path, url)).then((r) => r.status, () => 'refused');

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
  let own: OwnDatabaseHandle;
  // In a hook: a first mongod download (with a slow connection) may take longer than a test.
  beforeAll(async () => {
    own = await startOwnDatabase();
  });
  afterAll(() => own?.stop());

  it('is not ready while its database does not answer, and alive all the same', async () => {
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
      await expect.poll(() => status(server.url, '/readyz'), { timeout: 15_000, interval: 100 }).toBe(503);
      expect(await status(server.url, '/healthz')).toBe(200);
    } finally {
      await server.stop();
      await mongo.close(true).catch(() => undefined);
    }
  }, 60_000);
});
