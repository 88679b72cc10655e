// When placeOrder fails after the stock was reserved, the reservation is given back and the client
// sees only a masked error. The orders service over HTTP, with its orders store made to fail, calls
// a real products service over HTTP; both on the real database.
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generatePaserkKeyPair, importKeyRing, importSigningKey, signAccessToken } from '@marketplace/auth';
import { startProductsService } from '@marketplace/products';
import { createLogger, type RunningServer } from '@marketplace/service-kit';
import { expectData, graphql, startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { startOrdersService } from '../src/service.ts';
import { openStores, type Stores } from '../src/stores/index.ts';

const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
const STOCK = 'query ($id: ID!) { product(id: $id) { stock } }';
const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }';
/** What the failing store throws: a driver-like message that must never reach a client. */
const DRIVER_MESSAGE = 'connection 7 to 10.0.0.5:27017 closed: secret detail';

let database: DatabaseHandle;
let client: MongoClient;
const prefix = `t${new ObjectId().toHexString()}`;
const servers: RunningServer[] = [];
let stores: Stores;
let productsUrl: string;
let ordersUrl: string;
let buyerToken: string;
let sellerToken: string;
/** How many of the next order inserts fail. */
let failingInserts = 0;

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  const logger = createLogger('orders-cleanup-test');
  const [userPair, servicePair] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
  const userSigner = await importSigningKey(userPair.secretKey);
  const users = await importKeyRing(userPair.publicKey);
  const loopback = { host: '127.0.0.1', port: 0, production: false, logger };
  const products = await startProductsService({ mongo: client, database: `${prefix}_products`, keys: { users, services: await importKeyRing(servicePair.publicKey) }, ...loopback });
  servers.push(products);
  productsUrl = products.url;

  stores = await openStores(client.db(`${prefix}_orders`));
  // The fault, at the store boundary: the step after the reservation (recording the order) fails.
  const insert = stores.orders.insert.bind(stores.orders);
  stores.orders.insert = async (order) => {
    if (failingInserts > 0) {
      failingInserts--;
      throw new Error(DRIVER_MESSAGE);
    }
    return insert(order);
  };
  const orders = await startOrdersService({
    mongo: client,
    database: `${prefix}_orders`,
    keys: { users },
    serviceSigner: await importSigningKey(servicePair.secretKey),
    productsUrl,
    stores,
    ...loopback,
  });
  servers.push(orders);
  ordersUrl = orders.url;
  buyerToken = (await signAccessToken(userSigner, { userId: new ObjectId().toHexString(), roles: ['BUYER'] })).token;
  sellerToken = (await signAccessToken(userSigner, { userId: new ObjectId().toHexString(), roles: ['SELLER'] })).token;
}, 240_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await client?.db(`${prefix}_products`).dropDatabase();
  await client?.db(`${prefix}_orders`).dropDatabase();
  await client?.close();
  await database?.stop();
});
beforeEach(() => {
  failingInserts = 0;
});

async function newProduct(stock: number): Promise<string> {
  const input = { title: 'Teapot', description: '', price: { amount: 2500, currency: 'EUR' }, stock };
  return (await expectData(productsUrl, CREATE, { input }, { token: sellerToken })).createProduct.id;
}
const stockOf = async (id: string): Promise<number> => (await expectData(productsUrl, STOCK, { id })).product.stock;
const place = (input: Record<string, unknown>) => graphql(ordersUrl, PLACE, { input }, { token: buyerToken });
const reservations = () => client.db(`${prefix}_products`).collection<{ _id: string; status: string }>('stockReservations');

function expectMasked(result: Awaited<ReturnType<typeof place>>) {
  expect(result.data).toBeNull();
  expect(result.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
  expect(JSON.stringify(result)).not.toContain('secret detail');
}

describe('placeOrder failing after the stock was reserved', () => {
  it('gives the reservation back and answers with a masked error; the next order goes through', async () => {
    const productId = await newProduct(5);
    failingInserts = 1;
    const failed = await place({ items: [{ productId, quantity: 2 }] });
    expectMasked(failed);
    expect(failingInserts).toBe(0);
    // The reservation was made (under the id the order would have had) and released again.
    const held = await reservations().find({ 'items.productId': new ObjectId(productId) }).toArray();
    expect(held.map((r) => r.status)).toEqual(['RELEASED']);
    expect(await stockOf(productId)).toBe(5);
    expect(await stores.orders.findById(new ObjectId(held[0]!._id))).toBeNull();

    const placed = await place({ items: [{ productId, quantity: 2 }] });
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.placeOrder.status).toBe('PENDING');
    expect(await stockOf(productId)).toBe(3);
  });

  it('with an idempotency key, also frees the key, so a retry with it places the order once', async () => {
    const productId = await newProduct(4);
    failingInserts = 1;
    const input = { items: [{ productId, quantity: 3 }], idempotencyKey: 'retry-after-failure' };
    expectMasked(await place(input));
    expect(await stockOf(productId)).toBe(4);
    const retried = await place(input);
    expect(retried.errors).toBeUndefined();
    expect(await stockOf(productId)).toBe(1);
    expect((await place(input)).data?.placeOrder.id).toBe(retried.data?.placeOrder.id);
    expect(await stockOf(productId)).toBe(1);
  });
});
