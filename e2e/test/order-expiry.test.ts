// Unpaid orders expire: after ORDER_PAYMENT_TIMEOUT_SECONDS the sweep cancels them (note
// `payment timeout`, no actor) and gives their stock back once; a paid order is untouched; payments
// racing the expiry end PAID with the stock held or CANCELLED with it back (and refunded), never both.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { PaymentProvider, PaymentRequest, RefundRequest } from '@marketplace/orders';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, ORDER_MUTATIONS, placeOrder, register, stockOf, type Account } from '../harness/marketplace.ts';

const TIMEOUT_MS = 5_000;
const SWEEP_MS = 1_000;

/** Approves every charge after the delay set for its order; records charges and refunds. */
class SlowPayments implements PaymentProvider {
  readonly delays = new Map<string, number>();
  /** Orders whose charge goes through but whose answer is lost (a timeout after the money moved). */
  readonly answersLost = new Set<string>();
  readonly charges: string[] = [];
  readonly refunds: string[] = [];

  async charge(request: PaymentRequest): Promise<{ paymentId: string }> {
    this.charges.push(request.reference);
    await sleep(this.delays.get(request.reference) ?? 0);
    if (this.answersLost.has(request.reference)) throw new Error('payment service timed out after charging');
    return { paymentId: `pay-${request.reference}` };
  }

  readonly #refundIds = new Set<string>();

  /** Like a real provider, makes each refund (refundId) once however often it is asked, and records it. */
  async refund(request: RefundRequest): Promise<void> {
    if (this.#refundIds.has(request.refundId)) return;
    this.#refundIds.add(request.refundId);
    this.refunds.push(request.reference);
  }
}

const ORDER = `query ($id: ID!) { order(id: $id) { status paymentDueAt createdAt events { status note actor { id } } } }`;

const payments = new SlowPayments();
let sg: Supergraph;
let seller: Account;
let buyer: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), payments, orders: { paymentTimeoutMs: TIMEOUT_MS, sweepIntervalMs: SWEEP_MS } });
  [seller, buyer] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
});
afterAll(() => sg?.stop());

const orderOf = async (id: string) => (await expectData(sg.url, ORDER, { id }, { token: buyer.token })).order;
/** Ledger entries that gave a reservation's stock back. */
const giveBacks = (orderId: string) =>
  sg.mongo.products.db(sg.databases.products).collection('stockLedger').countDocuments({ movement: { $regex: `^give:${orderId}:` } });

describe('payment deadline', () => {
  it('cancels an unpaid order with a `payment timeout` event and no actor, gives its stock back once, and leaves a paid one alone', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 20 });
    const unpaid = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 3 }]);
    const paid = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 2 }]);
    const placed = await orderOf(unpaid);
    expect(Date.parse(placed.paymentDueAt) - Date.parse(placed.createdAt)).toBe(TIMEOUT_MS);
    expect((await graphql(sg.url, ORDER_MUTATIONS.pay, { id: paid }, { token: buyer.token })).data?.payOrder.status).toBe('PAID');
    expect(await stockOf(sg.url, product)).toBe(15);

    // Cancelled after the deadline, within a few sweep intervals.
    await vi.waitFor(async () => expect((await orderOf(unpaid)).status).toBe('CANCELLED'), { timeout: TIMEOUT_MS + 10 * SWEEP_MS, interval: 100 });
    const expired = await orderOf(unpaid);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(placed.paymentDueAt));
    expect(expired.paymentDueAt).toBeNull();
    expect(expired.events.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'CANCELLED']);
    expect(expired.events[1]).toEqual({ status: 'CANCELLED', note: 'payment timeout', actor: null });
    // The order is cancelled first, then its stock goes back (the sweep finishes it if that fails).
    await vi.waitFor(async () => expect(await stockOf(sg.url, product)).toBe(18), { timeout: 10 * SWEEP_MS, interval: 100 });

    const kept = await orderOf(paid);
    expect(kept.status).toBe('PAID');
    expect(kept.events.map((e: { status: string }) => e.status)).toEqual(['PENDING', 'PAID']);

    // Later sweeps find nothing more to do: the stock came back once.
    await sleep(3 * SWEEP_MS);
    expect(await giveBacks(unpaid)).toBe(1);
    expect(await giveBacks(paid)).toBe(0);
    expect(await stockOf(sg.url, product)).toBe(18);
    const refused = await graphql(sg.url, ORDER_MUTATIONS.pay, { id: unpaid }, { token: buyer.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 40_000);

  it('10 payOrder calls racing the expiry end PAID with the stock held or CANCELLED with it back and the charge refunded, never both, never neither', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 100 });
    // How long before its deadline each order's payments start, and how long their charge takes:
    // well before and quick (payment wins), just before and slower than the sweep (expiry wins),
    // and in between, where either may.
    const plans = [
      { lead: 2_500, delay: 0 },
      { lead: 500, delay: 3_000 },
      { lead: 300, delay: 500 },
      { lead: 150, delay: 1_000 },
      { lead: 100, delay: 200 },
    ];
    const orders = await Promise.all(plans.map(() => placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 4 }])));
    expect(await stockOf(sg.url, product)).toBe(100 - 4 * plans.length);
    const dueAt = await Promise.all(orders.map(async (id) => Date.parse((await orderOf(id)).paymentDueAt)));

    const answers = await Promise.all(
      plans.map(async ({ lead, delay }, i) => {
        payments.delays.set(orders[i]!, delay);
        await sleep(Math.max(0, dueAt[i]! - lead - Date.now()));
        return Promise.all(Array.from({ length: 10 }, () => graphql(sg.url, ORDER_MUTATIONS.pay, { id: orders[i] }, { token: buyer.token })));
      }),
    );

    // Neither: every order leaves PENDING, one way or the other.
    await vi.waitFor(async () => {
      for (const id of orders) expect((await orderOf(id)).status).not.toBe('PENDING');
    }, { timeout: 20_000, interval: 200 });

    let held = 0;
    const outcomes: string[] = [];
    for (const [i, id] of orders.entries()) {
      const order = await orderOf(id);
      const statuses = order.events.map((e: { status: string }) => e.status);
      outcomes.push(order.status);
      const paidAnswers = answers[i]!.filter((r) => r.data?.payOrder?.status === 'PAID').length;
      if (order.status === 'PAID') {
        expect(statuses).toEqual(['PENDING', 'PAID']);
        expect(paidAnswers).toBeGreaterThanOrEqual(1);
        expect(payments.refunds.filter((r) => r === id)).toEqual([]);
        expect(await giveBacks(id)).toBe(0);
        held += 4;
      } else {
        expect(order.status).toBe('CANCELLED');
        expect(statuses).toEqual(['PENDING', 'CANCELLED']);
        expect(order.events[1].note).toBe('payment timeout');
        expect(paidAnswers).toBe(0);
        expect(await giveBacks(id)).toBe(1);
        // Whatever was charged for it was given back.
        if (payments.charges.includes(id)) expect(payments.refunds).toContain(id);
      }
    }
    expect(await stockOf(sg.url, product)).toBe(100 - held);
    // The two certain cases came out as planned, so both sides of the race were exercised.
    expect(outcomes[0]).toBe('PAID');
    expect(outcomes[1]).toBe('CANCELLED');
  }, 60_000);

  it('a charge whose answer was lost is refunded once its order expires', async () => {
    const product = await createProduct(sg.url, seller.token, { stock: 10 });
    const id = await placeOrder(sg.url, buyer.token, [{ productId: product, quantity: 1 }]);
    payments.answersLost.add(id);
    const failed = await graphql(sg.url, ORDER_MUTATIONS.pay, { id }, { token: buyer.token });
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(payments.charges.filter((c) => c === id)).toHaveLength(1);
    expect(payments.refunds).not.toContain(id);

    await vi.waitFor(async () => expect((await orderOf(id)).status).toBe('CANCELLED'), { timeout: TIMEOUT_MS + 10 * SWEEP_MS, interval: 100 });
    await vi.waitFor(() => expect(payments.refunds).toContain(id), { timeout: 5 * SWEEP_MS, interval: 100 });
    const checks = sg.mongo.orders.db(sg.databases.orders).collection('paymentChecks');
    await vi.waitFor(async () => expect(await checks.countDocuments({ _id: `${id}:pay` as never })).toBe(0), { timeout: 5 * SWEEP_MS, interval: 100 });
    expect(await stockOf(sg.url, product)).toBe(10);
  }, 40_000);
});
