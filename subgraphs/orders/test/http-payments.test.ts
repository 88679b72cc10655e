// The http payment provider against a payment service over real HTTP on loopback: what it sends,
// and how it reads approvals, declines and failures.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpPayments } from '../src/http-payments.ts';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let url: string;
const received: Received[] = [];
/** What the service answers next: status and body. */
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  received.length = 0;
});

const request = { reference: '6650f0c2a1b2c3d4e5f60718', amount: { amount: 2500, currency: 'EUR' }, payerId: 'buyer-1' };

describe('HttpPayments', () => {
  it('charges with the order id as idempotency key and the bearer token, and returns the payment id', async () => {
    answer = { status: 200, body: JSON.stringify({ paymentId: 'pi_123' }) };
    const payments = new HttpPayments({ url, token: 'service-token' });
    expect(await payments.charge(request)).toEqual({ paymentId: 'pi_123' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: '/pay/charges', body: request });
    expect(received[0]!.headers).toMatchObject({ 'idempotency-key': request.reference, authorization: 'Bearer service-token', 'content-type': 'application/json' });
  });

  it('refunds a part of a charge under the refund\'s own idempotency key', async () => {
    answer = { status: 204, body: '' };
    const refund = { reference: request.reference, refundId: `${request.reference}:f1`, amount: { amount: 500, currency: 'EUR' } };
    await new HttpPayments({ url }).refund(refund);
    expect(received[0]).toMatchObject({ path: '/pay/refunds', body: refund });
    expect(received[0]!.headers['idempotency-key']).toBe(`refund:${request.reference}:f1`);
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('a 402 is a declined payment the buyer sees; a 500 or an answer without a payment id is an internal failure', async () => {
    const payments = new HttpPayments({ url });
    answer = { status: 402, body: JSON.stringify({ message: 'card declined' }) };
    await expect(payments.charge(request)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'PAYMENT_DECLINED' } });
    answer = { status: 500, body: 'oops' };
    await expect(payments.charge(request)).rejects.toThrow('HTTP 500');
    answer = { status: 200, body: '{}' };
    await expect(payments.charge(request)).rejects.toThrow(/without a paymentId/);
    answer = { status: 503, body: '' };
    await expect(payments.refund({ reference: request.reference, refundId: request.reference, amount: request.amount })).rejects.toThrow('HTTP 503');
  });
});
