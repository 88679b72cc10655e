// Exercises the local database launcher against a real FerretDB, the MONGODB_URI pass-through, and a test's own server.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { MongoClient, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startDatabase, startOwnDatabase } from '../src/database/index.ts';
import { withEnv } from './env.ts';

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startDatabase', () => {
  it('starts FerretDB that behaves like MongoDB and cleans up on stop', { timeout: 180_000 }, async () => {
    const db = await withEnv({ MONGODB_URI: undefined, MARKETPLACE_DB: 'ferretdb' }, () => startDatabase());
    expect(db.kind).toBe('ferretdb');
    const port = Number(new URL(db.uri).port);
    expect(db.uri).toBe(`mongodb://127.0.0.1:${port}/`);
    const dataDir = db.dataDir;
    expect(dataDir !== undefined && existsSync(dataDir)).toBe(true);

    const client = new MongoClient(db.uri);
    try {
      const items = client.db('launcher_test').collection<{ sku: string; qty: number }>('items');
      await items.insertOne({ sku: 'A-1', qty: 3 });
      expect(await items.findOne({ sku: 'A-1' }, { projection: { _id: 0 } })).toEqual({ sku: 'A-1', qty: 3 });

      await items.createIndex({ sku: 1 }, { unique: true });
      const duplicate = await items.insertOne({ sku: 'A-1', qty: 4 }).catch((error: unknown) => error);
      expect(duplicate).toBeInstanceOf(MongoServerError);
      expect((duplicate as MongoServerError).code).toBe(11000);
    } finally {
      await client.close();
    }

    await db.stop();
    await db.stop();
    expect(await connects(port)).toBe(false);
    expect(existsSync(dataDir ?? '')).toBe(false);
  });

  it('passes MONGODB_URI through as an external database', async () => {
    const uri = 'mongodb://db.example.invalid:27017/marketplace';
    const db = await withEnv({ MONGODB_URI: uri, MARKETPLACE_DB: undefined }, () => startDatabase());
    expect(db).toMatchObject({ uri, kind: 'external' });
    await db.stop();
    expect(process.env.MONGODB_URI).not.toBe(uri);
  });

  it('starts a server of its own when asked, whatever MONGODB_URI says, and really stops it', { timeout: 180_000 }, async () => {
    const elsewhere = 'mongodb://db.example.invalid:27017/marketplace';
    for (const start of [() => startDatabase({ own: true, log: () => {} }), () => startOwnDatabase({ log: () => {} })]) {
      const db = await withEnv({ MONGODB_URI: elsewhere, MARKETPLACE_DB: 'ferretdb' }, start);
      expect(db.kind).toBe('ferretdb');
      expect(db.uri).not.toBe(elsewhere);
      const port = Number(new URL(db.uri).port);
      expect(await connects(port)).toBe(true);
      await db.stop();
      expect(await connects(port)).toBe(false);
    }
  });

  it('says that MONGODB_URI is no fix when a server of its own cannot be started', async () => {
    const failure = await withEnv({ MONGODB_URI: 'mongodb://db.example.invalid:27017/', MARKETPLACE_DB: 'mongod', MONGOMS_DISABLE_DOWNLOAD: '1' }, () =>
      startOwnDatabase({ log: () => {}, mongod: { findLocal: async () => undefined } }).then(() => undefined, (error: Error) => error),
    );
    expect(failure?.message).toMatch(/^No database server of its own could be started/);
    expect(failure?.message).not.toContain('MONGODB_URI');
    expect(failure?.message).toContain('1. install mongod on the PATH or set MONGOMS_SYSTEM_BINARY (failed: no mongod on the PATH');
  });
});
