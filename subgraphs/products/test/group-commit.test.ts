// Group commit (service-kit's GroupCommit) against the real database: concurrent writes share
// commands, and each caller still gets its own write's outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, ObjectId, type CommandStartedEvent, type Db } from 'mongodb';
import { GroupCommit, isDuplicateKeyError } from '@marketplace/service-kit';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';

interface Doc {
  _id: string;
  n: number;
  tag?: string;
}

let database: DatabaseHandle;
let client: MongoClient;
let db: Db;
const inserts: CommandStartedEvent[] = [];
const updates: CommandStartedEvent[] = [];

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri, { monitorCommands: true });
  client.on('commandStarted', (event) => {
    if (event.commandName === 'insert') inserts.push(event);
    if (event.commandName === 'update') updates.push(event);
  });
  db = client.db(`group_commit_${new ObjectId().toHexString()}`);
}, 240_000);
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await database?.stop();
});

/** The number of documents each insert command since `from` carried. */
const batchesSince = (from: number, collection: string) =>
  inserts.slice(from).filter((event) => event.command.insert === collection).map((event) => (event.command.documents as unknown[]).length);

describe('GroupCommit', () => {
  it('sends an insert at once when nothing is on its way, in a command of its own', async () => {
    const collection = db.collection<Doc>('alone');
    const batcher = new GroupCommit(collection);
    const from = inserts.length;
    await batcher.insertOne({ _id: 'a', n: 1 });
    await batcher.insertOne({ _id: 'b', n: 2 });
    expect(batchesSince(from, 'alone')).toEqual([1, 1]);
    expect(await collection.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
  });

  it('writes concurrent inserts together, every one of them, in fewer commands than documents', async () => {
    const collection = db.collection<Doc>('together');
    const batcher = new GroupCommit(collection);
    const from = inserts.length;
    await Promise.all(Array.from({ length: 60 }, (_, n) => batcher.insertOne({ _id: `d${n}`, n })));
    const batches = batchesSince(from, 'together');
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(60);
    expect(batches.length).toBeLessThan(60);
    expect(await collection.countDocuments()).toBe(60);
  });

  it('keeps batches within maxBatch', async () => {
    const collection = db.collection<Doc>('bounded');
    const batcher = new GroupCommit(collection, { maxBatch: 7 });
    const from = inserts.length;
    await Promise.all(Array.from({ length: 30 }, (_, n) => batcher.insertOne({ _id: `d${n}`, n })));
    const batches = batchesSince(from, 'bounded');
    expect(Math.max(...batches)).toBeLessThanOrEqual(7);
    expect(await collection.countDocuments()).toBe(30);
  });

  it('fails only the documents that were refused, each with its own duplicate-key error, and changes nothing already there', async () => {
    const collection = db.collection<Doc>('refused');
    await collection.createIndex({ tag: 1 }, { unique: true, sparse: true });
    await collection.insertOne({ _id: 'taken', n: 0, tag: 'first' });
    const batcher = new GroupCommit(collection);
    // Something on its way first, so that the rest go together in one command.
    const lead = batcher.insertOne({ _id: 'lead', n: -1 });
    const outcomes = await batcher.insertEach([
      { _id: 'x1', n: 1 },
      { _id: 'taken', n: 2 },
      { _id: 'x2', n: 3, tag: 'first' },
      { _id: 'x3', n: 4, tag: 'same' },
      { _id: 'x4', n: 5, tag: 'same' },
      { _id: 'x5', n: 6 },
    ]);
    await lead;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(isDuplicateKeyError(outcome.reason)).toBe(true);
    expect(await collection.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'lead', n: -1 },
      { _id: 'taken', n: 0, tag: 'first' },
      { _id: 'x1', n: 1 },
      { _id: 'x3', n: 4, tag: 'same' },
      { _id: 'x5', n: 6 },
    ]);
  });

  it('of racing inserts of one _id, exactly one wins', async () => {
    const collection = db.collection<Doc>('race');
    const batcher = new GroupCommit(collection);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => batcher.insertOne({ _id: 'one', n })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(isDuplicateKeyError(outcome.reason)).toBe(true);
    expect(await collection.countDocuments()).toBe(1);
  });

  it('applies concurrent updates together, in fewer commands than updates', async () => {
    const collection = db.collection<Doc>('updated');
    await collection.insertMany(Array.from({ length: 40 }, (_, n) => ({ _id: `d${n}`, n })));
    const batcher = new GroupCommit(collection);
    const from = updates.length;
    await Promise.all(Array.from({ length: 40 }, (_, n) => batcher.updateOne({ _id: `d${n}`, n: { $lt: 100 } }, { $inc: { n: 1000 } })));
    const sizes = updates.slice(from).filter((event) => event.command.update === 'updated').map((event) => (event.command.updates as unknown[]).length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(40);
    expect(sizes.length).toBeLessThan(40);
    expect((await collection.find().sort({ n: 1 }).toArray()).map((doc) => doc.n)).toEqual(Array.from({ length: 40 }, (_, n) => n + 1000));
  });

  it('fails every update of a batch in which one was refused, and leaves the inserts of that batch to their own outcome', async () => {
    const collection = db.collection<Doc>('refused-update');
    await collection.insertMany(Array.from({ length: 10 }, (_, n) => ({ _id: `d${n}`, n, tag: `t${n}` })));
    const batcher = new GroupCommit(collection);
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, n) =>
        // d7's tag is a string: $inc refuses it.
        n === 7 ? batcher.updateOne({ _id: 'd7' }, { $inc: { tag: 1 } as never }) : batcher.updateOne({ _id: `d${n}` }, { $set: { n: n + 100 } }),
      ),
      batcher.insertOne({ _id: 'new', n: -1 }),
      batcher.insertOne({ _id: 'd0', n: -2 }),
    ]);
    expect(outcomes.slice(0, 10).map((outcome) => outcome.status)).toEqual(Array.from({ length: 10 }, () => 'rejected'));
    expect(outcomes.slice(10).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
    expect(await collection.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', n: 7, tag: 't7' });
    expect(await collection.findOne({ _id: 'new' })).toEqual({ _id: 'new', n: -1 });
    // The next batch goes on as usual.
    await batcher.updateOne({ _id: 'd7' }, { $set: { n: 107 } });
    expect(await collection.findOne({ _id: 'd7' })).toEqual({ _id: 'd7', n: 107, tag: 't7' });
  });
});
