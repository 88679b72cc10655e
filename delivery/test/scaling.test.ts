// The sharding plan: scripts/mongo/shard.js runs against a stand-in mongosh and does what docs/scaling.md says, for the collections the stores use.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../src/workflows.ts';

const scriptPath = path.join(repositoryRoot, 'scripts', 'mongo', 'shard.js');
const docsPath = path.join(repositoryRoot, 'docs', 'scaling.md');
const script = readFileSync(scriptPath, 'utf8');
const docs = readFileSync(docsPath, 'utf8');

type Key = Record<string, string | number>;
type Call = { op: 'enableSharding'; db: string } | { op: 'createIndex'; ns: string; key: Key } | { op: 'shardCollection'; ns: string; key: Key };

/** Shard keys are ordered, so compare them as entry lists. */
const keyText = (key: Key) => JSON.stringify(Object.entries(key));

interface Cluster {
  mongos?: boolean;
  env?: Record<string, string>;
  /** Namespaces already sharded, with their keys. */
  sharded?: Record<string, Key>;
  /** Indexes already present, by namespace. */
  indexes?: Record<string, Key[]>;
}

/** Runs shard.js with stand-ins for mongosh's db, sh, print and quit, recording what it asks for. */
function runScript(cluster: Cluster = {}) {
  const calls: Call[] = [];
  const output: string[] = [];
  let exitCode: number | undefined;
  const collection = (dbName: string, name: string) => {
    const ns = `${dbName}.${name}`;
    if (dbName === 'config' && name === 'collections') {
      return { findOne: ({ _id }: { _id: string }) => (cluster.sharded?.[_id] ? { _id, key: cluster.sharded[_id] } : null) };
    }
    return {
      getIndexes: () => [{ key: { _id: 1 }, name: '_id_' }, ...(cluster.indexes?.[ns] ?? []).map((key) => ({ key, name: 'existing' }))],
      createIndex: (key: Key) => {
        calls.push({ op: 'createIndex', ns, key });
        return `${Object.keys(key).join('_')}`;
      },
    };
  };
  const db = {
    adminCommand: (command: Record<string, unknown>) => (command.hello ? { ok: 1, ...(cluster.mongos === false ? {} : { msg: 'isdbgrid' }) } : { ok: 1 }),
    getSiblingDB: (dbName: string) => ({ getCollection: (name: string) => collection(dbName, name) }),
  };
  const sh = {
    enableSharding: (dbName: string) => calls.push({ op: 'enableSharding', db: dbName }),
    shardCollection: (ns: string, key: Key) => calls.push({ op: 'shardCollection', ns, key }),
  };
  const run = new Function('db', 'sh', 'print', 'quit', 'process', script) as (...args: unknown[]) => void;
  run(db, sh, (line: string) => output.push(line), (code: number) => (exitCode ??= code), { env: cluster.env ?? {} });
  return { calls, output: output.join('\n'), exitCode };
}

/** The "Collections and shard keys" table: namespace -> key, or null for unsharded. */
function documentedKeys(): Map<string, Key | null> {
  const rows = new Map<string, Key | null>();
  for (const line of docs.split('\n')) {
    const match = /^\| `(\w+\.\w+)` \| (unsharded|`\{[^`]*\}`) \|/.exec(line);
    if (!match) continue;
    const [, ns, key] = match as unknown as [string, string, string];
    rows.set(ns, key === 'unsharded' ? null : (JSON.parse(key.slice(1, -1).replace(/(\w+):/g, '"$1":')) as Key));
  }
  return rows;
}

/** Every collection the stores open, as `<service database>.<collection>` with the default names. */
function storeCollections(): string[] {
  const found = new Set<string>();
  for (const service of ['users', 'products', 'orders']) {
    const src = path.join(repositoryRoot, 'subgraphs', service, 'src');
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.includes('__generated__')) continue;
      const text = readFileSync(path.join(src, file), 'utf8');
      for (const [, name] of text.matchAll(/\.collection(?:<[^>]*>)?\('(\w+)'\)/g)) found.add(`${service}.${name}`);
    }
  }
  return [...found].sort();
}

const shardCalls = (calls: Call[]) => calls.filter((call): call is Extract<Call, { op: 'shardCollection' }> => call.op === 'shardCollection');

describe('scripts/mongo/shard.js', () => {
  it('is a plain script that parses as JavaScript', () => {
    expect(() => new Function('db', 'sh', 'print', 'quit', 'process', script)).not.toThrow();
    expect(script.split('\n')[0]).toMatch(/^\/\/ \S/);
  });

  it('shards what docs/scaling.md says, on the documented keys, after creating each key index', () => {
    const { calls, exitCode } = runScript();
    expect(exitCode).toBeUndefined();
    expect(calls.filter((c) => c.op === 'enableSharding')).toEqual(['users', 'products', 'orders'].map((db) => ({ op: 'enableSharding', db })));
    const documented = [...documentedKeys()].filter((entry): entry is [string, Key] => entry[1] !== null);
    expect(documented.length).toBeGreaterThan(0);
    expect(shardCalls(calls).map((c) => [c.ns, keyText(c.key)]).sort()).toEqual(documented.map(([ns, key]) => [ns, keyText(key)]).sort());
    for (const { ns, key } of shardCalls(calls)) {
      const index = calls.findIndex((c) => c.op === 'createIndex' && c.ns === ns && keyText(c.key) === keyText(key));
      const shard = calls.findIndex((c) => c.op === 'shardCollection' && c.ns === ns);
      expect(index, ns).toBeGreaterThanOrEqual(0);
      expect(index, ns).toBeLessThan(shard);
    }
  });

  it('names every collection of docs/scaling.md, and leaves the unsharded ones alone', () => {
    const { calls, output } = runScript();
    for (const [ns, key] of documentedKeys()) {
      const [, name] = ns.split('.') as [string, string];
      expect(script, ns).toContain(`'${name}'`);
      if (key === null) {
        expect(calls.some((c) => c.op !== 'enableSharding' && c.ns === ns), ns).toBe(false);
        expect(output, ns).toContain(`${ns}: left unsharded`);
      }
    }
  });

  it('does nothing more on a cluster it already sharded', () => {
    const sharded = Object.fromEntries(shardCalls(runScript().calls).map(({ ns, key }) => [ns, key]));
    const again = runScript({ sharded });
    expect(again.exitCode).toBeUndefined();
    expect(again.calls.filter((c) => c.op !== 'enableSharding')).toEqual([]);
    expect(again.output).toContain('already sharded on this key');
  });

  it('reports a collection sharded on another key and exits 1 without touching it', () => {
    const { calls, output, exitCode } = runScript({ sharded: { 'orders.orders': { _id: 'hashed' } } });
    expect(exitCode).toBe(1);
    expect(output).toContain('orders.orders is sharded on { _id: "hashed" }');
    expect(calls.some((c) => c.op !== 'enableSharding' && c.ns === 'orders.orders')).toBe(false);
  });

  it('skips creating a shard key index that exists', () => {
    const { calls } = runScript({ indexes: { 'orders.orderEvents': [{ orderId: 'hashed' }] } });
    expect(calls.some((c) => c.op === 'createIndex' && c.ns === 'orders.orderEvents')).toBe(false);
    expect(calls.some((c) => c.op === 'shardCollection' && c.ns === 'orders.orderEvents')).toBe(true);
  });

  it('takes the database names from USERS_DB, PRODUCTS_DB and ORDERS_DB', () => {
    const { calls } = runScript({ env: { USERS_DB: 'u1', PRODUCTS_DB: 'p1', ORDERS_DB: 'o1' } });
    expect(calls.filter((c) => c.op === 'enableSharding').map((c) => c.db)).toEqual(['u1', 'p1', 'o1']);
    for (const { ns } of shardCalls(calls)) expect(ns).toMatch(/^(p1|o1)\./);
  });

  it('changes nothing on a dry run or when not connected to a mongos', () => {
    const dry = runScript({ env: { DRY_RUN: '1' } });
    expect(dry.calls).toEqual([]);
    expect(dry.output).toContain('would shard on');
    const notMongos = runScript({ mongos: false });
    expect(notMongos.exitCode).toBe(1);
    expect(notMongos.calls).toEqual([]);
  });
});

describe('docs/scaling.md', () => {
  it('plans every collection the stores use, and only those', () => {
    expect([...documentedKeys().keys()].sort()).toEqual(storeCollections());
  });
});
