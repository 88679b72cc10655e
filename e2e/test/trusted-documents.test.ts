// Trusted documents at the gateway, over real HTTP: manifest operations run by sha256Hash and by
// documentId over POST and GET; in safelist mode anything else (an arbitrary document, an APQ
// registration, an unknown id) is refused with its code, Sandbox is off, and limits still apply.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PERSISTED_QUERY_CODES, readManifests } from '@marketplace/router';
import { errorCodes, graphql } from '@marketplace/testing';
import { createProduct, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const PRODUCT = 'query Product($id: ID!) { product(id: $id) { id title stock } }';
const ME = 'query Me { me { id } }';
const PLACE = 'mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';
/** In the manifest, but deeper than the gateway's MAX_DEPTH in this test. */
const DEEP = 'query Deep { categories { children { children { children { id } } } } }';
const NOT_LISTED = 'query NotListed { products(first: 1) { totalCount } }';

let dir: string;
let sg: Supergraph;
let safelist: string;
let requireId: string;
let allow: string;
let seller: Account;
let buyer: Account;
let product: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
  // One manifest in each common format: Apollo's persisted query list, and codegen's id-to-document map.
  const apollo = path.join(dir, 'apollo.json');
  writeFileSync(apollo, JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [PRODUCT, ME].map((body) => ({ id: sha256(body), name: body.split(/[ ({]/)[1], type: 'query', body })) }));
  const codegen = path.join(dir, 'codegen.json');
  writeFileSync(codegen, JSON.stringify({ [`sha256:${sha256(PLACE)}`]: PLACE, [`sha256:${sha256(DEEP)}`]: DEEP }));
  const documents = readManifests([apollo, codegen]);
  expect(documents.size).toBe(4);

  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  const limits = { maxDepth: 4 };
  safelist = await sg.startRouter({ production: true, persistedDocuments: { mode: 'safelist', requireId: false, documents }, limits });
  requireId = await sg.startRouter({ production: true, persistedDocuments: { mode: 'safelist', requireId: true, documents }, limits });
  allow = await sg.startRouter({ persistedDocuments: { mode: 'allow', requireId: false, documents }, limits });
  [seller, buyer] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
  product = await createProduct(sg.url, seller.token, { stock: 10 });
});
afterAll(async () => {
  await sg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

type Naming = 'sha256Hash' | 'documentId';

/** A manifest operation named by its id only, over POST. */
function byId(url: string, document: string, naming: Naming, variables: Record<string, unknown> = {}, token?: string) {
  const id = sha256(document);
  const body = naming === 'documentId' ? { documentId: `sha256:${id}`, variables } : { variables, extensions: { persistedQuery: { version: 1, sha256Hash: id } } };
  return post(url, body, token);
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] }) };
}

async function get(url: string, params: Record<string, string>) {
  const response = await fetch(`${url}?${new URLSearchParams(params)}`, { headers: { 'apollo-require-preflight': 'true' } });
  return { status: response.status, ...((await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] }) };
}

const codes = (result: { errors?: { extensions?: { code?: string } }[] }) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('safelist mode', () => {
  it.each(['sha256Hash', 'documentId'] as const)('runs every manifest operation named by %s over POST', async (naming) => {
    const read = await byId(safelist, PRODUCT, naming, { id: product });
    expect(read.data).toEqual({ product: { id: product, title: expect.any(String), stock: expect.any(Number) } });
    expect((await byId(safelist, ME, naming, {}, buyer.token)).data).toEqual({ me: { id: buyer.id } });
    const placed = await byId(safelist, PLACE, naming, { input: { items: [{ productId: product, quantity: 1 }] } }, buyer.token);
    expect(placed.data?.placeOrder.status).toBe('PENDING');
  });

  it('runs a manifest query named by sha256Hash or documentId over GET', async () => {
    const variables = JSON.stringify({ id: product });
    const byHash = await get(safelist, { variables, extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(PRODUCT) } }) });
    expect(byHash.data?.product.id).toBe(product);
    const byDocumentId = await get(safelist, { variables, documentId: sha256(PRODUCT) });
    expect(byDocumentId.data?.product.id).toBe(product);
  });

  it('refuses an arbitrary document, an APQ registration and an unknown id, with their codes', async () => {
    const arbitrary = await post(safelist, { query: NOT_LISTED });
    expect([arbitrary.status, codes(arbitrary)]).toEqual([400, [PERSISTED_QUERY_CODES.notInList]]);
    const registration = await post(safelist, { query: NOT_LISTED, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(NOT_LISTED) } } });
    expect([registration.status, codes(registration)]).toEqual([400, [PERSISTED_QUERY_CODES.notInList]]);
    // The registration did not stick.
    expect(codes(await byId(safelist, NOT_LISTED, 'sha256Hash'))).toEqual([PERSISTED_QUERY_CODES.notFound]);
    expect(codes(await byId(safelist, NOT_LISTED, 'documentId'))).toEqual([PERSISTED_QUERY_CODES.notFound]);
    expect(codes(await get(safelist, { query: NOT_LISTED }))).toEqual([PERSISTED_QUERY_CODES.notInList]);
    expect(codes(await get(safelist, { documentId: sha256(NOT_LISTED) }))).toEqual([PERSISTED_QUERY_CODES.notFound]);
  });

  it("runs a manifest document sent as text, unless ids are required", async () => {
    expect((await post(safelist, { query: PRODUCT, variables: { id: product } })).data?.product.id).toBe(product);
    const refused = await post(requireId, { query: PRODUCT, variables: { id: product } });
    expect([refused.status, codes(refused)]).toEqual([400, [PERSISTED_QUERY_CODES.idRequired]]);
    expect((await byId(requireId, PRODUCT, 'documentId', { id: product })).data?.product.id).toBe(product);
  });

  it('still applies the operation limits to manifest documents', async () => {
    expect(codes(await byId(safelist, DEEP, 'documentId'))).toEqual(['MAX_DEPTH_LIMIT']);
  });

  it('serves no Sandbox', async () => {
    const page = await fetch(safelist.replace(/\/graphql$/, '/'), { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/<html/i);
  });
});

describe('allow mode', () => {
  it('runs manifest ids, arbitrary documents and APQ registrations; an unknown documentId is PERSISTED_QUERY_NOT_FOUND', async () => {
    expect((await byId(allow, PRODUCT, 'documentId', { id: product })).data?.product.id).toBe(product);
    expect((await graphql(allow, NOT_LISTED)).data?.products.totalCount).toBeGreaterThanOrEqual(1);
    const apq = { version: 1, sha256Hash: sha256(NOT_LISTED) };
    expect(errorCodes(await graphql(allow, undefined, {}, { extensions: { persistedQuery: apq } }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await graphql(allow, NOT_LISTED, {}, { extensions: { persistedQuery: apq } })).data?.products.totalCount).toBeGreaterThanOrEqual(1);
    expect((await graphql(allow, undefined, {}, { extensions: { persistedQuery: apq } })).data?.products.totalCount).toBeGreaterThanOrEqual(1);
    expect(codes(await byId(allow, NOT_LISTED, 'documentId'))).toEqual([PERSISTED_QUERY_CODES.notFound]);
  });
});
