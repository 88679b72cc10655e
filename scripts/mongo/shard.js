// Shards the marketplace's collections on a MongoDB sharded cluster; run it with mongosh against a mongos (see docs/scaling.md).
//
//   mongosh "mongodb+srv://admin@cluster.example.net/admin" --file scripts/mongo/shard.js
//   USERS_DB=users_staging DRY_RUN=1 mongosh "$URI" --file scripts/mongo/shard.js
//
// It is safe to run again: a collection already sharded on the same key is left alone, one
// sharded on another key is reported and makes the script exit 1 (resharding is a decision for a
// person: db.adminCommand({ reshardCollection })). So is a collection the plan leaves unsharded
// that is found sharded on a key its services' unique indexes cannot be enforced under. Each shard
// key's index is created before the collection is sharded, so collections that already hold data
// can be sharded too.
/* global db, sh, print, quit */

const env = typeof process === 'undefined' ? {} : process.env;

// The services' database names (USERS_DB, PRODUCTS_DB, ORDERS_DB in the README), defaults included.
const USERS_DB = env.USERS_DB || 'users';
const PRODUCTS_DB = env.PRODUCTS_DB || 'products';
const ORDERS_DB = env.ORDERS_DB || 'orders';
// DRY_RUN=1 prints what would be done and changes nothing.
const DRY_RUN = env.DRY_RUN === '1';

/** Collections spread over the shards, with the key and the reason (docs/scaling.md has the long form). */
const SHARDED = [
  {
    db: USERS_DB,
    collection: 'sessions',
    key: { userId: 'hashed' },
    why: "a user's sessions are listed from one shard; its ObjectId _ids need no shard to stay unique",
  },
  {
    db: USERS_DB,
    collection: 'sessionTokens',
    key: { _id: 'hashed' },
    why: 'refresh tokens are found by their hash, the _id, which stays unique across shards',
  },
  {
    db: USERS_DB,
    collection: 'sessionTokenUses',
    key: { _id: 'hashed' },
    why: 'a refresh token is used by inserting its hash as _id: the first insert wins only if the _id is the shard key',
  },
  {
    db: USERS_DB,
    collection: 'sessionEnds',
    key: { _id: 'hashed' },
    why: 'a session ends by inserting its id as _id, once; the gateways read recent ends from every shard',
  },
  {
    db: PRODUCTS_DB,
    collection: 'stockReservations',
    key: { _id: 'hashed' },
    why: 'read and written by _id (the order id), the hold sweep aside; inserts spread evenly',
  },
  {
    db: PRODUCTS_DB,
    collection: 'stockHoldDecisions',
    key: { _id: 'hashed' },
    why: 'one decision per reservation, inserted once and read by _id: the _id is the shard key, so it stays unique across shards',
  },
  {
    db: ORDERS_DB,
    collection: 'orders',
    key: { buyerId: 'hashed', _id: 1 },
    why: "a buyer's history is read from one shard; placements spread over all",
  },
  {
    db: ORDERS_DB,
    collection: 'orderEvents',
    key: { orderId: 'hashed' },
    why: "an order's events stay together, so its <orderId>:<sequence> _ids collide on one shard",
  },
  {
    db: ORDERS_DB,
    collection: 'orderIdempotency',
    key: { _id: 'hashed' },
    why: 'the _id <buyerId>:<key> is the shard key, so it stays unique across shards',
  },
  {
    db: ORDERS_DB,
    collection: 'stockConfirmations',
    key: { _id: 'hashed' },
    why: 'one record per confirmed order, inserted once and read by _id (the order id); inserts spread evenly',
  },
];

/**
 * Collections that stay on their database's primary shard, and why. `unique` lists the unique
 * indexes the services build on it besides _id: found sharded on a key those indexes do not begin
 * with, the collection is reported (the service could not build them, so it would not start).
 */
const UNSHARDED = [
  {
    db: USERS_DB,
    collection: 'users',
    unique: [{ email: 1 }],
    why: 'its unique email index would have to lead the shard key, scattering every read by _id',
  },
  { db: USERS_DB, collection: 'adminRemovalTurns', why: 'a few numbered turns a year for taking ADMIN away; its _id sequence must stay on one shard' },
  { db: PRODUCTS_DB, collection: 'products', why: 'small and read-mostly: secondaries scale its reads without scatter-gather' },
  { db: PRODUCTS_DB, collection: 'categories', unique: [{ slug: 1 }], why: 'a few thousand documents with a unique slug' },
  {
    db: PRODUCTS_DB,
    collection: 'stockLedger',
    unique: [{ movement: 1 }],
    why: 'its unique movement index does not begin with a shard key that keeps the <productId>:<version> _ids unique; ' +
      'shard it on { productId: "hashed" } once that index is { productId: 1, movement: 1 }',
  },
  { db: ORDERS_DB, collection: 'openOrderSlots', why: 'one short-lived slot per unpaid order, a few megabytes; read by buyer, order and age, all on one shard' },
  { db: ORDERS_DB, collection: 'paymentChecks', why: 'only the payments and cancels in flight, a few hundred documents, written by _id' },
  { db: ORDERS_DB, collection: 'fulfillmentCancels', why: "only the sellers' cancels in flight, a few documents, written by _id" },
  { db: ORDERS_DB, collection: 'refunds', why: 'one small record per refunded fulfilment, a few percent of orders; read by order id' },
];

const failures = [];

/** Shard keys are ordered: equal means the same fields in the same order with the same types. */
function sameKey(a, b) {
  return JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));
}

function describeKey(key) {
  return `{ ${Object.entries(key)
    .map(([field, type]) => `${field}: ${JSON.stringify(type)}`)
    .join(', ')} }`;
}

/**
 * Whether a unique index can be enforced on a collection sharded on `key`: MongoDB requires the
 * index to begin with every field of the shard key (a hashed field counts by its name), or with _id.
 */
function uniqueFits(key, unique) {
  const fields = Object.keys(unique);
  return fields[0] === '_id' || Object.keys(key).every((field, i) => fields[i] === field);
}

/** The collection's shard key if it is sharded, else null (8.0 also lists unsplittable, unsharded ones). */
function shardKeyOf(ns) {
  const entry = db.getSiblingDB('config').getCollection('collections').findOne({ _id: ns });
  if (!entry || entry.dropped || entry.unsplittable) return null;
  return entry.key;
}

function run(description, action) {
  if (DRY_RUN) {
    print(`  would ${description}`);
    return;
  }
  print(`  ${description}`);
  action();
}

/** The collection's indexes; none while it does not exist yet (listIndexes answers NamespaceNotFound). */
function indexesOf(target) {
  try {
    // Assigned, not returned: mongosh's implicit await does not reach a `return` inside `try`.
    const indexes = target.getIndexes();
    return indexes;
  } catch (error) {
    if (error && (error.code === 26 || error.codeName === 'NamespaceNotFound')) return [];
    throw error;
  }
}

function ensureShardKeyIndex(target, key) {
  const exists = indexesOf(target).some((index) => sameKey(index.key, key));
  if (exists) return;
  run(`create index ${describeKey(key)}`, () => target.createIndex(key));
}

function shard(spec) {
  const ns = `${spec.db}.${spec.collection}`;
  print(`${ns}: ${describeKey(spec.key)} (${spec.why})`);
  const current = shardKeyOf(ns);
  if (current) {
    if (sameKey(current, spec.key)) print('  already sharded on this key');
    else failures.push(`${ns} is sharded on ${describeKey(current)}, not ${describeKey(spec.key)}`);
    return;
  }
  try {
    ensureShardKeyIndex(db.getSiblingDB(spec.db).getCollection(spec.collection), spec.key);
    run(`shard on ${describeKey(spec.key)}`, () => sh.shardCollection(ns, spec.key));
  } catch (error) {
    failures.push(`${ns}: ${error && error.message ? error.message : String(error)}`);
  }
}

function main() {
  const hello = db.adminCommand({ hello: 1 });
  if (hello.msg !== 'isdbgrid') {
    print('This script needs a mongos (a sharded cluster); the server it is connected to is not one.');
    quit(1);
    return;
  }
  if (DRY_RUN) print('Dry run: nothing is changed.');

  for (const name of [...new Set([USERS_DB, PRODUCTS_DB, ORDERS_DB])]) {
    print(`database ${name}:`);
    try {
      run('enable sharding', () => sh.enableSharding(name));
    } catch (error) {
      failures.push(`enableSharding(${name}): ${error && error.message ? error.message : String(error)}`);
    }
  }

  for (const spec of SHARDED) shard(spec);

  for (const spec of UNSHARDED) {
    const ns = `${spec.db}.${spec.collection}`;
    const current = shardKeyOf(ns);
    print(`${ns}: left unsharded (${spec.why})${current ? `; note: it is sharded on ${describeKey(current)}` : ''}`);
    const misfits = current ? (spec.unique || []).filter((unique) => !uniqueFits(current, unique)) : [];
    if (misfits.length > 0) {
      failures.push(
        `${ns} is sharded on ${describeKey(current)}, which its unique index ${misfits.map(describeKey).join(', ')} cannot be enforced under: ` +
          'the service cannot build it there; see docs/scaling.md',
      );
    }
  }

  if (failures.length > 0) {
    print(`\n${failures.length} problem(s):`);
    for (const failure of failures) print(`  - ${failure}`);
    quit(1);
    return;
  }
  print('\nDone.');
}

main();
