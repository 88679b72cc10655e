// A payment provider that is the operator's own payment service over HTTP (PAYMENT_PROVIDER=http): the plug for a real PSP.
//
// The protocol is two idempotent calls:
//   POST <PAYMENT_SERVICE_URL>/charges  {reference, amount: {amount, currency}, payerId}   -> 200 {paymentId}
//   POST <PAYMENT_SERVICE_URL>/refunds  {reference, refundId, amount: {amount, currency}} -> 2xx
// with `Idempotency-Key: <reference>` (charges, keyed by the order id) or `refund:<refundId>`
// (refunds: one per cancelled fulfilment, so a charge may be given back in parts). A 402 or 422
// answer to a charge is a declined payment; anything else that is not 2xx is the service failing.
import { appError, ErrorCode } from '@marketplace/service-kit';
import type { PaymentProvider, PaymentRequest, RefundRequest } from './payments.ts';

const TIMEOUT_MS = 20_000;
const DECLINED = new Set([402, 422]);

export class HttpPayments implements PaymentProvider {
  readonly #base: string;
  readonly #token: string | undefined;

  constructor(options: { url: string; token?: string }) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
  }

  async charge(request: PaymentRequest): Promise<{ paymentId: string }> {
    const response = await this.#post('/charges', request.reference, request);
    if (DECLINED.has(response.status)) {
      throw appError(ErrorCode.BAD_USER_INPUT, 'the payment was declined; nothing was charged', { reason: 'PAYMENT_DECLINED' });
    }
    const body = (await this.#json(response, 'charge')) as { paymentId?: unknown };
    if (typeof body.paymentId !== 'string' || body.paymentId === '') throw new Error('the payment service answered a charge without a paymentId');
    return { paymentId: body.paymentId };
  }

  async refund(request: RefundRequest): Promise<void> {
    await this.#json(await this.#post('/refunds', `refund:${request.refundId}`, request), 'refund');
  }

  async #post(path: string, idempotencyKey: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': idempotencyKey };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    return fetch(`${this.#base}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  }

  /** The answer's JSON body; a failing answer is an internal error, which clients see masked. */
  async #json(response: Response, what: string): Promise<unknown> {
    if (!response.ok) throw new Error(`the payment service refused a ${what}: HTTP ${response.status}`);
    const text = await response.text();
    return text ? JSON.parse(text) : {};
  }
}
