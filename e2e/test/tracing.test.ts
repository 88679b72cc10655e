// One trace across the supergraph, read back from a real OpenTelemetry backend (Jaeger v2, in memory) while the four services run as processes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { startJaeger, type Jaeger, type JaegerSpan, type JaegerTrace } from '@marketplace/testing';
import { createProduct, placeOrder, register, PLACE_ORDER, type Account } from '../harness/marketplace.ts';
import { startSupergraphProcesses, type SupergraphProcesses, type SupergraphService } from '../harness/supergraph-processes.ts';

const SERVICES: readonly SupergraphService[] = ['router', 'users', 'products', 'orders'];
const serviceName = (service: SupergraphService) => `marketplace-${service}`;
const TRACE_WAIT_MS = 30_000;

const TRACED_ORDER = `query TracedOrder($id: ID!) {
  order(id: $id) { buyer { name } items { product { seller { name } } } }
}`;

let jaeger: Jaeger;
beforeAll(async () => {
  jaeger = await startJaeger();
}, 600_000);
afterAll(() => jaeger?.stop());

/** A W3C traceparent of a caller's span: the trace the request must continue. */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function post(url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

function spansOf(trace: JaegerTrace, service: SupergraphService): JaegerSpan[] {
  return trace.spans.filter((span) => span.serviceName === serviceName(service));
}

function byId(trace: JaegerTrace): Map<string, JaegerSpan> {
  return new Map(trace.spans.map((span) => [span.spanId, span]));
}

/** The span's ancestors, nearest first, as far as the trace holds them. */
function ancestors(trace: JaegerTrace, span: JaegerSpan): JaegerSpan[] {
  const spans = byId(trace);
  const chain: JaegerSpan[] = [];
  for (let parent = span.parentSpanId && spans.get(span.parentSpanId); parent; parent = parent.parentSpanId && spans.get(parent.parentSpanId)) chain.push(parent);
  return chain;
}

const isServer = (span: JaegerSpan) => span.tags['span.kind'] === 'server';
const isMongo = (span: JaegerSpan) => span.tags['db.system.name'] === 'mongodb';

/** Every span but the router's server span has its parent in the trace; that one's parent is the caller's span. */
function expectOneTree(trace: JaegerTrace, caller: { spanId: string }): JaegerSpan {
  const spans = byId(trace);
  const orphans = trace.spans.filter((span) => !span.parentSpanId || !spans.has(span.parentSpanId));
  expect(orphans.map((s) => `${s.serviceName} ${s.operationName}`)).toEqual([`${serviceName('router')} POST /graphql`]);
  const root = orphans[0]!;
  expect(root.parentSpanId).toBe(caller.spanId);
  expect(isServer(root)).toBe(true);
  return root;
}

/** The subgraph's server span for a router fetch: parented to the router's client span `subgraph <name>`. */
function expectSubgraphCalled(trace: JaegerTrace, subgraph: SupergraphService, from: SupergraphService): JaegerSpan[] {
  const spans = byId(trace);
  const servers = spansOf(trace, subgraph).filter(isServer);
  expect(servers.length, `${subgraph} server spans`).toBeGreaterThan(0);
  for (const server of servers) {
    const parent = spans.get(server.parentSpanId!)!;
    expect(parent.serviceName).toBe(serviceName(from));
    expect(parent.tags['span.kind']).toBe('client');
  }
  return servers;
}

async function expectOrderTraced(world: SupergraphProcesses, buyer: Account, orderId: string): Promise<void> {

  const caller = callerContext();
  const data = await post(world.url, TRACED_ORDER, { id: orderId }, { authorization: `Bearer ${buyer.token}`, traceparent: caller.traceparent });
  expect(data.order.items[0].product.seller.name).toBeTruthy();

  const trace = await jaeger.waitForTrace(
    caller.traceId,
    (t) => SERVICES.every((s) => t.spans.some((span) => span.serviceName === serviceName(s) && isServer(span))) && t.spans.filter(isMongo).length >= 3,
    TRACE_WAIT_MS,
  );
  const root = expectOneTree(trace, caller);
  expect(root.tags['graphql.operation.name']).toBe('TracedOrder');

  // The router: parse, validate, plan and execute under the request, each subgraph fetch under execution.
  const router = spansOf(trace, 'router');
  const names = new Set(router.map((s) => s.operationName));
  for (const name of ['graphql.parse', 'graphql.validate', 'gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']) expect(names, name).toContain(name);
  for (const span of router.filter((s) => s.operationName === 'graphql.parse' || s.operationName === 'graphql.validate' || s.operationName === 'gateway.request')) {
    expect(span.parentSpanId).toBe(root.spanId);
  }
  for (const fetchSpan of router.filter((s) => s.operationName.startsWith('subgraph '))) {
    expect(ancestors(trace, fetchSpan).map((s) => s.operationName)).toEqual(expect.arrayContaining(['gateway.fetch', 'gateway.execute', 'gateway.request', 'POST /graphql']));
  }

  // Each subgraph: its server span under the router's fetch, its resolvers inside, its MongoDB commands under those.
  for (const subgraph of ['users', 'products', 'orders'] as const) {
    const servers = expectSubgraphCalled(trace, subgraph, 'router');
    const mongo = spansOf(trace, subgraph).filter(isMongo);
    expect(mongo.length, `${subgraph} MongoDB spans`).toBeGreaterThan(0);
    for (const command of mongo) {
      const chain = ancestors(trace, command);
      expect(chain[0]!.serviceName, `${subgraph} ${command.operationName} parent`).toBe(serviceName(subgraph));
      expect(chain[0]!.operationName, `${subgraph} ${command.operationName} parent`).toMatch(/^resolve /);
      expect(servers).toContain(chain.find(isServer));
      expect(command.tags['db.collection.name']).toBeTruthy();
    }
  }
  const orderLookup = spansOf(trace, 'orders').find((s) => s.operationName === 'resolve Query.order');
  expect(orderLookup).toBeDefined();
  expect(trace.spans.filter((s) => s.parentSpanId === orderLookup!.spanId && isMongo(s)).map((s) => s.operationName)).toContain('find orders');

  // Every service's access line for its part of the request carries this trace's id, and a span of it.
  const spanIds = new Set(trace.spans.map((s) => s.spanId));
  for (const service of SERVICES) {
    const lines = world[service].logLines().filter((line) => line.trace_id === caller.traceId);
    expect(lines.length, `${service} log lines with the trace id`).toBeGreaterThan(0);
    expect(lines.some((line) => line.msg === 'request completed'), `${service} access line`).toBe(true);
    for (const line of lines) expect(spanIds.has(line.span_id as string), `${service} span_id ${String(line.span_id)}`).toBe(true);
  }
}

async function expectPlacementTraced(world: SupergraphProcesses, buyer: Account, productId: string): Promise<void> {
  const caller = callerContext();
  const data = await post(world.url, PLACE_ORDER, { input: { items: [{ productId, quantity: 1 }] } }, { authorization: `Bearer ${buyer.token}`, traceparent: caller.traceparent });
  expect(data.placeOrder.id).toBeTruthy();
  const trace = await jaeger.waitForTrace(caller.traceId, (t) => spansOf(t, 'products').some(isServer) && spansOf(t, 'orders').some((s) => s.operationName === 'products confirmStock'), TRACE_WAIT_MS);
  expectOneTree(trace, caller);
  const reserve = spansOf(trace, 'orders').find((s) => s.operationName === 'products reserveStock');
  expect(reserve?.tags['span.kind']).toBe('client');
  const products = expectSubgraphCalled(trace, 'products', 'orders');
  expect(products.map((s) => s.parentSpanId)).toContain(reserve!.spanId);
  // The products service's ledger writes belong to the stock call.
  const ledger = spansOf(trace, 'products').filter((s) => isMongo(s) && s.tags['db.collection.name'] === 'stockLedger');
  expect(ledger.length).toBeGreaterThan(0);
}

describe('OpenTelemetry traces through the supergraph', () => {
  it('follow a request from its caller through the router, all three subgraphs, the stock call and MongoDB, and its log lines carry the trace id', async () => {
    const keys = await generatePaserkKeyPair();
    const settings = (service: SupergraphService) => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...(service === 'users' ? { AUTH_SECRET_KEY: keys.secretKey } : { AUTH_PUBLIC_KEYS: keys.publicKey }),
    });
    const world = await startSupergraphProcesses({
      mongoUri: inject('mongoUri'),
      settings: { users: settings('users'), products: settings('products'), orders: settings('orders'), router: settings('router') },
    });
    const seller = await register(world.url, 'SELLER');
    const buyer = await register(world.url, 'BUYER');
    const productId = await createProduct(world.url, seller.token, { stock: 10 });
    const orderId = await placeOrder(world.url, buyer.token, [{ productId, quantity: 1 }]);
    // order { buyer { name } items { product { seller { name } } } }: router, orders, users, products.
    await expectOrderTraced(world, buyer, orderId);
    // placeOrder: router, orders, and the orders service's stock calls into products.
    await expectPlacementTraced(world, buyer, productId);
  }, 180_000);
});
