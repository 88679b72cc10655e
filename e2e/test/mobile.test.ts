// The mobile app as it talks to the gateway: ids only, from the manifest `npm run codegen` writes, with the gateway in safelist mode.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createMobileClient, GraphQLRequestError } from '@marketplace/mobile';
import { OrderHistoryDocument, PayOrderDocument, PlaceOrderDocument, ProductDetailDocument, RefreshDocument, SignInDocument } from '@marketplace/mobile/operations';
import { PERSISTED_QUERY_CODES, readManifests } from '@marketplace/router';
import { errorCodes, graphql } from '@marketplace/testing';
import { createProduct, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const MANIFEST = path.resolve(import.meta.dirname, '../../clients/mobile/src/__generated__/persisted-documents.json');

let sg: Supergraph;
let gateway: string;
let buyer: Account;
let product: string;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  gateway = await sg.startRouter({ production: true, persistedDocuments: { mode: 'safelist', requireId: true, documents: readManifests([MANIFEST]) } });
  const seller = await register(sg.url, 'SELLER');
  buyer = await register(sg.url, 'BUYER');
  product = await createProduct(sg.url, seller.token, { stock: 8, amount: 1500, currency: 'EUR' });
});
afterAll(() => sg?.stop());

describe('the mobile client', () => {
  it('signs in, reads a product, places and pays an order and reads its history, sending document ids only', async () => {
    let token: string | undefined;
    const execute = createMobileClient({ url: gateway, token: () => token });
    const signedIn = await execute(SignInDocument, { email: buyer.email, password: buyer.password });
    token = signedIn.login.accessToken;
    expect(signedIn.login.user.id).toBe(buyer.id);

    const { product: detail } = await execute(ProductDetailDocument, { id: product });
    expect(detail).toMatchObject({ id: product, stock: 8, price: { amount: 1500, currency: 'EUR' } });
    const { placeOrder } = await execute(PlaceOrderDocument, { input: { items: [{ productId: product, quantity: 2 }], idempotencyKey: 'mobile-checkout-1' } });
    expect(placeOrder).toMatchObject({ status: 'PENDING', total: { amount: 3000, currency: 'EUR' } });
    expect(Date.parse(placeOrder.paymentDueAt!)).toBeGreaterThan(Date.now());
    expect((await execute(PayOrderDocument, { id: placeOrder.id })).payOrder.status).toBe('PAID');

    const history = await execute(OrderHistoryDocument, { first: 10 });
    expect(history.me?.orders.totalCount).toBe(1);
    const [order] = history.me!.orders.edges.map((edge) => edge.node);
    expect(order).toMatchObject({ id: placeOrder.id, status: 'PAID' });
    expect(order!.events.map((event) => event.status)).toEqual(['PENDING', 'PAID']);

    // The session goes on with the refresh token, by id too.
    const refreshed = await execute(RefreshDocument, { refreshToken: signedIn.login.refreshToken });
    token = refreshed.refresh.accessToken;
    expect((await execute(OrderHistoryDocument, { first: 1 })).me?.id).toBe(buyer.id);
  });

  it('every operation in the manifest is one the gateway runs by id; anything else is refused in safelist mode', async () => {
    const listed = readManifests([MANIFEST]);
    expect(listed.size).toBe(6);
    const notListed = await graphql(gateway, '{ products(first: 100) { edges { node { id title } } } }');
    expect(errorCodes(notListed)).toEqual([PERSISTED_QUERY_CODES.idRequired]);
    // A listed document's text is refused too: this gateway requires ids.
    const text = await graphql(gateway, listed.values().next().value!, { id: product });
    expect(errorCodes(text)).toEqual([PERSISTED_QUERY_CODES.idRequired]);
    const execute = createMobileClient({ url: gateway });
    const unknown = { __meta__: { hash: `sha256:${'0'.repeat(64)}` } } as unknown as typeof ProductDetailDocument;
    const refused = await execute(unknown, { id: product }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLRequestError);
    expect((refused as GraphQLRequestError).codes).toEqual([PERSISTED_QUERY_CODES.notFound]);
  });
});
