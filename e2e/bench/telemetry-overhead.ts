// Prints what metrics and tracing cost on a typical query: two complete supergraphs as child processes on one
// database server, one with telemetry off (no METRICS_PORT, no OTEL_*) and one with it on (METRICS_PORT scraped
// every second as Prometheus would, spans exported over OTLP/HTTP to a sink in this process), loaded in turn
// (off, on, off, on, ...) by autocannon in a process of its own. Per workload: throughput and latency, and the
// CPU time per request of the router and of the three subgraphs (utime+stime from /proc), medians of the rounds.
// Loopback only, bounded in time (BENCH_SECONDS per round, BENCH_CONNECTIONS connections). Run: npm run bench.
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId } from 'mongodb';
import { graphql, startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { createProduct, placeOrder, register } from '../harness/marketplace.ts';
import { parseMetrics, total } from '../harness/prometheus.ts';
import { startOtlpSink, type OtlpSink } from './otlp-sink.ts';
import { startLoadWorker, type LoadWorker } from './load-worker.ts';
import { assertRunning, clockTicks, cpuTicks, killChildrenOnInterrupt, machineTicks, otherChildren, rssBytes, SERVICES, startSupergraphSet, uniquePort, type Service, type Settings, type SupergraphSet } from './supergraph-children.ts';
import type { LoadRequest } from './telemetry-load.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const SCRAPE_INTERVAL_MS = Number(process.env.BENCH_SCRAPE_MS ?? 1000);
/** The "on" set's batch delay: the spans of a round's last, partial batch leave within it. */
const EXPORT_DELAY_MS = 1000;
/** Waited after each round (both sets alike) before CPU is read again, so that last export is counted. */
const SETTLE_MS = EXPORT_DELAY_MS + 500;
const PRODUCTS = 50;

const PRODUCT_WITH_SELLER = 'query ProductWithSeller($id: ID!) { product(id: $id) { title price { amount currency } seller { name } } }';
const HISTORY = 'query History { me { orders(first: 10) { edges { node { total { amount } items { product { title } } } } } } }';

interface Seeded {
  buyerToken: string;
  products: string[];
}

interface Workload {
  name: string;
  requests(seeded: Seeded): LoadRequest[];
  /** Throws unless `url` answers the workload's query in full, without errors. */
  check(url: string, seeded: Seeded): Promise<void>;
}

const post = (body: Record<string, unknown>, token?: string): LoadRequest => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

const WORKLOADS: Workload[] = [
  {
    name: `product by id with its seller (ProductWithSeller: router, products, users; ${PRODUCTS} ids in turn)`,
    requests: (seeded) => seeded.products.map((id) => post({ query: PRODUCT_WITH_SELLER, operationName: 'ProductWithSeller', variables: { id } })),
    async check(url, seeded) {
      for (const id of [seeded.products[0]!, seeded.products[PRODUCTS - 1]!]) {
        const result = await graphql(url, PRODUCT_WITH_SELLER, { id });
        if (result.errors || !result.data?.product?.seller?.name) throw new Error(`ProductWithSeller on ${url}: ${JSON.stringify(result)}`);
      }
    },
  },
  {
    name: "the buyer's order history (History: router, users, orders, products; signed in)",
    requests: (seeded) => [post({ query: HISTORY, operationName: 'History' }, seeded.buyerToken)],
    async check(url, seeded) {
      const result = await graphql(url, HISTORY, {}, { token: seeded.buyerToken });
      const items = result.data?.me?.orders?.edges?.[0]?.node?.items;
      if (result.errors || !Array.isArray(items) || items.length === 0 || !items.every((item: any) => item.product?.title)) {
        throw new Error(`History on ${url}: ${JSON.stringify(result)}`);
      }
    },
  },
];

// ---- measuring ----

interface Cpu {
  router: number;
  subgraphs: number;
  database: number;
}

function cpuOf(set: SupergraphSet, databasePids: number[]): Cpu {
  const ticks = (services: readonly Service[]) => services.reduce((sum, service) => sum + cpuTicks(set.services[service].pid), 0);
  return {
    router: ticks(['router']),
    subgraphs: ticks(['users', 'products', 'orders']),
    database: databasePids.reduce((sum, pid) => sum + cpuTicks(pid), 0),
  };
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  /** CPU per request, µs. */
  router: number;
  subgraphs: number;
  database: number;
  requests: number;
  failures: number;
  spans: number;
  exports: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const spread = (values: number[]) => Math.max(...values) / Math.min(...values);
const percent = (on: number, off: number) => `${on >= off ? '+' : ''}${((on / off - 1) * 100).toFixed(1)}%`;
const us = (value: number) => `${value.toFixed(0)} µs`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

// ---- the run ----

let database: DatabaseHandle | undefined;
let load: LoadWorker | undefined;
killChildrenOnInterrupt('the services and the load generator', () => load?.kill());

const sets: SupergraphSet[] = [];
let sink: OtlpSink | undefined;
let scraper: NodeJS.Timeout | undefined;
const scrapes = { done: 0, failed: 0, bytes: 0 };
const steal = { all: 0, steal: 0 };

try {
  database = await startDatabase();
  sink = await startOtlpSink();
  const metricsPorts = {} as Record<Service, number>;
  for (const service of SERVICES) metricsPorts[service] = await uniquePort();
  const tag = `bench${new ObjectId().toHexString().slice(-8)}`;
  // Both sets alike but for telemetry: warn-level logs (no access lines), the router's rate limits off.
  const common = (service: Service): Settings => ({
    LOG_LEVEL: 'warn',
    ...(service === 'router' ? { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0', RATE_LIMIT_USER_PER_MINUTE: '0' } : {}),
  });
  const endpoint = sink.endpoint;
  const started = await Promise.allSettled([
    startSupergraphSet({ label: 'off', tag: `${tag}off`, mongoUri: database.uri, settings: common }),
    startSupergraphSet({
      label: 'on',
      tag: `${tag}on`,
      mongoUri: database.uri,
      settings: (service) => ({
        ...common(service),
        METRICS_PORT: String(metricsPorts[service]),
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: String(EXPORT_DELAY_MS),
      }),
    }),
  ]);
  for (const result of started) if (result.status === 'fulfilled') sets.push(result.value);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  const [off, on] = sets as [SupergraphSet, SupergraphSet];
  const known = new Set(sets.flatMap((set) => Object.values(set.services).map((service) => service.pid)));
  const databasePids = database.kind === 'external' ? [] : otherChildren(known);

  // The same data in both: a seller with 50 products, a buyer with one order of three of them.
  const seed = async (url: string): Promise<Seeded> => {
    const seller = await register(url, 'SELLER', 'Bench Seller');
    const buyer = await register(url, 'BUYER', 'Bench Buyer');
    const products: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) products.push(await createProduct(url, seller.token, { title: `Bench product ${i}`, stock: 1_000_000, amount: 100 + i }));
    await placeOrder(url, buyer.token, [0, 1, 2].map((i) => ({ productId: products[i]!, quantity: 1 })));
    return { buyerToken: buyer.token, products };
  };
  const seeded = new Map<SupergraphSet, Seeded>([
    [off, await seed(off.url)],
    [on, await seed(on.url)],
  ]);

  // As Prometheus would: every service of the "on" set, every interval, for as long as the load runs.
  scraper = setInterval(() => {
    for (const service of SERVICES) {
      fetch(`http://127.0.0.1:${metricsPorts[service]}/metrics`, { signal: AbortSignal.timeout(5000) })
        .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
        .then(
          (text) => {
            scrapes.done++;
            scrapes.bytes += text.length;
          },
          () => scrapes.failed++,
        );
    }
  }, SCRAPE_INTERVAL_MS);

  load = startLoadWorker();
  const runRound = async (set: SupergraphSet, requests: LoadRequest[], seconds: number): Promise<Round> => {
    assertRunning(set);
    const before = cpuOf(set, databasePids);
    const machineBefore = machineTicks();
    const sent = { ...sink!.received };
    const result = await load!.run({ origin: set.services.router.origin, requests, connections: CONNECTIONS, seconds });
    await sleep(SETTLE_MS);
    const after = cpuOf(set, databasePids);
    assertRunning(set);
    const machine = machineTicks();
    steal.all += machine.all - machineBefore.all;
    steal.steal += machine.steal - machineBefore.steal;
    const perRequest = (ticks: number) => (ticks / clockTicks / Math.max(1, result.ok)) * 1e6;
    return {
      rps: result.ok / result.seconds,
      p50: result.p50,
      p99: result.p99,
      router: perRequest(after.router - before.router),
      subgraphs: perRequest(after.subgraphs - before.subgraphs),
      database: perRequest(after.database - before.database),
      requests: result.ok,
      failures: result.non2xx + result.errors + result.timeouts,
      spans: sink!.received.spans - sent.spans,
      exports: sink!.received.requests - sent.requests,
    };
  };

  console.log(`telemetry overhead: metrics (METRICS_PORT, scraped every ${SCRAPE_INTERVAL_MS / 1000} s) and tracing (every request sampled, OTLP/HTTP protobuf to a sink in this process), on vs off`);
  console.log(
    `${availableParallelism()} CPUs, database: ${database.kind}, ${ROUNDS} rounds of ${SECONDS} s per set and workload (after ${WARMUP_SECONDS} s warm-up), ` +
      `${CONNECTIONS} connections, interleaved off/on; medians. CPU per request: utime+stime from /proc, ${clockTicks} ticks/s` +
      (databasePids.length ? '; the database server is shared, but the sets are loaded in turn' : ''),
  );
  for (const workload of WORKLOADS) {
    const jobs = new Map(sets.map((set) => [set, workload.requests(seeded.get(set)!)]));
    for (const set of sets) await workload.check(set.url, seeded.get(set)!);
    for (const set of sets) await runRound(set, jobs.get(set)!, WARMUP_SECONDS);
    const rounds = new Map<SupergraphSet, Round[]>(sets.map((set) => [set, []]));
    for (let i = 0; i < ROUNDS; i++) for (const set of sets) rounds.get(set)!.push(await runRound(set, jobs.get(set)!, SECONDS));
    for (const set of sets) await workload.check(set.url, seeded.get(set)!);

    const m = (set: SupergraphSet, key: keyof Round) => median(rounds.get(set)!.map((round) => round[key]));
    console.log(`\n${workload.name}`);
    console.log(`         req/s   p50 ms   p99 ms   router CPU/req   subgraphs CPU/req   together    database CPU/req`);
    for (const set of sets) {
      const together = median(rounds.get(set)!.map((round) => round.router + round.subgraphs));
      console.log(
        `  ${set.label.padEnd(4)} ${m(set, 'rps').toFixed(0).padStart(7)} ${m(set, 'p50').toFixed(1).padStart(8)} ${m(set, 'p99').toFixed(1).padStart(8)}` +
          `   ${us(m(set, 'router')).padStart(14)}   ${us(m(set, 'subgraphs')).padStart(17)}   ${us(together).padStart(8)}    ${databasePids.length ? us(m(set, 'database')).padStart(16) : '               -'}`,
      );
    }
    const together = (set: SupergraphSet) => median(rounds.get(set)!.map((round) => round.router + round.subgraphs));
    console.log(
      `  on/off throughput ${(m(on, 'rps') / m(off, 'rps')).toFixed(2)}; CPU per request on vs off: router ${percent(m(on, 'router'), m(off, 'router'))}, ` +
        `subgraphs ${percent(m(on, 'subgraphs'), m(off, 'subgraphs'))}, together ${percent(together(on), together(off))}`,
    );
    const onRounds = rounds.get(on)!;
    const exported = onRounds.reduce((sum, round) => sum + round.spans, 0);
    const served = onRounds.reduce((sum, round) => sum + round.requests, 0);
    console.log(`  spans received per request in the "on" rounds: ${(exported / Math.max(1, served)).toFixed(1)} (${onRounds.reduce((sum, round) => sum + round.exports, 0)} export requests)`);
    const offRounds = rounds.get(off)!;
    console.log(
      `  noise: off rounds ${offRounds.map((round) => round.rps.toFixed(0)).join(', ')} req/s (max/min ${spread(offRounds.map((round) => round.rps)).toFixed(2)}), ` +
        `CPU/req max/min ${spread(offRounds.map((round) => round.router + round.subgraphs)).toFixed(2)}; on rounds ${onRounds.map((round) => round.rps.toFixed(0)).join(', ')} req/s`,
    );
    const failures = [...rounds.values()].flat().reduce((sum, round) => sum + round.failures, 0);
    if (failures > 0) console.log(`  WARNING: ${failures} responses were not 2xx, or failed or timed out`);
  }

  clearInterval(scraper);
  scraper = undefined;
  await sleep(SETTLE_MS);
  const routerMetrics = parseMetrics(await (await fetch(`http://127.0.0.1:${metricsPorts.router}/metrics`)).text());
  const counted = (outcome: string) =>
    ['ProductWithSeller', 'History'].reduce((sum, operation) => sum + total(routerMetrics, 'graphql_requests_total', { component: 'router', operation, outcome }), 0);
  console.log(
    `\nOTLP sink: ${sink.received.requests} export requests, ${mb(sink.received.bytes)}, ${sink.received.spans} spans` +
      (sink.received.undecodable ? ` (${sink.received.undecodable} requests not decodable)` : ''),
  );
  console.log(`scrapes of the "on" services' /metrics: ${scrapes.done} (${scrapes.failed} failed), ${(scrapes.bytes / Math.max(1, scrapes.done) / 1024).toFixed(0)} kB each on average`);
  console.log(`the "on" router counted ${counted('success')} of the two operations as successes, ${counted('error')} as errors`);
  const memory = (set: SupergraphSet) =>
    `router ${mb(rssBytes(set.services.router.pid))}, subgraphs ${mb(['users', 'products', 'orders'].reduce((sum, service) => sum + rssBytes(set.services[service as Service].pid), 0))}`;
  console.log(`machine CPU steal (time the hypervisor gave other guests) during the rounds: ${((steal.steal / Math.max(1, steal.all)) * 100).toFixed(1)}%`);
  console.log(`resident memory at the end: off ${memory(off)}; on ${memory(on)}`);
} finally {
  if (scraper) clearInterval(scraper);
  load?.stop();
  for (const set of sets) await set.stop();
  if (database) {
    const client = await MongoClient.connect(database.uri, { serverSelectionTimeoutMS: 5000 }).catch(() => undefined);
    if (client) {
      for (const set of sets) for (const name of Object.values(set.databases)) await client.db(name).dropDatabase().catch(() => undefined);
      await client.close();
    }
  }
  await sink?.stop();
  await database?.stop();
}
