// The gateway as clients and developers meet it: persisted queries, Sandbox, introspection, the
// checked-in supergraph.
import { createHash } from 'node:crypto';
import { Kind, parse, type ObjectTypeDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { composeSupergraph, readSupergraph } from '@marketplace/router/supergraph';
import { errorCodes, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

describe('the checked-in supergraph', () => {
  it('is what composing the subgraphs gives today (run `npm run compose` when this fails)', () => {
    expect(readSupergraph()).toBe(composeSupergraph());
  });

  it('marks the internal stock operations inaccessible', () => {
    const mutation = parse(readSupergraph()).definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Mutation',
    );
    const directivesOf = (name: string) =>
      mutation?.fields?.find((f) => f.name.value === name)?.directives?.map((d) => d.name.value) ?? [];
    expect(directivesOf('reserveStock')).toContain('inaccessible');
    expect(directivesOf('releaseStock')).toContain('inaccessible');
    expect(directivesOf('placeOrder')).not.toContain('inaccessible');
  });
});

describe('in development', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  });
  afterAll(() => sg?.stop());

  it('serves automatic persisted queries: hash first, then hash plus query, then hash alone', async () => {
    const query = '{ products(first: 1) { pageInfo { hasNextPage } } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const miss = await graphql(sg.url, undefined, {}, { extensions: { persistedQuery } });
    expect(errorCodes(miss)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const register = await graphql(sg.url, query, {}, { extensions: { persistedQuery } });
    expect(register.errors).toBeUndefined();
    expect(register.data).toEqual({ products: { pageInfo: { hasNextPage: false } } });
    const hit = await graphql(sg.url, undefined, {}, { extensions: { persistedQuery } });
    expect(hit.errors).toBeUndefined();
    expect(hit.data).toEqual(register.data);
    const wrongHash = await graphql(sg.url, query, {}, { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } });
    expect(wrongHash.status).toBe(400);
  });

  it('answers introspection and shows Apollo Sandbox as its landing page', async () => {
    const result = await graphql(sg.url, '{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const page = await fetch(sg.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
  });

  it('serves health and readiness next to GraphQL', async () => {
    expect((await fetch(new URL('/healthz', sg.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', sg.url))).status).toBe(200);
  });
});

describe('in production', () => {
  let sg: Supergraph;
  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri'), production: true });
  });
  afterAll(() => sg?.stop());

  it('refuses introspection and shows no Sandbox', async () => {
    const result = await graphql(sg.url, '{ __schema { queryType { name } } }');
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const page = await fetch(sg.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  it('still serves queries', async () => {
    const result = await graphql(sg.url, '{ products { edges { node { id } } } }');
    expect(result.data).toEqual({ products: { edges: [] } });
  });
});
