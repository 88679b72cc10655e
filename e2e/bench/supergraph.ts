// Prints throughput and latency of common operations through the gateway on this machine.
// Loopback only and bounded: a fixed number of requests per scenario. Run: npm run bench.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ObjectId } from 'mongodb';
import { signAccessToken } from '@marketplace/auth';
import { createLogger } from '@marketplace/service-kit';
import { expectData, startDatabase } from '@marketplace/testing';
import { startSupergraph } from '../harness/supergraph.ts';
import { createProduct, PLACE_ORDER, register } from '../harness/marketplace.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** Buyers placing orders at once in the many-buyers scenario, each with its own token. */
const BUYERS = Number(process.env.BENCH_BUYERS ?? 50);
/** Scenarios to run, by a word of their name (BENCH_ONLY=placeOrder); all when unset. */
const ONLY = process.env.BENCH_ONLY?.toLowerCase();

/** Runs REQUESTS requests, `concurrency` at a time; `run` is told the request's number and which of the concurrent workers sends it. */
async function measure(name: string, run: (i: number, worker: number) => Promise<unknown>, concurrency = CONCURRENCY): Promise<void> {
  if (ONLY && !name.toLowerCase().includes(ONLY)) return;
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < REQUESTS) {
        const i = next++;
        const t0 = performance.now();
        // A failure (an error answer, or no answer within the client's timeout) is counted, not fatal.
        await run(i, worker).catch(() => failed++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  const failures = failed > 0 ? `   ${failed} failed` : '';
  console.log(`${name.padEnd(40)} ${((REQUESTS - failed) / seconds).toFixed(1).padStart(6)} req/s   p50 ${at(0.5)} ms   p95 ${at(0.95)} ms   p99 ${at(0.99)} ms${failures}`);
}

const database = await startDatabase();
// Rate limits off: the benchmark is one client sending thousands of requests on purpose.
// One buyer places most orders: the open-order limit (MAX_OPEN_ORDERS_PER_BUYER) is lifted for it.
const sg = await startSupergraph({
  mongoUri: database.uri,
  production: true,
  router: { rateLimits: { anonymousPerMinute: 0, userPerMinute: 0 } },
  orders: { maxOpenOrdersPerBuyer: REQUESTS + 10 },
  // An access line per request would be measured too, and drown the figures.
  logger: createLogger('bench', undefined, { level: 'warn' }),
});
try {
  const seller = await register(sg.url, 'SELLER');
  const buyer = await register(sg.url, 'BUYER');
  // Signed here rather than registered (registrations per address are throttled): each its own user and session.
  const buyers = await Promise.all(
    Array.from({ length: BUYERS }, () => signAccessToken(sg.userSigner, { userId: new ObjectId().toHexString(), roles: ['BUYER'], sessionId: randomUUID() }, { ttlSeconds: 3600 })),
  );
  const products: string[] = [];
  for (let i = 0; i < 50; i++) products.push(await createProduct(sg.url, seller.token, { stock: 1_000_000, amount: 100 + i }));
  const rssBefore = process.memoryUsage().rss;
  console.log(`${REQUESTS} requests per scenario, ${CONCURRENCY} at a time, database: ${database.kind}`);
  await measure('product by id (+ seller, 2 subgraphs)', (i) =>
    expectData(sg.url, `query ($id: ID!) { product(id: $id) { title price { amount } seller { name } } }`, { id: products[i % 50] }));
  await measure('catalog page of 20 (+ sellers)', () =>
    expectData(sg.url, '{ products(first: 20) { edges { node { title price { amount } seller { name } } } } }'));
  await measure('me (token verified twice)', () => expectData(sg.url, '{ me { id name } }', {}, { token: buyer.token }));
  await measure('placeOrder (reserve across services)', (i) =>
    expectData(sg.url, PLACE_ORDER, { input: { items: [{ productId: products[i % 50], quantity: 1 }] } }, { token: buyer.token }));
  // BUYERS workers at once, each a buyer of its own with one order in flight at a time.
  await measure(`placeOrder, ${BUYERS} buyers at once`, (i, worker) =>
    expectData(sg.url, PLACE_ORDER, { input: { items: [{ productId: products[i % 50], quantity: 1 }] } }, { token: buyers[worker]!.token }), BUYERS);
  await measure('order history page of 20 (3 subgraphs)', () =>
    expectData(sg.url, '{ me { orders(first: 20) { edges { node { total { amount } items { product { title } } } } } } }', {}, { token: buyer.token }));
  console.log(`process memory: ${(rssBefore / 1048576).toFixed(0)} MB before, ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB after (all four services in one process)`);
} finally {
  await sg.stop();
  await database.stop();
}
