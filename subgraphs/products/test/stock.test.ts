// The stock ledger and reservations against a real database, under concurrency.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { InsufficientStockError, StockLedger } from '../src/stores/stock-ledger.ts';
import { Reservations } from '../src/stores/stock-reservations.ts';
import { ProductsStore } from '../src/stores/products.ts';

let database: DatabaseHandle;
let client: MongoClient;
let db: Db;
let store: ProductsStore;
let ledger: StockLedger;
let reservations: Reservations;

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  db = client.db(`stock_${new ObjectId().toHexString()}`);
  store = new ProductsStore(db);
  ledger = new StockLedger(db, store.products);
  reservations = new Reservations(db, ledger);
  await Promise.all([store.ensureIndexes(), ledger.ensureIndexes()]);
}, 240_000);
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await database?.stop();
});

async function newProduct(stock: number) {
  const _id = new ObjectId();
  await ledger.open(_id, stock);
  return store.insert({ _id, title: 'Widget', description: '', price: { amount: 100, currency: 'EUR' }, sellerId: new ObjectId(), stock, categoryId: null, categoryPath: [], attributes: [], images: [] });
}

const stockOf = async (id: ObjectId) => (await store.findByIds([id]))[0]!.stock;

describe('start-up', () => {
  it('creates the indexes again on an existing database without error', async () => {
    await expect(Promise.all([store.ensureIndexes(), ledger.ensureIndexes()])).resolves.toBeDefined();
    const names = (await store.products.indexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['by_seller_newest', 'search_terms', 'by_category']));
  });
});

describe('the stock ledger', () => {
  it('never oversells under 40 concurrent takes of a stock of 15', async () => {
    const product = await newProduct(15);
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => ledger.apply(product._id, -1, `take-${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(15);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(25);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientStockError);
    expect(await stockOf(product._id)).toBe(0);
    const entries = await db.collection('stockLedger').find({ productId: product._id }).sort({ version: 1 }).toArray();
    expect(entries.map((e) => e.version)).toEqual([...Array(16).keys()]);
    expect(entries.map((e) => e.availableAfter)).toEqual([...Array(16).keys()].map((v) => 15 - v));
  });

  it('keeps the product copy equal to the ledger when takes and returns race', async () => {
    const product = await newProduct(10);
    await Promise.allSettled(Array.from({ length: 30 }, (_, i) => ledger.apply(product._id, i % 2 ? 2 : -3, `mix-${i}`)));
    const latest = await db.collection('stockLedger').find({ productId: product._id }).sort({ version: -1 }).limit(1).next();
    expect(await stockOf(product._id)).toBe(latest!.availableAfter);
    expect(latest!.availableAfter).toBeGreaterThanOrEqual(0);
  });
});

describe('reservations', () => {
  it('take every line or none, and release exactly once even when releases race', async () => {
    const a = await newProduct(5);
    const b = await newProduct(1);
    await expect(reservations.reserve('r-fail', [{ product: a, quantity: 2 }, { product: b, quantity: 2 }])).rejects.toBeInstanceOf(InsufficientStockError);
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([5, 1]);

    const held = await reservations.reserve('r-ok', [{ product: a, quantity: 2 }, { product: b, quantity: 1 }]);
    expect(held.status).toBe('RESERVED');
    expect(held.items.map((i) => i.unitPrice)).toEqual([a.price, b.price]);
    expect(await reservations.reserve('r-ok', [{ product: a, quantity: 2 }])).toMatchObject({ status: 'RESERVED' });
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([3, 0]);

    await Promise.all(Array.from({ length: 10 }, () => reservations.release('r-ok')));
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([5, 1]);
  });
});
