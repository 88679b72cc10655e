// Order transitions and idempotent placement against a real database, under concurrency.
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { IdempotencyClaims } from '../src/stores/idempotency-claims.ts';
import { OrderEventLog } from '../src/stores/order-events.ts';
import type { OrderParty } from '../src/order-states/state-machine.ts';
import { OrderTransitions, TransitionRefusedError } from '../src/order-states/transitions.ts';
import { placeOnce } from '../src/idempotent-placement.ts';
import { OrdersStore, type OrderDocument } from '../src/stores/orders.ts';

let database: DatabaseHandle;
let client: MongoClient;
let db: Db;
let store: OrdersStore;
let events: OrderEventLog;
let transitions: OrderTransitions;
let claims: IdempotencyClaims;

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  db = client.db(`orders_${new ObjectId().toHexString()}`);
  store = new OrdersStore(db);
  events = new OrderEventLog(db);
  transitions = new OrderTransitions({ orders: store, events });
  claims = new IdempotencyClaims(db);
  await store.ensureIndexes();
  await events.ensureIndexes();
}, 240_000);
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await database?.stop();
});

const buyer: OrderParty = { isBuyer: true, sellsAnItem: false, sellsEveryItem: false, isAdmin: false };
const actorId = new ObjectId();

function newOrder(_id = new ObjectId(), buyerId = new ObjectId()): OrderDocument {
  const sellerId = new ObjectId();
  const now = new Date();
  return {
    _id,
    buyerId,
    items: [{ productId: new ObjectId(), sellerId, title: 'Widget', quantity: 1, unitPrice: { amount: 100, currency: 'EUR' } }],
    sellerIds: [sellerId],
    total: { amount: 100, currency: 'EUR' },
    status: 'PENDING',
    statusSequence: 0,
    trackingNumber: null,
    createdAt: now,
    updatedAt: now,
  };
}

describe('start-up', () => {
  it('creates the indexes again on an existing database without error', async () => {
    await store.ensureIndexes();
    await events.ensureIndexes();
    const names = (await db.collection('orders').indexes()).map((i) => i.name);
    expect(names).toEqual(expect.arrayContaining(['by_buyer_status_newest', 'by_seller_status_newest']));
  });
});

describe('transitions', () => {
  it('lets exactly one of 20 concurrent cancels in and refuses the rest from CANCELLED', async () => {
    const order = await store.insert(newOrder());
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => transitions.apply(order, 'cancel', buyer, { actorId })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toBeInstanceOf(TransitionRefusedError);
      expect(outcome.reason.decision).toMatchObject({ refusal: 'status', from: 'CANCELLED', allowed: [] });
    }
    expect((await events.forOrders([order._id])).map((e) => e.status)).toEqual(['CANCELLED']);
    expect(await store.findById(order._id)).toMatchObject({ status: 'CANCELLED', statusSequence: 1 });
  });

  it('keeps one gapless history when payments and cancels race, and the copy equals its end', async () => {
    const order = await store.insert(newOrder());
    await Promise.allSettled(Array.from({ length: 20 }, (_, i) => transitions.apply(order, i % 2 ? 'cancel' : 'pay', buyer, { actorId })));
    const log = await events.forOrders([order._id]);
    expect(log.map((e) => e.sequence)).toEqual(log.map((_, i) => i + 1));
    expect([['CANCELLED'], ['PAID', 'CANCELLED']]).toContainEqual(log.map((e) => e.status));
    expect(await store.findById(order._id)).toMatchObject({ status: 'CANCELLED', statusSequence: log.length });
  });

  it('repairs a stale copy on the order and carries the tracking number forward', async () => {
    const order = await store.insert(newOrder());
    const admin: OrderParty = { ...buyer, isBuyer: false, isAdmin: true };
    await transitions.apply(order, 'pay', buyer, { actorId, paymentId: 'p-1' });
    await transitions.apply(order, 'ship', admin, { actorId, trackingNumber: 'T-9' });
    // As if a slow writer had put the PAID copy back over the SHIPPED one.
    await db.collection('orders').updateOne({ _id: order._id }, { $set: { status: 'PAID', statusSequence: 1, trackingNumber: null } });
    const { order: delivered } = await transitions.apply(order, 'deliver', admin, { actorId });
    expect(delivered).toMatchObject({ status: 'DELIVERED', trackingNumber: 'T-9' });
    expect(await store.findById(order._id)).toMatchObject({ status: 'DELIVERED', statusSequence: 3, trackingNumber: 'T-9' });
    expect((await events.latest(order._id))?.trackingNumber).toBe('T-9');
  });
});

describe('placing once per idempotency key', () => {
  const items = [{ productId: new ObjectId().toHexString(), quantity: 2 }];

  it('places one order for 20 concurrent requests with one key and answers each with it', async () => {
    const buyerId = new ObjectId();
    let placed = 0;
    const place = async (orderId: ObjectId) => {
      placed++;
      await sleep(100);
      return store.insert(newOrder(orderId, buyerId));
    };
    const orders = await Promise.all(Array.from({ length: 20 }, () => placeOnce({ claims, orders: store }, { buyerId, key: 'k-1', items }, place)));
    expect(placed).toBe(1);
    expect(new Set(orders.map((o) => o._id.toHexString())).size).toBe(1);
    await expect(placeOnce({ claims, orders: store }, { buyerId, key: 'k-1', items: [{ ...items[0]!, quantity: 3 }] }, place)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    const another = await placeOnce({ claims, orders: store }, { buyerId: new ObjectId(), key: 'k-1', items }, place);
    expect(placed).toBe(2);
    expect(another._id.equals(orders[0]!._id)).toBe(false);
  });

  it('frees the key when the placement fails, so a retry places the order', async () => {
    const buyerId = new ObjectId();
    const failing = async () => {
      throw new Error('out of stock');
    };
    await expect(placeOnce({ claims, orders: store }, { buyerId, key: 'k-2', items }, failing)).rejects.toThrow('out of stock');
    const order = await placeOnce({ claims, orders: store }, { buyerId, key: 'k-2', items }, (orderId) => store.insert(newOrder(orderId, buyerId)));
    expect(order.buyerId.equals(buyerId)).toBe(true);
  });
});
