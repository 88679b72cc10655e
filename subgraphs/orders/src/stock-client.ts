// Calls the products subgraph's internal stock operations, authenticated as the orders service.
import { signServiceToken, type SigningKey } from '@marketplace/auth';
import { appError, ErrorCode, injectTraceHeaders, inSpan, SpanKind } from '@marketplace/service-kit';
import type { Money } from '@marketplace/service-kit';

export interface ReservedLine {
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
}

/** Errors of the products service that are the client's to see, passed on as they are. */
const USER_FACING = new Set<string>([ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND, ErrorCode.INSUFFICIENT_STOCK, ErrorCode.CONFLICT]);

const RESERVE = /* GraphQL */ `
  mutation Reserve($input: ReserveStockInput!) {
    reserveStock(input: $input) { id status items { productId sellerId title quantity unitPrice { amount currency } } }
  }
`;
const CONFIRM = /* GraphQL */ `
  mutation Confirm($id: ID!) { confirmStock(reservationId: $id) { id status } }
`;
const RELEASE = /* GraphQL */ `
  mutation Release($id: ID!, $productIds: [ID!]) { releaseStock(reservationId: $id, productIds: $productIds) { id status } }
`;

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown } }[];
}

export class StockUnavailableError extends Error {
  override name = 'StockUnavailableError';
}

export class StockClient {
  readonly #url: string;
  readonly #signer: SigningKey;
  readonly #timeoutMs: number;
  #token: { value: string; renewAt: number } | undefined;

  /** `timeoutMs`: how long a stock call may take (PRODUCTS_TIMEOUT_MS). */
  constructor(url: string, signer: SigningKey, timeoutMs: number) {
    this.#url = url;
    this.#signer = signer;
    this.#timeoutMs = timeoutMs;
  }

  async reserve(reservationId: string, items: { productId: string; quantity: number }[]): Promise<ReservedLine[]> {
    const data = await this.#call<{ reserveStock: { items: ReservedLine[] } }>('reserveStock', RESERVE, { input: { reservationId, items } });
    return data.reserveStock.items;
  }

  /** CONFIRMED: the stock stays with the order; RELEASED: its hold had run out and it was given back. */
  async confirm(reservationId: string): Promise<'CONFIRMED' | 'RELEASED'> {
    const data = await this.#call<{ confirmStock: { status: string } }>('confirmStock', CONFIRM, { id: reservationId });
    return data.confirmStock.status === 'CONFIRMED' ? 'CONFIRMED' : 'RELEASED';
  }

  /**
   * Gives the reservation's stock back, each line once. With `productIds`, only those products'
   * lines of a confirmed reservation (one seller's share); the other lines stay taken.
   */
  async release(reservationId: string, productIds?: readonly string[]): Promise<void> {
    await this.#call('releaseStock', RELEASE, productIds ? { id: reservationId, productIds } : { id: reservationId });
  }

  async #bearer(): Promise<string> {
    if (!this.#token || Date.now() >= this.#token.renewAt) {
      const { token, expiresAt } = await signServiceToken(this.#signer, 'orders');
      this.#token = { value: token, renewAt: expiresAt.getTime() - 15_000 };
    }
    return this.#token.value;
  }

  /** One stock operation of the products subgraph, in a client span whose `traceparent` the products service continues. */
  #call<T>(operation: string, query: string, variables: Record<string, unknown>): Promise<T> {
    return inSpan(`products ${operation}`, { kind: SpanKind.CLIENT, attributes: { 'graphql.operation.name': operation, 'server.address': new URL(this.#url).host } }, () => this.#send<T>(query, variables));
  }

  async #send<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    let body: GraphQLResponse<T>;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await this.#bearer()}` };
      injectTraceHeaders((name, value) => (headers[name] = value));
      const response = await fetch(this.#url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(this.#timeoutMs) });
      body = (await response.json()) as GraphQLResponse<T>;
    } catch (error) {
      throw new StockUnavailableError('the products service did not answer', { cause: error });
    }
    const error = body.errors?.[0];
    if (error) {
      const code = error.extensions?.code;
      if (code && USER_FACING.has(code)) {
        const { code: _code, http: _http, ...extensions } = error.extensions ?? {};
        throw appError(code as ErrorCode, error.message, extensions);
      }
      throw new Error(`products service refused a stock call: ${code ?? 'no code'}: ${error.message}`);
    }
    if (!body.data) throw new Error('products service returned no data');
    return body.data;
  }
}
