// Money through the order lifecycle, seen by a recording payment provider plugged into the orders
// service: paying charges the order once, cancelling a paid order refunds it once, however often
// or however concurrently it is cancelled, and cancelling an unpaid order refunds nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { PaymentProvider, PaymentRequest, RefundRequest } from '@marketplace/orders';
import { errorCodes, expectData, graphql, type GraphQLResult } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, ORDER_MUTATIONS, PLACE_ORDER, register, type Account } from '../harness/marketplace.ts';

/** Every call the orders service made, in order; it approves every charge. */
class RecordingPayments implements PaymentProvider {
  readonly charges: PaymentRequest[] = [];
  readonly refunds: string[] = [];

  async charge(request: PaymentRequest): Promise<{ paymentId: string }> {
    this.charges.push(structuredClone(request));
    return { paymentId: `pay-${request.reference}` };
  }

  readonly #refundIds = new Set<string>();

  /** Like a real provider, makes each refund (refundId) once however often it is asked, and records it. */
  async refund(request: RefundRequest): Promise<void> {
    if (this.#refundIds.has(request.refundId)) return;
    this.#refundIds.add(request.refundId);
    this.refunds.push(request.reference);
  }

  chargesOf(reference: string) {
    return this.charges.filter((charge) => charge.reference === reference);
  }

  refundsOf(reference: string) {
    return this.refunds.filter((refund) => refund === reference);
  }
}

const payments = new RecordingPayments();
let sg: Supergraph;
let seller: Account;
let buyer: Account;
let product: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri'), payments });
  [seller, buyer] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
  product = await createProduct(sg.url, seller.token, { stock: 1000, amount: 1250, currency: 'EUR' });
});
afterAll(() => sg?.stop());
beforeEach(() => {
  payments.charges.length = 0;
  payments.refunds.length = 0;
});

/** Places an order of `quantity` and returns its id and total. */
async function place(quantity: number) {
  const data = await expectData(sg.url, PLACE_ORDER, { input: { items: [{ productId: product, quantity }] } }, { token: buyer.token });
  return { id: data.placeOrder.id as string, total: data.placeOrder.total as { amount: number; currency: string } };
}

const act = (step: 'pay' | 'cancel', id: string) => graphql(sg.url, ORDER_MUTATIONS[step], { id }, { token: buyer.token });
const statusOf = (result: GraphQLResult) => Object.values(result.data ?? {})[0]?.status;

async function pay(id: string) {
  const result = await act('pay', id);
  expect(result.errors).toBeUndefined();
  expect(statusOf(result)).toBe('PAID');
}

async function statusNow(id: string): Promise<string> {
  return (await expectData(sg.url, 'query ($id: ID!) { order(id: $id) { status } }', { id }, { token: buyer.token })).order.status;
}

describe('payments', () => {
  it('placing charges nothing; paying charges the order once, by its id, for its total, to its buyer', async () => {
    const { id, total } = await place(3);
    expect(total).toEqual({ amount: 3 * 1250, currency: 'EUR' });
    expect(payments.charges).toEqual([]);
    await pay(id);
    expect(payments.charges).toEqual([{ reference: id, amount: total, payerId: buyer.id }]);
    expect(payments.refunds).toEqual([]);
    // Paying again is refused before any charge.
    expect(errorCodes(await act('pay', id))).toEqual(['BAD_USER_INPUT']);
    expect(payments.charges).toHaveLength(1);
  });

  it('cancelling a paid order refunds that reference once', async () => {
    const { id } = await place(1);
    await pay(id);
    const cancelled = await act('cancel', id);
    expect(statusOf(cancelled)).toBe('CANCELLED');
    expect(payments.refunds).toEqual([id]);
    expect(payments.chargesOf(id)).toHaveLength(1);
  });

  it('cancelling a paid order twice refunds it once', async () => {
    const { id } = await place(1);
    await pay(id);
    expect(statusOf(await act('cancel', id))).toBe('CANCELLED');
    const again = await act('cancel', id);
    expect(errorCodes(again)).toEqual(['BAD_USER_INPUT']);
    expect(payments.refunds).toEqual([id]);
  });

  it('racing cancels of a paid order refund it once', async () => {
    const orders = await Promise.all(Array.from({ length: 5 }, () => place(1)));
    for (const { id } of orders) await pay(id);
    await Promise.all(
      orders.map(async ({ id }) => {
        const results = await Promise.all(Array.from({ length: 8 }, () => act('cancel', id)));
        expect(results.filter((r) => statusOf(r) === 'CANCELLED')).toHaveLength(1);
        expect(results.filter((r) => errorCodes(r)[0] === 'BAD_USER_INPUT')).toHaveLength(7);
      }),
    );
    for (const { id } of orders) {
      expect(payments.refundsOf(id), id).toEqual([id]);
      expect(await statusNow(id)).toBe('CANCELLED');
    }
    expect(payments.refunds).toHaveLength(orders.length);
  });

  it('cancelling an unpaid order refunds nothing, once or racing', async () => {
    const { id } = await place(1);
    expect(statusOf(await act('cancel', id))).toBe('CANCELLED');
    const racing = await place(1);
    const results = await Promise.all(Array.from({ length: 8 }, () => act('cancel', racing.id)));
    expect(results.filter((r) => statusOf(r) === 'CANCELLED')).toHaveLength(1);
    expect(payments.charges).toEqual([]);
    expect(payments.refunds).toEqual([]);
    // And it can no longer be paid: nothing is charged.
    expect(errorCodes(await act('pay', id))).toEqual(['BAD_USER_INPUT']);
    expect(payments.charges).toEqual([]);
  });

  it('paying and cancelling at once ends cancelled, with every charge refunded once', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, () => place(1)));
    await Promise.all(orders.map(({ id }) => Promise.all([act('pay', id), act('cancel', id)])));
    for (const { id } of orders) {
      expect(await statusNow(id)).toBe('CANCELLED');
      const charged = payments.chargesOf(id).length;
      expect(charged).toBeLessThanOrEqual(1);
      expect(payments.refundsOf(id)).toHaveLength(charged);
    }
  });
});
