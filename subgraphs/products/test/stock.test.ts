// The stock ledger and reservations against a real database, under concurrency.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePaserkKeyPair, importKeyRing, importSigningKey, signServiceToken } from '@marketplace/auth';
import { createLogger, type RunningServer } from '@marketplace/service-kit';
import { errorCodes, graphql, startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { startProductsService } from '../src/service.ts';
import { InsufficientStockError, StockLedger } from '../src/stores/stock-ledger.ts';
import { NotInReservationError, ReservationConflictError, ReservationNotConfirmedError, Reservations } from '../src/stores/stock-reservations.ts';
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

  it('brings a copy left behind up to date when a take is refused on the ledger', async () => {
    const product = await newProduct(1);
    // The last unit taken by a writer that died before copying it: the copy still offers it.
    await db.collection('stockLedger').insertOne({ _id: `${product._id.toHexString()}:1`, productId: product._id, version: 1, delta: -1, availableAfter: 0, reason: 'died', at: new Date() } as never);
    expect(await stockOf(product._id)).toBe(1);
    await expect(ledger.apply(product._id, -1, 'late')).rejects.toBeInstanceOf(InsufficientStockError);
    expect(await store.products.findOne({ _id: product._id }, { projection: { _id: 0, stock: 1, stockVersion: 1 } })).toEqual({ stock: 0, stockVersion: 1 });
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

describe('reservations built on the stock as it was loaded', () => {
  const loaded = async (id: ObjectId) => (await store.findByIds([id]))[0]!;
  const ledgerOf = (id: ObjectId) => db.collection('stockLedger').find({ productId: id }).sort({ version: 1 }).toArray();
  const storedStatus = async (id: string) => (await db.collection('stockReservations').findOne({ _id: id as never }))?.status;

  it('never oversell when 30 race from one loaded copy, and leave the copy equal to the ledger', async () => {
    const product = await newProduct(10);
    const copy = await loaded(product._id);
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => reservations.reserve(`l-race-${i}`, [{ product: copy, quantity: 1 }])));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) expect((o as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientStockError);
    expect(await stockOf(product._id)).toBe(0);
    // One entry per version, no gaps; the refused ones left only voids (delta 0) of their takes.
    const entries = await ledgerOf(product._id);
    expect(entries.map((e) => e.version)).toEqual([...Array(entries.length).keys()]);
    expect(entries.filter((e) => e.delta !== 0).map((e) => e.availableAfter)).toEqual([...Array(11).keys()].map((v) => 10 - v));
    expect(entries.at(-1)!.availableAfter).toBe(0);
  });

  it('take every line or none when reservations of two products race', async () => {
    const [a, b] = [await newProduct(6), await newProduct(4)];
    const [copyA, copyB] = [await loaded(a._id), await loaded(b._id)];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => reservations.reserve(`l-pair-${i}`, [{ product: copyA, quantity: 1 }, { product: copyB, quantity: 1 }])),
    );
    // Lines held for a while by reservations that then fail elsewhere can make others fail too; none is half taken.
    const placed = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(placed).toBeGreaterThanOrEqual(1);
    expect(placed).toBeLessThanOrEqual(4);
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([6 - placed, 4 - placed]);
    const latest = async (id: ObjectId) => (await ledgerOf(id)).at(-1)!.availableAfter;
    expect([await latest(a._id), await latest(b._id)]).toEqual([6 - placed, 4 - placed]);
  });

  it('build on the ledger when the loaded copy is stale, in either direction', async () => {
    const product = await newProduct(5);
    const stale = await loaded(product._id);
    await ledger.apply(product._id, -3, 'elsewhere');
    await reservations.reserve('l-stale-ok', [{ product: stale, quantity: 2 }]);
    expect(await stockOf(product._id)).toBe(0);
    await expect(reservations.reserve('l-stale-short', [{ product: stale, quantity: 1 }])).rejects.toBeInstanceOf(InsufficientStockError);
    await ledger.apply(product._id, 4, 'restock');
    const empty = await loaded(product._id);
    await ledger.apply(product._id, 0, 'noop');
    // A copy that reads too little is checked against the ledger before it refuses.
    await reservations.reserve('l-stale-low', [{ product: { ...empty, stock: 0 }, quantity: 3 }]);
    expect(await stockOf(product._id)).toBe(1);
  });

  it('a confirmation writes only its decision; the sweep after the hold stores it, and the stock stays taken', async () => {
    const product = await newProduct(5);
    await reservations.reserve('l-confirmed', [{ product: await loaded(product._id), quantity: 2 }]);
    expect(await reservations.confirm('l-confirmed')).toMatchObject({ status: 'CONFIRMED' });
    expect(await storedStatus('l-confirmed')).toBe('RESERVED');
    expect((await reservations.find('l-confirmed'))?.status).toBe('CONFIRMED');
    const swept = await reservations.sweep(1000, new Date(Date.now() + 2 * HOLD_MS));
    expect(swept.confirmed).toBeGreaterThanOrEqual(1);
    expect(await storedStatus('l-confirmed')).toBe('CONFIRMED');
    expect(await stockOf(product._id)).toBe(3);
    expect(await reservations.confirm('l-confirmed')).toMatchObject({ status: 'CONFIRMED' });
  });

  it('a retried reservation answers with the first one, or refuses while it holds fewer lines than asked', async () => {
    const product = await newProduct(5);
    const first = await reservations.reserve('l-retried', [{ product: await loaded(product._id), quantity: 2 }]);
    expect(await reservations.reserve('l-retried', [{ product: await loaded(product._id), quantity: 2 }])).toEqual(first);
    await reservations.confirm('l-retried');
    expect(await reservations.reserve('l-retried', [{ product: await loaded(product._id), quantity: 2 }])).toMatchObject({ status: 'CONFIRMED' });
    expect(await stockOf(product._id)).toBe(3);
    // As when the request that made it died between its insert and its takes.
    const now = new Date();
    const line = { productId: product._id, sellerId: product.sellerId, title: product.title, quantity: 1, unitPrice: product.price };
    await db.collection('stockReservations').insertOne({ _id: 'l-half' as never, status: 'RESERVED', items: [line], createdAt: now, holdUntil: now, updatedAt: now });
    await expect(reservations.reserve('l-half', [{ product: await loaded(product._id), quantity: 1 }])).rejects.toThrow(/still being made/);
    expect(await stockOf(product._id)).toBe(3);
  });

  it('a release before its reservation leaves a placeholder that stands for none and stops it for good', async () => {
    const product = await newProduct(5);
    expect(await reservations.release('l-early')).toBeNull();
    expect(await reservations.release('l-early')).toBeNull();
    expect(await reservations.find('l-early')).toBeNull();
    expect(await reservations.releaseLines('l-early', [product._id.toHexString()])).toBeNull();
    await expect(reservations.reserve('l-early', [{ product: await loaded(product._id), quantity: 1 }])).rejects.toThrow(/released before it was made/);
    expect(await reservations.confirm('l-early')).toMatchObject({ status: 'RELEASED' });
    expect(await stockOf(product._id)).toBe(5);
  });

  it('a release racing its reservation: the stock is back, whichever got in first', async () => {
    const product = await newProduct(50);
    const copy = await loaded(product._id);
    await Promise.allSettled(Array.from({ length: 10 }, (_, i) => Promise.all([reservations.reserve(`l-racing-${i}`, [{ product: copy, quantity: 2 }]), reservations.release(`l-racing-${i}`)])));
    expect(await stockOf(product._id)).toBe(50);
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

describe('partial releases', () => {
  const movementsOf = (id: string) => db.collection('stockLedger').find({ movement: { $regex: `^(take|give):${id}:` } }).toArray();
  const givesOf = async (id: string) =>
    (await movementsOf(id))
      .filter((e) => e.movement.startsWith('give:'))
      .map((e) => ({ productId: e.productId.toHexString(), delta: e.delta }))
      .sort((x, y) => x.productId.localeCompare(y.productId));
  const hex = (product: { _id: ObjectId }) => product._id.toHexString();
  const sorted = (...ids: string[]) => ids.sort();
  const storedStatus = async (id: string) => (await reservations.find(id))?.status;
  const decisionOf = async (id: string) => (await db.collection('stockHoldDecisions').findOne({ _id: id as never }))?.decision;

  async function confirmed(id: string, quantities: number[]) {
    const products = await Promise.all(quantities.map(() => newProduct(10)));
    await reservations.reserve(id, products.map((product, i) => ({ product, quantity: quantities[i]! })));
    expect(await reservations.confirm(id)).toMatchObject({ status: 'CONFIRMED' });
    return products;
  }

  it('give back exactly the named lines, once, however often and concurrently they are asked for; the rest stays taken', async () => {
    const [a, b, c] = await confirmed('p-once', [2, 1, 3]);
    const answers = await Promise.all(Array.from({ length: 10 }, () => reservations.releaseLines('p-once', [hex(a!)])));
    expect(answers.map((r) => r?.status)).toEqual(Array(10).fill('CONFIRMED'));
    expect(await reservations.releaseLines('p-once', [hex(a!), hex(a!)])).toMatchObject({ status: 'CONFIRMED' });
    expect([await stockOf(a!._id), await stockOf(b!._id), await stockOf(c!._id)]).toEqual([10, 9, 7]);
    expect(await givesOf('p-once')).toEqual([{ productId: hex(a!), delta: 2 }]);
    expect(await reservations.givenBack((await reservations.find('p-once'))!)).toEqual(new Set([hex(a!)]));

    // A line already back, named again with another: only the other goes back.
    await Promise.all(Array.from({ length: 10 }, () => reservations.releaseLines('p-once', [hex(a!), hex(b!)])));
    expect([await stockOf(a!._id), await stockOf(b!._id), await stockOf(c!._id)]).toEqual([10, 10, 7]);
    expect(await givesOf('p-once')).toEqual(
      [{ productId: hex(a!), delta: 2 }, { productId: hex(b!), delta: 1 }].sort((x, y) => x.productId.localeCompare(y.productId)),
    );
    expect(await storedStatus('p-once')).toBe('CONFIRMED');
    // The sweep leaves the lines still taken alone.
    await reservations.sweep(1000, new Date(Date.now() + 2 * HOLD_MS));
    expect(await stockOf(c!._id)).toBe(7);
  });

  it('racing over different lines, give each back once, and the last one leaves the reservation RELEASED', async () => {
    const [a, b] = await confirmed('p-race', [4, 5]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => reservations.releaseLines('p-race', [hex(i % 2 ? a! : b!)])));
    expect([await stockOf(a!._id), await stockOf(b!._id)]).toEqual([10, 10]);
    expect((await givesOf('p-race')).map((g) => g.delta).sort()).toEqual([4, 5]);
    expect(answers.some((r) => r?.status === 'RELEASED')).toBe(true);
    expect(await storedStatus('p-race')).toBe('RELEASED');
    expect(await reservations.releaseLines('p-race', [hex(a!)])).toMatchObject({ status: 'RELEASED' });
    expect(await reservations.release('p-race')).toMatchObject({ status: 'RELEASED' });
    expect((await givesOf('p-race')).map((g) => g.delta).sort()).toEqual([4, 5]);
  });

  it('a partial then a whole release gives back the rest, once', async () => {
    const [a, b, c] = await confirmed('p-then-whole', [1, 2, 3]);
    await reservations.releaseLines('p-then-whole', [hex(b!)]);
    expect([await stockOf(a!._id), await stockOf(b!._id), await stockOf(c!._id)]).toEqual([9, 10, 7]);
    const answers = await Promise.all(Array.from({ length: 5 }, () => reservations.release('p-then-whole')));
    expect(answers.map((r) => r?.status)).toEqual(Array(5).fill('RELEASED'));
    expect([await stockOf(a!._id), await stockOf(b!._id), await stockOf(c!._id)]).toEqual([10, 10, 10]);
    const gives = await givesOf('p-then-whole');
    expect(gives.map((g) => g.productId)).toEqual(sorted(hex(a!), hex(b!), hex(c!)));
    expect(Object.fromEntries(gives.map((g) => [g.productId, g.delta]))).toEqual({ [hex(a!)]: 1, [hex(b!)]: 2, [hex(c!)]: 3 });
  });

  it('a partial and a whole release racing give every line back once', async () => {
    const [a, b] = await confirmed('p-with-whole', [3, 4]);
    await Promise.all([
      ...Array.from({ length: 5 }, () => reservations.releaseLines('p-with-whole', [hex(a!)])),
      ...Array.from({ length: 5 }, () => reservations.release('p-with-whole')),
    ]);
    expect([await stockOf(a!._id), await stockOf(b!._id)]).toEqual([10, 10]);
    expect((await givesOf('p-with-whole')).map((g) => g.delta).sort()).toEqual([3, 4]);
  });

  it('a whole then a partial release changes nothing', async () => {
    const [a, b] = await confirmed('p-after-whole', [2, 2]);
    await reservations.release('p-after-whole');
    const before = await movementsOf('p-after-whole');
    expect(await reservations.releaseLines('p-after-whole', [hex(a!)])).toMatchObject({ status: 'RELEASED' });
    expect([await stockOf(a!._id), await stockOf(b!._id)]).toEqual([10, 10]);
    expect(await movementsOf('p-after-whole')).toEqual(before);
  });

  it('refuse a product not in the reservation, naming it, and change nothing', async () => {
    const [a, b] = await confirmed('p-unknown', [2, 3]);
    const stranger = new ObjectId().toHexString();
    const refusal = reservations.releaseLines('p-unknown', [hex(a!), stranger, 'not-an-id']);
    await expect(refusal).rejects.toBeInstanceOf(NotInReservationError);
    await expect(refusal).rejects.toThrow(`products ${stranger}, not-an-id are not in reservation p-unknown`);
    expect([await stockOf(a!._id), await stockOf(b!._id)]).toEqual([8, 7]);
    expect(await givesOf('p-unknown')).toEqual([]);
    expect(await storedStatus('p-unknown')).toBe('CONFIRMED');
    // An id in capitals is the same product.
    await reservations.releaseLines('p-unknown', [hex(a!).toUpperCase()]);
    expect(await stockOf(a!._id)).toBe(10);
  });

  it('refuse a reservation that is not confirmed (held, or given back whole) and change nothing; a missing one is null', async () => {
    const a = await newProduct(10);
    await reservations.reserve('p-held', [{ product: a, quantity: 4 }]);
    await expect(reservations.releaseLines('p-held', [hex(a)])).rejects.toBeInstanceOf(ReservationNotConfirmedError);
    expect(await stockOf(a._id)).toBe(6);
    expect(await givesOf('p-held')).toEqual([]);
    expect(await decisionOf('p-held')).toBeUndefined();
    expect(await storedStatus('p-held')).toBe('RESERVED');
    // Still the orders service's to confirm.
    expect(await reservations.confirm('p-held')).toMatchObject({ status: 'CONFIRMED' });
    expect(await stockOf(a._id)).toBe(6);

    await reservations.reserve('p-abandoned', [{ product: a, quantity: 1 }]);
    await reservations.release('p-abandoned');
    const before = await movementsOf('p-abandoned');
    await expect(reservations.releaseLines('p-abandoned', [hex(a)])).rejects.toThrow(/never confirmed/);
    expect(await movementsOf('p-abandoned')).toEqual(before);

    expect(await reservations.releaseLines('p-missing', [hex(a)])).toBeNull();
    expect(await decisionOf('p-missing')).toBeUndefined();
    await reservations.reserve('p-missing', [{ product: a, quantity: 1 }]);
    expect(await stockOf(a._id)).toBe(5);
  });

  it('refuse a confirmed line whose take has not happened yet, rather than void it (which would fail the whole reservation)', async () => {
    const a = await newProduct(10);
    const now = new Date();
    const line = { productId: a._id, sellerId: a.sellerId, title: a.title, quantity: 2, unitPrice: a.price };
    // As while a reservation is still being made and something confirmed it already.
    await db.collection('stockReservations').insertOne({ _id: 'p-taking' as never, status: 'CONFIRMED', items: [line], createdAt: now, holdUntil: now, updatedAt: now });
    await db.collection('stockHoldDecisions').insertOne({ _id: 'p-taking' as never, decision: 'CONFIRMED', at: now });
    await expect(reservations.releaseLines('p-taking', [hex(a)])).rejects.toBeInstanceOf(ReservationConflictError);
    expect(await movementsOf('p-taking')).toEqual([]);
    expect(await stockOf(a._id)).toBe(10);
  });
});

describe('given-back lines', () => {
  it('count a line never taken (voided) as given back, next to lines taken and given back', async () => {
    const a = await newProduct(5);
    const b = await newProduct(5);
    await ledger.applyOnce(b._id, 0, `take:g-voided:${b._id.toHexString()}`);
    await expect(reservations.reserve('g-voided', [{ product: a, quantity: 2 }, { product: b, quantity: 2 }])).rejects.toThrow(/given back/);
    expect(await reservations.givenBack((await reservations.find('g-voided'))!)).toEqual(new Set([a._id.toHexString(), b._id.toHexString()]));
    await reservations.reserve('g-held', [{ product: a, quantity: 1 }]);
    expect(await reservations.givenBack((await reservations.find('g-held'))!)).toEqual(new Set());
  });
});

describe('releaseStock with productIds, over HTTP as the orders service', () => {
  const RESERVE = 'mutation ($input: ReserveStockInput!) { reserveStock(input: $input) { id status } }';
  const CONFIRM = 'mutation ($id: ID!) { confirmStock(reservationId: $id) { id status } }';
  const RELEASE = 'mutation ($id: ID!, $productIds: [ID!]) { releaseStock(reservationId: $id, productIds: $productIds) { id status items { productId released } } }';
  let server: RunningServer;
  let token: string;
  const call = (query: string, variables: Record<string, unknown>) => graphql(server.url, query, variables, { token });

  beforeAll(async () => {
    const pair = await generatePaserkKeyPair();
    const users = await importKeyRing((await generatePaserkKeyPair()).publicKey);
    const logger = createLogger('products-stock-test');
    server = await startProductsService({ mongo: client, database: db.databaseName, keys: { users, services: await importKeyRing(pair.publicKey) }, host: '127.0.0.1', port: 0, production: false, logger });
    token = (await signServiceToken(await importSigningKey(pair.secretKey), 'orders')).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function placed(id: string, confirm: boolean) {
    const [a, b] = [await newProduct(10), await newProduct(10)];
    const items = [{ productId: hex(a), quantity: 2 }, { productId: hex(b), quantity: 3 }];
    expect((await call(RESERVE, { input: { reservationId: id, items } })).errors).toBeUndefined();
    if (confirm) expect((await call(CONFIRM, { id })).data?.confirmStock.status).toBe('CONFIRMED');
    return [a, b] as const;
  }
  const hex = (product: { _id: ObjectId }) => product._id.toHexString();
  const itemsOf = (...pairs: [string, boolean][]) => pairs.map(([productId, released]) => ({ productId, released })).sort((x, y) => x.productId.localeCompare(y.productId));

  it('gives back the named lines and says which items are released; without productIds, the rest', async () => {
    const [a, b] = await placed('http-partial', true);
    const partial = await call(RELEASE, { id: 'http-partial', productIds: [hex(a)] });
    expect(partial.errors).toBeUndefined();
    expect(partial.data?.releaseStock).toEqual({ id: 'http-partial', status: 'CONFIRMED', items: itemsOf([hex(a), true], [hex(b), false]) });
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([10, 7]);
    const whole = await call(RELEASE, { id: 'http-partial' });
    expect(whole.data?.releaseStock).toEqual({ id: 'http-partial', status: 'RELEASED', items: itemsOf([hex(a), true], [hex(b), true]) });
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([10, 10]);
  });

  it('answers BAD_USER_INPUT for a product not in the reservation, an empty list or an unconfirmed reservation, changing nothing', async () => {
    const [a, b] = await placed('http-refused', true);
    const stranger = new ObjectId().toHexString();
    const unknown = await call(RELEASE, { id: 'http-refused', productIds: [hex(a), stranger] });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.errors?.[0]?.message).toBe(`product ${stranger} is not in reservation http-refused`);
    expect(unknown.errors?.[0]?.extensions?.field).toBe('productIds');
    expect(errorCodes(await call(RELEASE, { id: 'http-refused', productIds: [] }))).toEqual(['BAD_USER_INPUT']);
    expect([await stockOf(a._id), await stockOf(b._id)]).toEqual([8, 7]);

    const [c] = await placed('http-unconfirmed', false);
    const unconfirmed = await call(RELEASE, { id: 'http-unconfirmed', productIds: [hex(c)] });
    expect(errorCodes(unconfirmed)).toEqual(['BAD_USER_INPUT']);
    expect(unconfirmed.errors?.[0]?.message).toMatch(/not confirmed yet/);
    expect(await stockOf(c._id)).toBe(8);
    expect(errorCodes(await call(RELEASE, { id: 'http-nowhere', productIds: [hex(c)] }))).toEqual(['NOT_FOUND']);
  });
});
