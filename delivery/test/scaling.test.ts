// The sharding plan: scripts/mongo/shard.js, run by the real mongosh (the npm `mongosh` package,
// pinned) against the test database, does what docs/scaling.md says for the collections the stores use.
//
// How: mongosh connects through a wire-protocol recorder (delivery/src/mongo-wire.ts) in front of the
// test database, so every command mongosh builds from the script's `sh.*`, `db.*` and collection
// calls is seen as a server would see it, and checked against MongoDB's documented command shapes
// (delivery/src/mongo-command-shapes.ts). What the test database supports, it answers: hello,
// listIndexes, and createIndexes where it can build the index. The recorder answers only what a
// single server has no part in: enableSharding and shardCollection (`{ ok: 1 }`), the `msg:
// "isdbgrid"` that marks a mongos in hello, the `config.collections` lookups (the config servers'
// catalogue, from the cluster state each test sets), and on FerretDB, which has no hashed indexes,
// createIndexes of hashed keys (kept, and listed back by listIndexes). On a real MongoDB (CI's
// mongo:7) those indexes are really built, and checked afterwards.
//
// What this does not prove: that a real mongos and config servers accept the sharding commands
// (shards, chunk creation and balancing, primary shards, permissions such as Atlas' atlasAdmin);
// their replies and the catalogue are made up here, so how the script reads a real error from them
// is not exercised; how long an index build on a large collection takes; other mongosh versions
// than the pinned one; or that the shard keys are good ones (docs/scaling.md argues that).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Long, MongoClient, type Document, type IndexSpecification } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, startOwnDatabase, type DatabaseHandle } from '@marketplace/testing';
import { commandShapeProblems, shardKeyIndexProblems, shardKeyProblems } from '../src/mongo-command-shapes.ts';
import { plainServerOf, startWireRecorder, throughRecorder, type SentCommand } from '../src/mongo-wire.ts';
import { repositoryRoot } from '../src/workflows.ts';

const scriptPath = path.join(repositoryRoot, 'scripts', 'mongo', 'shard.js');
const docs = readFileSync(path.join(repositoryRoot, 'docs', 'scaling.md'), 'utf8');
const mongosh = path.join(path.dirname(createRequire(import.meta.url).resolve('mongosh/package.json')), 'bin', 'mongosh.js');

type Key = Record<string, string | number>;
/** Shard keys are ordered, so compare them as entry lists. */
const keyText = (key: Key) => JSON.stringify(Object.entries(key));
const isHello = (name: string) => ['hello', 'ismaster', 'isMaster'].includes(name);

/**
 * What mongosh 2.12 and its driver send on their own, whatever the script: handshakes and monitoring
 * (a hello outside any session), the connection info it fetches alongside the script (buildInfo,
 * atlasVersion, getParameter, a count of admin.atlascli), and endSessions at exit. An empty script
 * is checked to send nothing else.
 */
function sentByMongoshItself({ db, name, command }: SentCommand): boolean {
  if (isHello(name)) return command.lsid === undefined;
  if (db !== 'admin') return false;
  return ['buildInfo', 'atlasVersion', 'getParameter', 'endSessions'].includes(name) || (name === 'aggregate' && command.aggregate === 'atlascli');
}

/** The "Collections and shard keys" table: namespace (default database names) -> key, or null for unsharded. */
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
const documentedSharded = () => [...documentedKeys()].filter((entry): entry is [string, Key] => entry[1] !== null);

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

/**
 * The unique indexes the stores build besides _id, by namespace (default names): their key's fields.
 * Read from each store's `ensureIndexes(this.#handle, [...])`, matched to `this.#handle = db.collection('name')`.
 */
function storeUniqueIndexes(): { ns: string; name: string; fields: string[] }[] {
  const found: { ns: string; name: string; fields: string[] }[] = [];
  for (const service of ['users', 'products', 'orders']) {
    const src = path.join(repositoryRoot, 'subgraphs', service, 'src', 'stores');
    for (const file of readdirSync(src).filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(path.join(src, file), 'utf8');
      const handles = new Map([...text.matchAll(/this\.(#?\w+) = db\.collection(?:<[^>]*>)?\('(\w+)'\)/g)].map(([, handle, name]) => [handle!, name!]));
      for (const [, handle, list] of text.matchAll(/ensureIndexes\(this\.(#?\w+), \[([\s\S]*?)\]\);/g)) {
        for (const [, key, name, options] of list!.matchAll(/\{ key: \{([^}]*)\}, name: '(\w+)'([^}]*)\}/g)) {
          if (!/unique: true/.test(options!)) continue;
          found.push({ ns: `${service}.${handles.get(handle!)}`, name: name!, fields: [...key!.matchAll(/'?([\w.]+)'?:/g)].map(([, field]) => field!) });
        }
      }
    }
  }
  return found;
}

/** MongoDB builds a unique index on a sharded collection only if it begins with _id or with every shard key field. */
const uniqueFits = (key: Key, fields: string[]) => fields[0] === '_id' || Object.keys(key).every((field, i) => fields[i] === field);

interface Cluster {
  /** false: the server does not say it is a mongos. */
  mongos?: boolean;
  /** Extra environment for the script (DRY_RUN, or the database names when `defaultNames`). */
  env?: Record<string, string>;
  /** Run with the script's default database names (users, products, orders) instead of scratch ones. */
  defaultNames?: boolean;
  /** Namespaces (default names) already sharded, with their keys. */
  sharded?: Record<string, Key>;
  /** Indexes that already exist, by namespace (default names). */
  indexes?: Record<string, Key[]>;
}

interface Run {
  code: number;
  output: string;
  /** The commands the script made mongosh send (mongosh's own start-up commands left out). */
  sent: SentCommand[];
  /** Default database name -> the name this run used. */
  names: Record<string, string>;
  /** A namespace in default names, as this run names it. */
  ns: (defaultNs: string) => string;
}

let database: DatabaseHandle;
let client: MongoClient;
let home: string;
/** Whether the server builds hashed indexes (MongoDB does; FerretDB 1.24 does not). */
let hashedIndexes: boolean;
const createdDatabases = new Set<string>();
let runs = 0;

async function runMongosh(uri: string, file: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [mongosh, uri, '--quiet', '--norc', '--file', file],
      {
        timeout: 60_000,
        // A scratch HOME for mongosh's logs and history; no telemetry endpoint at all.
        env: { PATH: process.env.PATH, HOME: home, MONGOSH_TELEMETRY_ENDPOINT: '', ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

async function runShardJs(cluster: Cluster = {}, file = scriptPath): Promise<Run> {
  const run = `shardjs_${process.pid}_${++runs}`;
  const names: Record<string, string> = cluster.defaultNames
    ? { users: 'users', products: 'products', orders: 'orders' }
    : { users: `${run}_u`, products: `${run}_p`, orders: `${run}_o` };
  const ns = (defaultNs: string) => {
    const [db, collection] = defaultNs.split('.') as [string, string];
    return `${names[db] ?? db}.${collection}`;
  };
  if (!cluster.defaultNames) for (const name of Object.values(names)) createdDatabases.add(name);

  // The cluster's state: the catalogue of sharded collections, and indexes (real where the server builds them).
  const catalogue = new Map(Object.entries(cluster.sharded ?? {}).map(([namespace, key]) => [ns(namespace), key]));
  const simulated = new Map<string, Key[]>();
  for (const [namespace, keys] of Object.entries(cluster.indexes ?? {})) {
    for (const key of keys) {
      if (hashedIndexes || !Object.values(key).includes('hashed')) {
        const [db, collection] = ns(namespace).split('.') as [string, string];
        await client.db(db).collection(collection).createIndex(key as IndexSpecification);
      } else {
        simulated.set(ns(namespace), [...(simulated.get(ns(namespace)) ?? []), key]);
      }
    }
  }

  const server = plainServerOf(database.uri)!;
  const recorder = await startWireRecorder({
    server,
    answer: (sent) => {
      if (sent.name === 'enableSharding') return { ok: 1 };
      if (sent.name === 'find' && sent.db === 'config' && sent.command.find === 'collections') {
        const filter = sent.command.filter as Document | undefined;
        if (filter === undefined || Object.keys(filter).join() !== '_id' || typeof filter._id !== 'string') {
          return { ok: 0, errmsg: `this test answers config.collections lookups by _id only, not ${JSON.stringify(filter)}`, code: 2 };
        }
        const key = catalogue.get(filter._id);
        return { cursor: { id: Long.ZERO, ns: 'config.collections', firstBatch: key === undefined ? [] : [{ _id: filter._id, key }] }, ok: 1 };
      }
      if (sent.name === 'shardCollection') return { collectionsharded: sent.command.shardCollection, ok: 1 };
      const indexes = (sent.command.indexes ?? []) as { key: Key }[];
      if (sent.name === 'createIndexes' && !hashedIndexes && indexes.some((index) => Object.values(index.key).includes('hashed'))) {
        const target = `${sent.db}.${sent.command.createIndexes}`;
        const before = simulated.get(target) ?? [];
        simulated.set(target, [...before, ...indexes.map((index) => index.key)]);
        return { numIndexesBefore: before.length + 1, numIndexesAfter: before.length + 1 + indexes.length, createdCollectionAutomatically: before.length === 0, ok: 1 };
      }
      return undefined;
    },
    rewriteReply: (sent, reply) => {
      if (sent !== undefined && isHello(sent.name) && cluster.mongos !== false) return { ...reply, msg: 'isdbgrid' };
      const target = sent?.name === 'listIndexes' ? `${sent.db}.${sent.command.listIndexes}` : undefined;
      const extra = target === undefined ? undefined : simulated.get(target);
      if (extra === undefined) return undefined;
      const listed = extra.map((key) => ({ v: 2, key, name: Object.entries(key).map(([field, type]) => `${field}_${type}`).join('_') }));
      const cursor = reply.cursor as Document | undefined;
      if (reply.ok === 1 && cursor !== undefined) return { ...reply, cursor: { ...cursor, firstBatch: [...(cursor.firstBatch as Document[]), ...listed] } };
      return { cursor: { id: Long.ZERO, ns: target, firstBatch: [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...listed] }, ok: 1 };
    },
  });
  try {
    const env = cluster.defaultNames ? { ...cluster.env } : { USERS_DB: names.users!, PRODUCTS_DB: names.products!, ORDERS_DB: names.orders!, ...cluster.env };
    const { code, output } = await runMongosh(throughRecorder(database.uri, recorder), file, env);
    expect(recorder.problems).toEqual([]);
    return { code, output, sent: recorder.commands.filter((command) => !sentByMongoshItself(command)), names, ns };
  } finally {
    await recorder.stop();
  }
}

const named = (run: Run, name: string) => run.sent.filter((command) => command.name === name);
const touching = (run: Run, namespace: string) =>
  run.sent.filter(
    (command) => (['createIndexes', 'listIndexes'].includes(command.name) && `${command.db}.${command.command[command.name]}` === namespace) || command.command.shardCollection === namespace,
  );

beforeAll(async () => {
  database = await startDatabase();
  // The recorder stands in front of a plain TCP server; a TLS or SRV MONGODB_URI gets a server of our own.
  if (plainServerOf(database.uri) === undefined) database = await startOwnDatabase();
  client = new MongoClient(database.uri);
  home = mkdtempSync(path.join(os.tmpdir(), 'mongosh-home-'));
  const probe = `shardjs_${process.pid}_probe`;
  createdDatabases.add(probe);
  hashedIndexes = await client.db(probe).collection('c').createIndex({ k: 'hashed' }).then(() => true, () => false);

  const empty = path.join(home, 'empty.js');
  writeFileSync(empty, '// nothing\n');
  const baseline = await runShardJs({}, empty);
  expect(baseline.code, baseline.output).toBe(0);
  expect(baseline.sent, 'mongosh sent commands of its own that the test does not know').toEqual([]);
});

afterAll(async () => {
  if (client !== undefined) {
    for (const name of createdDatabases) await client.db(name).dropDatabase().catch(() => undefined);
    await client.close();
  }
  await database?.stop();
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
});

describe('scripts/mongo/shard.js in mongosh', () => {
  let fresh: Run;
  beforeAll(async () => {
    fresh = await runShardJs();
  });

  it('sends only commands of MongoDB\'s documented shapes', () => {
    expect(fresh.code, fresh.output).toBe(0);
    expect([...new Set(fresh.sent.map((command) => command.name))].sort()).toEqual(['createIndexes', 'enableSharding', 'find', 'hello', 'listIndexes', 'shardCollection']);
    for (const { db, command } of fresh.sent) expect(commandShapeProblems(db, command), JSON.stringify(command)).toEqual([]);
    // The `config.collections` lookups, by namespace.
    for (const find of named(fresh, 'find')) expect(find).toMatchObject({ db: 'config', command: { find: 'collections', filter: { _id: expect.any(String) } } });
  });

  it('enables sharding on the three databases, and shards what docs/scaling.md says on the documented keys', () => {
    expect(named(fresh, 'enableSharding').map((command) => command.command.enableSharding)).toEqual([fresh.names.users, fresh.names.products, fresh.names.orders]);
    const documented = documentedSharded();
    expect(documented.length).toBeGreaterThan(0);
    for (const [, key] of documented) expect(shardKeyProblems(key)).toEqual([]);
    expect(named(fresh, 'shardCollection').map(({ command }) => [command.shardCollection, keyText(command.key)]).sort()).toEqual(
      documented.map(([ns, key]) => [fresh.ns(ns), keyText(key)]).sort(),
    );
  });

  it('creates each shard key\'s index first, on collections the services have not created yet', async () => {
    expect(named(fresh, 'shardCollection')).toHaveLength(documentedSharded().length);
    for (const shard of named(fresh, 'shardCollection')) {
      const namespace = String(shard.command.shardCollection);
      const steps = touching(fresh, namespace);
      expect(steps.map((step) => step.name), namespace).toEqual(['listIndexes', 'createIndexes', 'shardCollection']);
      // The databases are new: listIndexes answered NamespaceNotFound, as it does on MongoDB.
      expect(steps[0]!.reply, namespace).toMatchObject({ ok: 0, code: 26 });
      const indexes = steps[1]!.command.indexes as Document[];
      expect(indexes, namespace).toHaveLength(1);
      expect(shardKeyIndexProblems(indexes[0]!, shard.command.key as Key), namespace).toEqual([]);
      expect(steps[1]!.reply, namespace).toMatchObject({ ok: 1 });
      if (hashedIndexes) {
        // Built by the real server: it is there, on the shard key.
        const [db, collection] = namespace.split('.') as [string, string];
        const built = await client.db(db).collection(collection).listIndexes().toArray();
        expect(built.map((index) => keyText(index.key)), namespace).toContain(keyText(shard.command.key as Key));
      }
    }
  });

  it('names every collection of docs/scaling.md, and leaves the unsharded ones alone', () => {
    const looked = named(fresh, 'find').map((command) => (command.command.filter as { _id: string })._id);
    for (const [ns, key] of documentedKeys()) {
      expect(looked, ns).toContain(fresh.ns(ns));
      if (key === null) {
        expect(touching(fresh, fresh.ns(ns)), ns).toEqual([]);
        expect(fresh.output, ns).toContain(`${fresh.ns(ns)}: left unsharded`);
      }
    }
  });

  it('does nothing more on a cluster it already sharded', async () => {
    const again = await runShardJs({ sharded: Object.fromEntries(documentedSharded()) });
    expect(again.code, again.output).toBe(0);
    expect(again.sent.filter((command) => ['createIndexes', 'listIndexes', 'shardCollection'].includes(command.name))).toEqual([]);
    expect(again.output.match(/already sharded on this key/g)).toHaveLength(documentedSharded().length);
  });

  it('reports a collection sharded on another key and exits 1 without touching it', async () => {
    const run = await runShardJs({ sharded: { 'orders.orders': { _id: 'hashed' } } });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`${run.ns('orders.orders')} is sharded on { _id: "hashed" }, not { buyerId: "hashed", _id: 1 }`);
    expect(touching(run, run.ns('orders.orders'))).toEqual([]);
    // The others are still sharded.
    expect(named(run, 'shardCollection')).toHaveLength(documentedSharded().length - 1);
  });

  it('skips creating a shard key index that exists', async () => {
    const run = await runShardJs({ indexes: { 'orders.orderEvents': [{ orderId: 'hashed' }] } });
    expect(run.code, run.output).toBe(0);
    expect(touching(run, run.ns('orders.orderEvents')).map((step) => step.name)).toEqual(['listIndexes', 'shardCollection']);
  });

  it('takes the database names from USERS_DB, PRODUCTS_DB and ORDERS_DB, and defaults to users, products and orders', async () => {
    for (const { command } of named(fresh, 'shardCollection')) expect(String(command.shardCollection)).toMatch(new RegExp(`^(${fresh.names.users}|${fresh.names.products}|${fresh.names.orders})\\.`));
    // The defaults only on a dry run: it reads and changes nothing, so the shared server is safe.
    const defaults = await runShardJs({ defaultNames: true, env: { DRY_RUN: '1' } });
    expect(defaults.code, defaults.output).toBe(0);
    expect(defaults.output).toMatch(/database users:\n[\s\S]*database products:\n[\s\S]*database orders:\n/);
    expect(named(defaults, 'find').map((command) => (command.command.filter as { _id: string })._id).sort()).toEqual([...documentedKeys().keys()].sort());
  });

  it('changes nothing on a dry run', async () => {
    const dry = await runShardJs({ env: { DRY_RUN: '1' } });
    expect(dry.code, dry.output).toBe(0);
    expect([...new Set(dry.sent.map((command) => command.name))].sort()).toEqual(['find', 'hello', 'listIndexes']);
    expect(dry.output).toContain('Dry run: nothing is changed.');
    expect(dry.output.match(/would shard on/g)).toHaveLength(documentedSharded().length);
  });

  it('reports a collection it leaves unsharded that is sharded on a key its unique index cannot be enforced under', async () => {
    const run = await runShardJs({ sharded: { 'products.stockLedger': { productId: 'hashed', version: 1 }, 'products.categories': { slug: 1 } } });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`${run.ns('products.stockLedger')} is sharded on { productId: "hashed", version: 1 }, which its unique index { movement: 1 } cannot be enforced under`);
    // A key the unique index begins with is only noted.
    expect(run.output).toContain(`${run.ns('products.categories')}: left unsharded (a few thousand documents with a unique slug); note: it is sharded on { slug: 1 }`);
    expect(run.output).not.toMatch(/categories is sharded on/);
    expect(touching(run, run.ns('products.stockLedger'))).toEqual([]);
  });

  it('changes nothing, and exits 1, when not connected to a mongos', async () => {
    const run = await runShardJs({ mongos: false });
    expect(run.code).toBe(1);
    expect(run.output).toContain('This script needs a mongos');
    expect(run.sent.map((command) => command.name)).toEqual(['hello']);
  });
});

describe('docs/scaling.md', () => {
  it('plans every collection the stores use, and only those', () => {
    expect([...documentedKeys().keys()].sort()).toEqual(storeCollections());
  });

  it('shards no collection on a key that one of its unique indexes does not begin with', () => {
    const unique = storeUniqueIndexes();
    // The stores' known unique indexes are found, so the check below is not vacuous.
    expect(unique.map(({ ns, name }) => `${ns}/${name}`)).toEqual(expect.arrayContaining(['users.users/email_unique', 'products.categories/slug_unique']));
    // The rule as MongoDB applies it: field names, hashed or not, in order.
    expect(uniqueFits({ productId: 'hashed', version: 1 }, ['movement'])).toBe(false);
    expect(uniqueFits({ productId: 'hashed' }, ['productId', 'movement'])).toBe(true);
    const keys = documentedKeys();
    for (const { ns, name, fields } of unique) {
      const key = keys.get(ns);
      if (key) expect(uniqueFits(key, fields), `${ns} sharded on ${keyText(key)} cannot enforce ${name} (${fields.join(', ')})`).toBe(true);
    }
  });
});
