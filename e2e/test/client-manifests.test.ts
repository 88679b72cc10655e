// Every operation the clients ship, from their checked-in manifests, runs at a safelist gateway that
// requires ids: by sha256Hash and by documentId over POST, and queries over GET too; mutations never
// over GET. Each reaches execution (not refused by the safelist, not failing validation).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { PERSISTED_QUERY_CODES, readManifests } from '@marketplace/router';
import { register, type Account } from '../harness/marketplace.ts';
import { CLIENT_MANIFESTS } from '../harness/storefront.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

const REFUSED = new Set<string>([...Object.values(PERSISTED_QUERY_CODES), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

let sg: Supergraph;
let gateway: string;
let buyer: Account;
const documents = readManifests(Object.values(CLIENT_MANIFESTS));
const operations = [...documents].map(([id, body]) => {
  const operation = parse(body).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const requiredVariables = (operation.variableDefinitions ?? []).filter((v) => v.type.kind === Kind.NON_NULL_TYPE && !v.defaultValue).map((v) => v.variable.name.value);
  return { id, name: operation.name?.value ?? id, type: operation.operation, requiredVariables };
});

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  gateway = await sg.startRouter({ production: true, persistedDocuments: { mode: 'safelist', requireId: true, documents } });
  buyer = await register(sg.url, 'BUYER');
});
afterAll(async () => {
  await sg?.stop();
});

async function post(body: unknown): Promise<Answer> {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

async function get(params: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${gateway}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${buyer.token}`, 'apollo-require-preflight': 'true' },
  });
  const text = await response.text();
  return { status: response.status, ...(text.startsWith('{') ? (JSON.parse(text) as Omit<Answer, 'status'>) : {}) };
}

const codes = (answer: Answer) => (answer.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');

/** It ran: data when nothing was missing, or only the complaint that required variables were not given. */
function expectExecuted(answer: Answer, requiredVariables: string[]): void {
  expect(codes(answer).filter((c) => REFUSED.has(c))).toEqual([]);
  if (requiredVariables.length === 0) {
    expect(answer.errors ?? []).toEqual([]);
    expect(answer.data).toBeTruthy();
  } else {
    // One complaint per required variable, before anything is resolved.
    expect(codes(answer)).toEqual(requiredVariables.map(() => 'BAD_USER_INPUT'));
    for (const error of answer.errors!) expect(error.message).toMatch(new RegExp(`\\$(${requiredVariables.join('|')})\\b`));
    expect(answer.data ?? null).toBeNull();
  }
}

describe('the clients\' manifests at a safelist gateway', () => {
  it('holds both clients\' operations', () => {
    const names = operations.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['SignIn', 'PlaceOrder', 'PayOrder', 'OrderHistory', 'StorefrontCatalog', 'StorefrontPlaceOrder', 'StorefrontShipFulfillment', 'StorefrontCancelFulfillment']));
    expect(operations.length).toBeGreaterThan(20);
  });

  it.each(operations)('$type $name runs by sha256Hash and by documentId over POST', async ({ id, requiredVariables }) => {
    const byHash = await post({ variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: id } } });
    expectExecuted(byHash, requiredVariables);
    const byDocumentId = await post({ documentId: `sha256:${id}`, variables: {} });
    expectExecuted(byDocumentId, requiredVariables);
    expect(codes(byDocumentId)).toEqual(codes(byHash));
  });

  it.each(operations.filter((o) => o.type === 'query'))('query $name runs over GET, by either name', async ({ id, requiredVariables }) => {
    const byHash = await get({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: id } }) });
    expectExecuted(byHash, requiredVariables);
    const byDocumentId = await get({ documentId: id });
    expectExecuted(byDocumentId, requiredVariables);
  });

  it.each(operations.filter((o) => o.type === 'mutation'))('mutation $name is never run over GET', async ({ id }) => {
    const answer = await get({ documentId: id, variables: '{}' });
    expect(answer.status).toBe(405);
    expect(answer.data ?? null).toBeNull();
  });
});
