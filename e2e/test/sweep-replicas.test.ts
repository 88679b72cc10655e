// Sweeps on two replicas of each service at once: unpaid orders expire exactly once, paid ones stay, and no stock is given back twice.
import { ObjectId } from 'mongodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { expectData, graphql } from '@marketplace/testing';
import { createProduct } from '../harness/marketplace.ts';
import { openStockDatabases, startOrders, startProducts, stockKeys, type ServiceProcess } from '../harness/service-processes.ts';

const SWEEP_SECONDS = process.env.FAULT_TEST_SWEEPS_OFF === '1' ? 0 : 1;
const HOLD_SECONDS = 3;
const PAYMENT_TIMEOUT_SECONDS = 5;
/** The payment deadline, a few sweep passes on either side and a margin for a loaded machine. */
const SETTLE_TIMEOUT_MS = (PAYMENT_TIMEOUT_SECONDS + 5) * 1000 + 12_000;
/** Placements through each orders replica. */
const PER_REPLICA = 18;
/** Every so many placements, the order is paid at once (well inside its deadline). */
const PAY_EVERY = 5;
/** Reservations made straight on the products service and never confirmed, as by an orders replica that died right after. */
const ORPHANS = 3;
const STOCKS = [300, 300, 300];

const PLACE = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
const PAY = 'mutation ($id: ID!) { payOrder(id: $id) { id status } }';
const RESERVE = 'mutation ($input: ReserveStockInput!) { reserveStock(input: $input) { id status } }';

type Line = { productId: string; quantity: number };

describe('sweeps on replicas', () => {
  it('two products and two orders replicas expire every unpaid order once and give each reservation back once', async () => {
    const databases = await openStockDatabases(inject('mongoUri'), 'replicas');
    const keys = await stockKeys();
    const sweeps = { SWEEP_INTERVAL_SECONDS: String(SWEEP_SECONDS), LOG_LEVEL: 'info' };
    const productsEnv = { ...sweeps, STOCK_HOLD_SECONDS: String(HOLD_SECONDS) };
    const ordersEnv = { ...sweeps, ORDER_PAYMENT_TIMEOUT_SECONDS: String(PAYMENT_TIMEOUT_SECONDS) };
    const products = await Promise.all([1, 2].map((n) => startProducts(keys, databases, productsEnv, { label: `products-${n}` })));
    const orders = await Promise.all(products.map((p, i) => startOrders(keys, databases, p.url, ordersEnv, { label: `orders-${i + 1}` })));

    const seller = await keys.token('SELLER');
    const start = new Map<string, number>();
    for (const stock of STOCKS) start.set(await createProduct(products[0]!.url, seller, { stock }), stock);
    const ids = [...start.keys()];
    const buyers = await Promise.all(Array.from({ length: 12 }, () => keys.token('BUYER')));

    const acknowledged = new Set<string>();
    const paid = new Set<string>();
    const failed: string[] = [];
    let settledOnSecond = 0;
    let paused: PromiseWithResolvers<void> | undefined;

    // Placements through one replica, a few workers at a time; every PAY_EVERY-th is paid right away, through
    // the first replica (never killed, so no payment's outcome is left unknown).
    async function placeThrough(replica: number, workers: number) {
      let next = 0;
      const worker = async () => {
        for (;;) {
          while (replica === 1 && paused) await paused.promise;
          const i = next++;
          if (i >= PER_REPLICA) return;
          const items: Line[] = [{ productId: ids[i % 3]!, quantity: 1 + (i % 4) }];
          if (i % 3 === 1) items.push({ productId: ids[(i + 1) % 3]!, quantity: 2 });
          const token = buyers[(replica * PER_REPLICA + i) % buyers.length]!;
          try {
            const result = await graphql(orders[replica]!.url, PLACE, { input: { items } }, { token });
            const id: string | undefined = result.data?.placeOrder?.id;
            if (!id) throw new Error(`${result.status}: ${JSON.stringify(result.errors)}`);
            acknowledged.add(id);
            if (i % PAY_EVERY === 0) {
              const payment = await expectData(orders[0]!.url, PAY, { id }, { token });
              expect(payment.payOrder.status).toBe('PAID');
              paid.add(id);
            }
          } catch (error) {
            failed.push(`orders-${replica + 1}: ${String((error as Error).cause ?? (error as Error).message)}`);
          } finally {
            if (replica === 1) settledOnSecond++;
          }
        }
      };
      await Promise.all(Array.from({ length: workers }, worker));
    }

    const placing = Promise.all([placeThrough(0, 4), placeThrough(1, 6)]);
    // The second orders replica dies with placements in flight (their reservations unconfirmed), and comes back.
    await vi.waitFor(() => expect(settledOnSecond).toBeGreaterThanOrEqual(6), { timeout: 30_000, interval: 5 });
    paused = Promise.withResolvers<void>();
    await orders[1]!.kill();
    await orders[1]!.restart();
    paused.resolve();
    paused = undefined;
    const serviceToken = await keys.serviceToken();
    const orphans = Array.from({ length: ORPHANS }, () => new ObjectId().toHexString());
    for (const [n, reservationId] of orphans.entries()) {
      const input = { reservationId, items: [{ productId: ids[n % 3]!, quantity: 5 }] };
      expect((await expectData(products[n % 2]!.url, RESERVE, { input }, { token: serviceToken })).reserveStock.status).toBe('RESERVED');
    }
    await placing;
    expect(acknowledged.size, `acknowledged placements (failed: ${failed.join('; ')})`).toBeGreaterThanOrEqual(25);
    expect(paid.size).toBeGreaterThanOrEqual(5);

    const { productsDb, ordersDb } = databases;
    const settled = async () => {
      const all = await ordersDb.collection('orders').find().toArray();
      const events = await ordersDb.collection('orderEvents').find().sort({ sequence: 1 }).toArray();
      const ledger = await productsDb.collection('stockLedger').find().toArray();
      const reservations = await productsDb.collection('stockReservations').find().toArray();
      const stocks = await productsDb.collection('products').find().toArray();

      for (const order of all) {
        const id = order._id.toHexString();
        const own = events.filter((e) => e.orderId.toHexString() === id);
        const cancels = own.filter((e) => e.status === 'CANCELLED');
        const latest = own.at(-1)?.status ?? 'PENDING';
        if (paid.has(id)) {
          expect({ id, latest, cancels: cancels.length }).toEqual({ id, latest: 'PAID', cancels: 0 });
          continue;
        }
        expect({ id, latest }).toEqual({ id, latest: 'CANCELLED' });
        expect(cancels.length, `CANCELLED events of ${id}`).toBe(1);
        expect(cancels[0]!.actorId, `actor of ${id}'s cancel`).toBeNull();
        // An order whose placement was cut short by the kill may instead have lost its hold before a sweep confirmed it.
        const notes = acknowledged.has(id) ? ['payment timeout'] : ['payment timeout', 'stock hold expired'];
        expect(notes, `note of ${id}'s cancel`).toContain(cancels[0]!.note);
      }
      for (const id of paid) expect(all.some((o) => o._id.toHexString() === id), `paid order ${id} stored`).toBe(true);

      // Stock comes back only through a reservation's give-back movement, one per reservation and product.
      const gives = new Map<string, number>();
      const takes = new Map<string, number>();
      for (const entry of ledger) {
        if (entry.delta > 0 && entry.reason !== 'created') expect(entry.movement ?? entry.reason, `stock given back by ${entry._id}`).toMatch(/^give:/);
        const [kind, reservation, product] = String(entry.movement ?? '').split(':');
        const key = `${reservation}:${product}`;
        if (kind === 'give') {
          expect(gives.has(key), `a second give-back of ${key}`).toBe(false);
          gives.set(key, entry.delta);
        }
        if (kind === 'take') takes.set(key, entry.delta);
      }
      for (const reservation of reservations) {
        const id = String(reservation._id);
        for (const line of reservation.items) {
          const key = `${id}:${line.productId.toHexString()}`;
          const held = -(takes.get(key) ?? 0) - (gives.get(key) ?? 0);
          expect({ key, held }, `reservation ${id} (${reservation.status})`).toEqual({ key, held: paid.has(id) ? line.quantity : 0 });
        }
      }
      for (const product of stocks) {
        const id = product._id.toHexString();
        const paidUnits = all.filter((o) => paid.has(o._id.toHexString())).flatMap((o) => o.items).filter((l) => l.productId.toHexString() === id);
        expect({ id, taken: start.get(id)! - product.stock }).toEqual({ id, taken: paidUnits.reduce((sum, l) => sum + l.quantity, 0) });
      }
      return { orders: all.length, reservations: reservations.length, gives: gives.size };
    };
    const stats = await vi.waitFor(settled, { timeout: SETTLE_TIMEOUT_MS, interval: 250 });

    const givenBackBy = (p: ServiceProcess) => p.logLines().filter((l) => l.sweep === 'stock-holds').reduce((sum, l) => sum + Number(l.givenBack ?? 0), 0);
    const sweepLines = (o: ServiceProcess) => o.logLines().filter((l) => typeof l.sweep === 'string').length;
    process.stderr.write(
      `[replicas] ${acknowledged.size} acknowledged, ${paid.size} paid, ${failed.length} failed; ${stats.orders} orders, ${stats.reservations} reservations, ` +
        `${stats.gives} give-backs; swept by products ${products.map(givenBackBy).join('/')}, orders sweep lines ${orders.map(sweepLines).join('/')}\n`,
    );
    expect(stats.gives, 'give-backs (the orphans and the expired orders)').toBeGreaterThanOrEqual(ORPHANS + acknowledged.size - paid.size);
    // Each replica, sweeping on its interval, stops its sweeps and drains on SIGTERM.
    expect(await Promise.all([...orders, ...products].map((service) => service.stop()))).toEqual([0, 0, 0, 0]);
  }, 90_000);
});
