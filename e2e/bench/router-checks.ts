// Prints what the router's operation limits and cost analysis add to a typical page query:
// the checks alone in this process (microseconds), then the same page through two gateways side by
// side, one with every check off. Loopback only, a fixed number of requests. Run: npm run bench.
import { performance } from 'node:perf_hooks';
import { buildASTSchema, getOperationAST, parse } from 'graphql';
import { readSupergraph } from '@marketplace/router/supergraph';
import { estimateCost, measureOperation, readCostModel } from '@marketplace/router/limits';
import { expectData, startDatabase } from '@marketplace/testing';
import { createProduct, register } from '../harness/marketplace.ts';
import { startSupergraph } from '../harness/supergraph.ts';

process.env.LOG_LEVEL ??= 'warn';
const ITERATIONS = Number(process.env.BENCH_CHECK_ITERATIONS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);

const PAGES = {
  'catalog page of 20 (+ sellers)': '{ products(first: 20) { totalCount edges { cursor node { id title price { amount currency } images stock seller { id name } category { name } } } pageInfo { hasNextPage endCursor } } }',
  'order history page of 20': `{ me { orders(first: 20) { totalCount edges { node { id status createdAt total { amount currency }
    items { title quantity unitPrice { amount currency } product { id title seller { name } } } events { status at actor { name } } } }
    pageInfo { hasNextPage endCursor } } } }`,
};

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

console.log(`limit and cost checks alone, ${ITERATIONS} runs each (parse and validation excluded: the gateway does those anyway)`);
const sdl = readSupergraph();
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const model = readCostModel(sdl);
for (const [name, source] of Object.entries(PAGES)) {
  const document = parse(source);
  const operation = getOperationAST(document)!;
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    measureOperation(document, operation);
    estimateCost(schema, model, document, operation, {});
    samples.push((performance.now() - t0) * 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(32)} p50 ${percentile(samples, 0.5).toFixed(1)} µs   p99 ${percentile(samples, 0.99).toFixed(1)} µs`);
}

const database = await startDatabase();
const noLimits = { anonymousPerMinute: 0, userPerMinute: 0 };
const sg = await startSupergraph({ mongoUri: database.uri, production: true, router: { rateLimits: noLimits } });
const uncheckedUrl = await sg.startRouter({
  rateLimits: noLimits,
  limits: { maxDepth: 0, maxAliases: 0, maxRootFields: 0, maxTokens: 0, maxDirectives: 0, maxCost: 0 },
});
try {
  const seller = await register(sg.url, 'SELLER');
  for (let i = 0; i < 20; i++) await createProduct(sg.url, seller.token, { stock: 10, amount: 100 + i });
  const page = PAGES['catalog page of 20 (+ sellers)'];
  const latencies: Record<string, number[]> = { checked: [], unchecked: [] };
  // Alternate the two gateways, one request at a time, so both see the same machine and database.
  for (let i = 0; i < REQUESTS; i++) {
    for (const [name, url] of [['checked', sg.url], ['unchecked', uncheckedUrl]] as const) {
      const t0 = performance.now();
      await expectData(url, page);
      latencies[name]!.push((performance.now() - t0) * 1000);
    }
  }
  console.log(`catalog page of 20 through the gateway, ${REQUESTS} requests each, alternating, database: ${database.kind}`);
  for (const [name, samples] of Object.entries(latencies)) {
    samples.sort((a, b) => a - b);
    console.log(`  ${`limits and cost ${name === 'checked' ? 'on ' : 'off'}`.padEnd(32)} p50 ${(percentile(samples, 0.5) / 1000).toFixed(2)} ms   p95 ${(percentile(samples, 0.95) / 1000).toFixed(2)} ms`);
  }
} finally {
  await sg.stop();
  await database.stop();
}
