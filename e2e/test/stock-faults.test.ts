// Stock stays exact through outages: concurrent placements while the products or orders service is SIGKILLed or stalled, checked in the databases afterwards.
import type { Db, ObjectId } from 'mongodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { graphql } from '@marketplace/testing';
import { createProduct } from '../harness/marketplace.ts';
import { openStockDatabases, startOrders, startProducts, stockKeys, type ServiceProcess } from '../harness/service-processes.ts';

/** FAULT_TEST_SWEEPS_OFF=1 turns both services' sweeps off, to see these tests fail without them. */
const SWEEP_SECONDS = process.env.FAULT_TEST_SWEEPS_OFF === '1' ? 0 : 1;
const HOLD_SECONDS = 3;
/** The hold, a few sweep passes (the orders service's after the products service's) and a margin for a loaded machine. */
const SETTLE_TIMEOUT_MS = (HOLD_SECONDS + 5) * 1000 + 12_000;
const STALL_MS = 3000;
const PRODUCTS_TIMEOUT_MS = 1500;
const PLACEMENTS = 90;
/** Placements in flight at once; fewer while products is stalled, so the fault is the stall, not a backlog it cannot work off. */
const CONCURRENCY = { kill: 10, stall: 6 };
const BUYERS = 15;
/** One product runs short, so refusals (INSUFFICIENT_STOCK) and failed reservations are part of the mix. */
const STOCKS = [400, 400, 300, 60];

const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';

type Line = { productId: string; quantity: number };

/** A fixed pseudo-random sequence (mulberry32), so every run places the same orders. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Orders of one to three lines over distinct products, 1–4 units a line. */
function planOrders(productIds: string[], count: number): Line[][] {
  const next = random(7);
  return Array.from({ length: count }, () => {
    const lines = next() < 0.5 ? 1 : next() < 0.7 ? 2 : 3;
    const shuffled = [...productIds].sort(() => next() - 0.5);
    return shuffled.slice(0, lines).map((productId) => ({ productId, quantity: 1 + Math.floor(next() * 4) }));
  });
}

/** Placements from a pool of concurrent workers, which a fault can hold back (`pause`) while a service is down. */
class Load {
  settled = 0;
  readonly placed: string[] = [];
  /** Refused for want of stock: an answer, not a fault. */
  readonly refused: string[] = [];
  /** Anything else: an error answer or a broken connection. */
  readonly failed: string[] = [];
  /** When the fault was over (the service restarted or resumed). */
  faultEndedAt = Infinity;
  /** Placements started after the fault was over that went through: the services recovered. */
  placedAfterFault = 0;
  #paused: PromiseWithResolvers<void> | undefined;

  readonly orders: ServiceProcess;
  readonly buyers: string[];

  constructor(orders: ServiceProcess, buyers: string[]) {
    this.orders = orders;
    this.buyers = buyers;
  }

  pause(): void {
    this.#paused ??= Promise.withResolvers<void>();
  }

  resume(): void {
    this.#paused?.resolve();
    this.#paused = undefined;
  }

  async run(plans: Line[][], concurrency: number): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (;;) {
        while (this.#paused) await this.#paused.promise;
        const i = next++;
        if (i >= plans.length) return;
        await this.#place(plans[i]!, this.buyers[i % this.buyers.length]!);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  async #place(items: Line[], token: string): Promise<void> {
    const startedAt = Date.now();
    try {
      const result = await graphql(this.orders.url, PLACE, { input: { items } }, { token });
      if (result.data?.placeOrder?.id) {
        this.placed.push(result.data.placeOrder.id);
        if (startedAt >= this.faultEndedAt) this.placedAfterFault++;
      }      else if (result.errors?.[0]?.extensions?.code === 'INSUFFICIENT_STOCK') this.refused.push(result.errors[0].message);
      else this.failed.push(`${result.status}: ${JSON.stringify(result.errors)}`);
    } catch (error) {
      this.failed.push(String((error as Error).cause ?? error));
    } finally {
      this.settled++;
    }
  }
}

async function openWorld(ordersEnv: Record<string, string>) {
  const databases = await openStockDatabases(inject('mongoUri'), 'faults');
  const keys = await stockKeys();
  const sweeps = { SWEEP_INTERVAL_SECONDS: String(SWEEP_SECONDS), LOG_LEVEL: 'info' };
  const products = await startProducts(keys, databases, { ...sweeps, STOCK_HOLD_SECONDS: String(HOLD_SECONDS) });
  const orders = await startOrders(keys, databases, products.url, { ...sweeps, ...ordersEnv });
  const seller = await keys.token('SELLER');
  const start = new Map<string, number>();
  for (const stock of STOCKS) start.set(await createProduct(products.url, seller, { stock }), stock);
  const buyers = await Promise.all(Array.from({ length: BUYERS }, () => keys.token('BUYER')));
  const load = new Load(orders, buyers);
  return { products, orders, load, start, plans: planOrders([...start.keys()], PLACEMENTS), productsDb: databases.productsDb, ordersDb: databases.ordersDb };
}

type World = Awaited<ReturnType<typeof openWorld>>;

/** The latest status of every order, from its event log (the order's own copy may lag); placing is event 0, not stored. */
async function statuses(ordersDb: Db) {
  const orders = await ordersDb.collection('orders').find().toArray();
  const events = await ordersDb.collection('orderEvents').find().sort({ sequence: 1 }).toArray();
  const latest = new Map<string, string>(orders.map((o) => [o._id.toHexString(), 'PENDING']));
  for (const event of events) latest.set(event.orderId.toHexString(), event.status);
  return { orders, latest };
}

/**
 * Throws unless stock and orders agree: stock taken equals the live orders' lines, every
 * reservation is held for a live order or fully given back, and every live order holds its stock.
 */
async function checkInvariants(world: World) {
  const { productsDb, ordersDb, start } = world;
  const all = (name: string) => productsDb.collection(name).find().toArray();
  const [products, reservations, decisionDocs, ledger] = await Promise.all([all('products'), all('stockReservations'), all('stockHoldDecisions'), all('stockLedger')]);
  const { orders, latest } = await statuses(ordersDb);
  const decisions = new Map(decisionDocs.map((d) => [String(d._id), String(d.decision)]));
  const live = orders.filter((o) => latest.get(o._id.toHexString()) !== 'CANCELLED');

  // Net units each reservation holds of each product: minus its take, minus its give-back.
  const held = new Map<string, number>();
  for (const entry of ledger) {
    if (typeof entry.movement !== 'string') continue;
    const [kind, reservation, product] = entry.movement.split(':');
    expect(['take', 'give'], entry.movement).toContain(kind);
    held.set(`${reservation}:${product}`, (held.get(`${reservation}:${product}`) ?? 0) - entry.delta);
  }
  const holding = (reservation: string, productId: ObjectId) => held.get(`${reservation}:${productId.toHexString()}`) ?? 0;

  for (const product of products) {
    const id = product._id.toHexString();
    const ordered = live.flatMap((o) => o.items).filter((line) => line.productId.toHexString() === id).reduce((sum, line) => sum + line.quantity, 0);
    expect(start.get(id)! - product.stock, `units of ${id} taken vs. ordered by live orders`).toBe(ordered);
  }

  /** Reservations without an order whose taken stock went back: placements cut short (or refused after a partial take). */
  let orphansGivenBack = 0;
  for (const reservation of reservations) {
    const id = String(reservation._id);
    const order = orders.find((o) => o._id.toHexString() === id);
    const status = order ? latest.get(id) : 'no order';
    const confirmed = decisions.get(id) === 'CONFIRMED' && order !== undefined && status !== 'CANCELLED';
    const what = `reservation ${id} (${reservation.status}, decision ${decisions.get(id)}, order ${status})`;
    const lines = reservation.items.map((line: { productId: ObjectId; quantity: number }) => holding(id, line.productId));
    expect(lines, what).toEqual(reservation.items.map((line: { quantity: number }) => (confirmed ? line.quantity : 0)));
    if (!order && ledger.some((e) => e.movement?.startsWith(`give:${id}:`))) orphansGivenBack++;
  }

  for (const order of live) {
    const id = order._id.toHexString();
    expect(decisions.get(id), `decision for live order ${id} (${latest.get(id)})`).toBe('CONFIRMED');
    const reservation = reservations.find((r) => String(r._id) === id);
    expect(reservation, `reservation of live order ${id}`).toBeDefined();
    for (const line of order.items) expect(holding(id, line.productId), `units live order ${id} holds of ${line.productId}`).toBe(line.quantity);
    // And the orders service knows it: a confirmation whose answer was lost is picked up by its sweep.
    expect(order.stockConfirmedAt, `stockConfirmedAt of live order ${id}`).toBeInstanceOf(Date);
  }
  for (const order of orders.filter((o) => !live.includes(o))) {
    expect(order.stockReleasedAt, `stockReleasedAt of cancelled order ${order._id.toHexString()}`).toBeInstanceOf(Date);
  }
  return { orders: orders.length, live: live.length, reservations: reservations.length, orphansGivenBack };
}

/** Waits (bounded) for the sweeps to settle what the fault left, then checks that the fault hit something. */
async function expectSettled(world: World, label: string) {
  const stats = await vi.waitFor(() => checkInvariants(world), { timeout: SETTLE_TIMEOUT_MS, interval: 250 });
  const { load } = world;
  // Orders the buyer was told were placed and the system cancelled since (a hold that ran out before its confirmation got through).
  const cancels = await world.ordersDb.collection('orderEvents').find({ status: 'CANCELLED' }).toArray();
  const acknowledgedCancelled = cancels.filter((e) => load.placed.includes(e.orderId.toHexString())).map((e) => `${e.note}`);
  process.stderr.write(
    `[${label}] placed ${load.placed.length} (${load.placedAfterFault} after the fault), refused ${load.refused.length}, failed ${load.failed.length}; ` +
      `${stats.reservations} reservations, ${stats.orders} orders (${stats.live} live), ${stats.orphansGivenBack} given back without an order; ` +
      `acknowledged then cancelled: ${acknowledgedCancelled.length ? acknowledgedCancelled.join(', ') : 'none'}\n`,
  );
  expect(load.settled).toBe(PLACEMENTS);
  expect(load.failed.length, 'placements the fault broke').toBeGreaterThan(0);
  expect(load.placedAfterFault, 'placements started after the fault that went through').toBeGreaterThan(0);
  return stats;
}

/** Orders recorded whose reservation the products service has not confirmed yet. */
async function confirmationsUnderway({ ordersDb, productsDb }: World): Promise<number> {
  const recorded = await ordersDb.collection('orders').find({ stockConfirmedAt: null }, { projection: { _id: 1 } }).toArray();
  const ids = recorded.map((o) => o._id.toHexString());
  return ids.length - (await productsDb.collection<{ _id: string }>('stockHoldDecisions').countDocuments({ _id: { $in: ids } }));
}

/** Waits until `count` placements have settled, so the fault lands in the middle of the load. */
const untilSettled = (load: Load, count: number) => vi.waitFor(() => expect(load.settled).toBeGreaterThanOrEqual(count), { timeout: 30_000, interval: 5 });

describe('stock through faults', () => {
  it('SIGKILL of the products service mid-placement: nothing held for orders that do not exist, nothing lost for ones that do', async () => {
    const world = await openWorld({});
    const running = world.load.run(world.plans, CONCURRENCY.kill);
    await untilSettled(world.load, 25);
    // New placements wait for the restart; those in flight meet the kill.
    world.load.pause();
    await world.products.kill();
    await world.products.restart();
    world.load.faultEndedAt = Date.now();
    world.load.resume();
    await running;
    await expectSettled(world, 'products SIGKILL');
  }, 90_000);

  it('SIGKILL of the orders service mid-placement: reservations it never confirmed are given back', async () => {
    const world = await openWorld({});
    const running = world.load.run(world.plans, CONCURRENCY.kill);
    await untilSettled(world.load, 25);
    world.load.pause();
    await world.orders.kill();
    await world.orders.restart();
    world.load.faultEndedAt = Date.now();
    world.load.resume();
    await running;
    await expectSettled(world, 'orders SIGKILL');
  }, 90_000);

  it('products stalled longer than the stock call timeout: the reservations it makes once resumed are given back', async () => {
    const world = await openWorld({ PRODUCTS_TIMEOUT_MS: String(PRODUCTS_TIMEOUT_MS) });
    const running = world.load.run(world.plans, CONCURRENCY.stall);
    await untilSettled(world.load, 25);
    // Stalled while an order is recorded and the products service has not confirmed it yet, so a
    // confirmation's answer is lost as well as reservations; placements go on during the stall, their
    // requests queued in its sockets.
    await vi.waitFor(async () => expect(await confirmationsUnderway(world)).toBeGreaterThan(0), { timeout: 30_000, interval: 2 });
    world.products.stall();
    await new Promise((resolve) => setTimeout(resolve, STALL_MS));
    world.products.resume();
    world.load.faultEndedAt = Date.now();
    await running;
    await expectSettled(world, 'products stall');
    // Made once resumed, for placements the orders service had given up on (no order): the invariants above saw them given back.
    const late = await world.productsDb.collection('stockReservations').find({ createdAt: { $gte: new Date(world.load.faultEndedAt) } }).toArray();
    const orders = new Set((await world.ordersDb.collection('orders').find().toArray()).map((o) => o._id.toHexString()));
    expect(late.filter((r) => !orders.has(String(r._id))).length, 'reservations made after the stall without an order').toBeGreaterThan(0);
  }, 90_000);
});
