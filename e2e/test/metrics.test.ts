// Prometheus metrics of every service, read from each one's METRICS_PORT while the four run as processes.
import { describe, expect, inject, it } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { expectData, freePort, graphql } from '@marketplace/testing';
import { createProduct, placeOrder, register } from '../harness/marketplace.ts';
import { labelValues, scrape, total, type Sample } from '../harness/prometheus.ts';
import { startSupergraphProcesses, type SupergraphService } from '../harness/supergraph-processes.ts';

const SERVICES: readonly SupergraphService[] = ['router', 'users', 'products', 'orders'];

const ORDER_WITH_PARTIES = `query OrderWithParties($id: ID!) {
  order(id: $id) { buyer { name } items { quantity product { title seller { name } } } }
}`;
const PLACE_NOTHING = 'mutation PlaceNothing($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }';
const TOO_MANY_ALIASES = `query TooManyAliases { ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`;

describe('metrics on METRICS_PORT', () => {
  it('count each request by operation in every service it touched, subgraph fetches per subgraph, errors by code, and carry no id, email or token', async () => {
    const keys = await generatePaserkKeyPair();
    const metricsPorts = {} as Record<SupergraphService, number>;
    for (const service of SERVICES) {
      let port = await freePort();
      while (Object.values(metricsPorts).includes(port)) port = await freePort();
      metricsPorts[service] = port;
    }
    const settings = (service: SupergraphService) => ({
      METRICS_PORT: String(metricsPorts[service]),
      ...(service === 'users' ? { AUTH_SECRET_KEY: keys.secretKey } : { AUTH_PUBLIC_KEYS: keys.publicKey }),
      // Few enough that the seller below runs into it; the buyer's handful of requests stay under.
      ...(service === 'router' ? { RATE_LIMIT_USER_PER_MINUTE: '10' } : {}),
    });
    const world = await startSupergraphProcesses({
      mongoUri: inject('mongoUri'),
      settings: { users: settings('users'), products: settings('products'), orders: settings('orders'), router: settings('router') },
    });
    const { url } = world;

    const seller = await register(url, 'SELLER');
    const buyer = await register(url, 'BUYER');
    const productId = await createProduct(url, seller.token, { stock: 5 });
    const orderId = await placeOrder(url, buyer.token, [{ productId, quantity: 2 }]);
    // The same operation twice: the second plan comes from the router's cache.
    for (let i = 0; i < 2; i++) {
      const data = await expectData(url, ORDER_WITH_PARTIES, { id: orderId }, { token: buyer.token });
      expect(data.order.items[0].product.seller.name).toBeTruthy();
    }
    const refusedInput = await graphql(url, PLACE_NOTHING, { input: { items: [{ productId, quantity: 0 }] } }, { token: buyer.token });
    expect(refusedInput.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const refusedShape = await graphql(url, TOO_MANY_ALIASES);
    expect(refusedShape.errors?.[0]?.extensions?.code).toBe('MAX_ALIASES_LIMIT');
    let limited = 0;
    for (let i = 0; i < 12; i++) {
      const answer = await graphql(url, 'query WhoAmI { me { id } }', {}, { token: seller.token });
      if (answer.errors?.[0]?.extensions?.code === 'RATE_LIMITED') limited++;
    }
    expect(limited).toBeGreaterThan(0);

    const scraped = {} as Record<SupergraphService, Sample[]>;
    for (const service of SERVICES) scraped[service] = await scrape(`http://127.0.0.1:${metricsPorts[service]}/metrics`);
    const { router, users, products, orders } = scraped;

    // The router: the request under its operation name, its latency, and a fetch sample for each subgraph called.
    expect(total(router, 'graphql_requests_total', { component: 'router', operation: 'OrderWithParties', outcome: 'success' })).toBe(2);
    expect(total(router, 'graphql_request_duration_seconds_count', { operation: 'OrderWithParties', outcome: 'success' })).toBe(2);
    for (const subgraph of ['users', 'products', 'orders']) {
      expect(total(router, 'router_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'success' }), subgraph).toBeGreaterThanOrEqual(2);
    }
    expect(total(router, 'router_query_plan_cache_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(total(router, 'router_query_plan_cache_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    // Errors under their codes; the refused shape under the refusal counter too.
    expect(total(router, 'graphql_errors_total', { operation: 'PlaceNothing', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(total(router, 'graphql_requests_total', { operation: 'PlaceNothing', outcome: 'error' })).toBe(1);
    expect(total(router, 'router_subgraph_fetch_errors_total', { subgraph: 'orders', code: 'BAD_USER_INPUT' })).toBe(1);
    expect(total(router, 'graphql_errors_total', { operation: 'TooManyAliases', code: 'MAX_ALIASES_LIMIT' })).toBe(1);
    expect(total(router, 'router_operations_refused_total', { reason: 'MAX_ALIASES_LIMIT' })).toBe(1);
    // Rate-limited requests are answered before GraphQL: counted by who was limited, and under their code.
    expect(total(router, 'router_rate_limited_total', { scope: 'user' })).toBe(limited);
    expect(total(router, 'graphql_errors_total', { code: 'RATE_LIMITED' })).toBe(limited);
    // Unnamed operations (the harness's register and login) have a label of their own.
    expect(labelValues(router, 'graphql_requests_total', 'operation')).toContain('(unnamed)');

    // Each subgraph saw its part of the request under the router's name for that fetch.
    for (const [name, samples] of [['users', users], ['products', products], ['orders', orders]] as const) {
      const operations = labelValues(samples, 'graphql_requests_total', 'operation');
      expect(operations.some((op) => op.startsWith('OrderWithParties__')), `${name}: ${operations.join(', ')}`).toBe(true);
      expect(total(samples, 'mongodb_command_duration_seconds_count', { component: name, command: 'find' }), name).toBeGreaterThan(0);
      expect(total(samples, 'nodejs_heap_size_used_bytes'), name).toBeGreaterThan(0);
    }
    expect(total(orders, 'graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(1);
    expect(total(orders, 'mongodb_command_duration_seconds_count', { command: 'find', collection: 'orders' })).toBeGreaterThan(0);
    expect(total(users, 'dataloader_batch_size_count', { loader: 'user' })).toBeGreaterThan(0);
    expect(total(products, 'dataloader_batch_size_count', { loader: 'product' })).toBeGreaterThan(0);
    expect(total(orders, 'orders_placed_total')).toBe(1);
    expect(total(products, 'mongodb_pool_connections_open')).toBeGreaterThan(0);
    expect(labelValues(router, 'nodejs_eventloop_lag_p99_seconds', 'component')).toEqual(['router']);

    // No label value carries an id, an email, a token or a password.
    const secrets = [seller.id, buyer.id, productId, orderId, seller.email, buyer.email, seller.token, buyer.token, seller.password, buyer.password];
    for (const service of SERVICES) {
      const values = new Set(scraped[service].flatMap((sample) => Object.values(sample.labels)));
      for (const value of values) {
        for (const secret of secrets) expect(value.includes(secret), `${service} label "${value}"`).toBe(false);
        expect(value, service).not.toMatch(/[0-9a-f]{24}|@|v4\.public\./i);
      }
    }
  });
});
