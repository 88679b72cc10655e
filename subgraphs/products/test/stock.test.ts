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
const HOLD_MS = 60_000;

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  db = client.db(`stock_${new ObjectId().toHexString()}`);
  store = new ProductsStore(db);
  ledger = new StockLedger(db, store.products);
  reservations = new Reservations(db, ledger, HOLD_MS);
  await Promise.all([store.ensureIndexes(), ledger.ensureIndexes(), reservations.ensureIndexes()]);
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

describe('movements', () => {
  it('happen once however many race, and a void made first stops the movement', async () => {
    const product = await newProduct(50);
    const entries = await Promise.all(Array.from({ length: 12 }, () => ledger.applyOnce(product._id, -4, 'take:m1:x')));
    expect(new Set(entries.map((e) => e._id)).size).toBe(1);
    expect(await stockOf(product._id)).toBe(46);
    const voided = await ledger.applyOnce(product._id, 0, 'take:m2:x');
    expect(voided.delta).toBe(0);
    expect((await ledger.applyOnce(product._id, -4, 'take:m2:x')).delta).toBe(0);
    expect(await stockOf(product._id)).toBe(46);
  });
});

describe('holds', () => {
  const ledgerOf = (id: string) => db.collection('stockLedger').find({ movement: { $regex: `^(take|give):${id}:` } }).toArray();
  const decisionOf = async (id: string) => (await db.collection('stockHoldDecisions').findOne({ _id: id as never }))?.decision;

  it('a confirmed reservation keeps its stock through the sweep; a release after it gives it back once', async () => {
    const a = await newProduct(5);
    await reservations.reserve('h-confirmed', [{ product: a, quantity: 3 }]);
    expect(await reservations.confirm('h-confirmed')).toMatchObject({ status: 'CONFIRMED' });
    expect(await reservations.confirm('h-confirmed')).toMatchObject({ status: 'CONFIRMED' });
    await reservations.sweep(100, new Date(Date.now() + 2 * HOLD_MS));
    expect(await stockOf(a._id)).toBe(2);
    await Promise.all(Array.from({ length: 5 }, () => reservations.release('h-confirmed')));
    expect(await stockOf(a._id)).toBe(5);
    expect((await ledgerOf('h-confirmed')).filter((e) => e.movement.startsWith('give:'))).toHaveLength(1);
  });

  it('an unconfirmed reservation is given back by the sweep after its hold, and can no longer be confirmed', async () => {
    const a = await newProduct(5);
    const b = await newProduct(5);
    await reservations.reserve('h-lapsed', [{ product: a, quantity: 2 }, { product: b, quantity: 1 }]);
    expect((await reservations.sweep(1000)).givenBack).toBe(0);
    expect(await stockOf(a._id)).toBe(3);
    const later = new Date(Date.now() + HOLD_MS + 1000);
    const [first, second] = await Promise.all([reservations.sweep(1000, later), reservations.sweep(1000, later)]);
    expect(first.givenBack + second.givenBack).toBeGreaterThanOrEqual(1);
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([5, 5]);
    expect(await reservations.confirm('h-lapsed')).toMatchObject({ status: 'RELEASED' });
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([5, 5]);
    expect(await decisionOf('h-lapsed')).toBe('ABANDONED');
  });

  it('a confirmation and the sweep racing: exactly one wins, and stock matches the winner', async () => {
    const a = await newProduct(100);
    const ids = Array.from({ length: 10 }, (_, i) => `h-race-${i}`);
    for (const id of ids) await reservations.reserve(id, [{ product: a, quantity: 1 }]);
    const later = new Date(Date.now() + HOLD_MS + 1000);
    const [confirmations] = await Promise.all([Promise.all(ids.map((id) => reservations.confirm(id))), reservations.sweep(1000, later)]);
    const kept = confirmations.filter((r) => r?.status === 'CONFIRMED').length;
    expect(await stockOf(a._id)).toBe(100 - kept);
    for (const id of ids) expect(await decisionOf(id)).toBe((await reservations.confirm(id))!.status === 'CONFIRMED' ? 'CONFIRMED' : 'ABANDONED');
  });

  it('a release that arrives before its reservation stops it from taking anything', async () => {
    const a = await newProduct(5);
    expect(await reservations.release('h-early')).toBeNull();
    await expect(reservations.reserve('h-early', [{ product: a, quantity: 2 }])).rejects.toThrow(/released/);
    expect(await stockOf(a._id)).toBe(5);
    expect(await reservations.confirm('h-early')).toMatchObject({ status: 'RELEASED' });
  });

  it('a take that arrives after its line was given back finds it voided, and the reservation fails whole', async () => {
    const a = await newProduct(5);
    const b = await newProduct(5);
    // As a sweep on another replica does to a stalled reservation: the second line is voided first.
    await ledger.applyOnce(b._id, 0, `take:h-stalled:${b._id.toHexString()}`);
    await expect(reservations.reserve('h-stalled', [{ product: a, quantity: 2 }, { product: b, quantity: 2 }])).rejects.toThrow(/given back/);
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([5, 5]);
    expect((await reservations.find('h-stalled'))?.status).toBe('FAILED');
  });
});
