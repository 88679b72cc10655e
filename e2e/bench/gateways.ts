// Prints how our router, the stock @apollo/gateway and Hive Gateway compare over the same running users,
// products and orders subgraphs (and, where a workload has one, the single subgraph that answers it alone):
// each gateway a process of its own on the same supergraph, autocannon in another, rounds interleaved
// (for each round, each workload, each target), medians of the rounds. Per target and workload: answers
// per second, p50 and p99 latency, CPU time per request of the gateway, the subgraphs and the database
// server (utime+stime from /proc), and MongoDB commands per request (the subgraphs' METRICS_PORT).
// Loopback only, bounded in time. Run: npm run bench:gateways (settings: the BENCH_* names below).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId } from 'mongodb';
import { SUBGRAPHS, type SubgraphName } from '@marketplace/service-kit';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { parseMetrics, total } from '../harness/prometheus.ts';
import { closingTables, type Column, type Sample, type TargetName } from './gateways-report.ts';
import { removePlacedOrders, seed, type Seeded } from './gateways-seed.ts';
import { DISTINCT, ORDERS, WORKLOADS as ALL_WORKLOADS, type Workload } from './gateways-workloads.ts';
import { startLoadWorker, type LoadWorker } from './load-worker.ts';
import { send, startGateway, supergraphFor, THIS_CHECKOUT, versionOf, type Target } from './gateways-processes.ts';
import { assertRunning, clockTicks, cpuTicks, killChildrenOnInterrupt, machineTicks, otherChildren, SERVICES_ROOT, startSupergraphSet, uniquePort, type StartedChild, type SupergraphSet } from './supergraph-children.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Requests (10 at a time) each target gets of each read workload before the rounds, so its code is warm. */
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 10);
const SIZE = {
  products: Number(process.env.BENCH_PRODUCTS ?? 100),
  buyers: Math.max(DISTINCT, Number(process.env.BENCH_BUYERS ?? DISTINCT)),
  sellers: Number(process.env.BENCH_SELLERS ?? 10),
  ordersPerBuyer: Number(process.env.BENCH_ORDERS_PER_BUYER ?? 3),
};
/** The workloads to run, by key (BENCH_WORKLOADS=product,history-50); all when unset. */
const ONLY = process.env.BENCH_WORKLOADS?.split(',').map((key) => key.trim()).filter(Boolean);
const WORKLOADS = ONLY ? ALL_WORKLOADS.filter((workload) => ONLY.includes(workload.key)) : ALL_WORKLOADS;
if (WORKLOADS.length === 0) throw new Error(`BENCH_WORKLOADS names none of ${ALL_WORKLOADS.map((workload) => workload.key).join(', ')}`);
/** More settings for our router, as NAME=value,NAME=value (e.g. RESPONSE_CACHE=off). */
const ROUTER_SETTINGS = Object.fromEntries(
  (process.env.BENCH_ROUTER_SETTINGS ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
/**
 * After a run the gateways and subgraphs finish what was in flight when autocannon stopped: CPU and
 * metrics are read once every process measured has been (nearly) idle for IDLE_MS, or after IDLE_MAX_MS.
 */
const IDLE_MS = 200;
const IDLE_TICKS = 2;
const IDLE_MAX_MS = 30_000;
/** How long one answer may take before it counts as failed: FerretDB is slow, and 50 connections wait in line. */
const READ_TIMEOUT_SECONDS = 30;
const ONCE_TIMEOUT_SECONDS = 120;

const log = (line: string) => process.stderr.write(`${line}\n`);

let database: DatabaseHandle | undefined;
let set: SupergraphSet | undefined;
const gateways: StartedChild[] = [];
let load: LoadWorker | undefined;
let mongo: MongoClient | undefined;
let scratch: string | undefined;
killChildrenOnInterrupt('the gateways, the services and the load generator', () => {
  load?.kill();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const startedAt = performance.now();
try {
  database = await startDatabase();
  const metricsPorts = {} as Record<SubgraphName, number>;
  for (const name of SUBGRAPHS) metricsPorts[name] = await uniquePort();
  const tag = `gw${new ObjectId().toHexString().slice(-8)}`;
  set = await startSupergraphSet({
    label: 'bench',
    tag,
    mongoUri: database.uri,
    settings: (service) => ({
      // No access lines; no sweeps scanning collections between rounds; tokens that outlive the run.
      LOG_LEVEL: 'warn',
      SWEEP_INTERVAL_SECONDS: '0',
      ...(service === 'router' ? { RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0', RATE_LIMIT_USER_PER_MINUTE: '0', ...ROUTER_SETTINGS } : { METRICS_PORT: String(metricsPorts[service]) }),
      ...(service === 'users' ? { ACCESS_TOKEN_TTL_SECONDS: '3600', RATE_LIMIT_REGISTER_PER_HOUR: '0' } : {}),
      ...(service === 'orders' ? { MAX_OPEN_ORDERS_PER_BUYER: '10000' } : {}),
    }),
  });
  const running = set;
  const subgraphUrl = (name: SubgraphName) => `${running.services[name].origin}/graphql`;
  scratch = mkdtempSync(path.join(tmpdir(), 'bench-gateways-'));
  const supergraphFile = path.join(scratch, 'supergraph.graphql');
  writeFileSync(supergraphFile, supergraphFor({ users: subgraphUrl('users'), products: subgraphUrl('products'), orders: subgraphUrl('orders') }));
  for (const name of ['stock', 'hive'] as const) gateways.push(await startGateway(name, supergraphFile));
  const [stock, hive] = gateways as [StartedChild, StartedChild];

  mongo = await MongoClient.connect(database.uri);
  const ordersDb = mongo.db(set.databases.orders);
  const seeded: Seeded = await seed({ users: subgraphUrl('users'), products: subgraphUrl('products'), orders: subgraphUrl('orders') }, ordersDb, SIZE, log);
  load = startLoadWorker();
  const known = new Set([...Object.values(set.services).map((service) => service.pid), stock.running.pid, hive.running.pid, load.pid]);
  const databasePids = database.kind === 'external' ? [] : otherChildren(known);

  const gatewayTargets: Target[] = [
    { name: 'router', label: 'router (ours)', origin: set.services.router.origin, pid: set.services.router.pid },
    { name: 'stock', label: `@apollo/gateway ${versionOf('@apollo/gateway')}`, origin: stock.running.origin, pid: stock.running.pid },
    { name: 'hive', label: `Hive Gateway ${versionOf('@graphql-hive/gateway')}`, origin: hive.running.origin, pid: hive.running.pid },
  ];
  const targetsOf = (workload: Workload): Target[] =>
    workload.alone
      ? [...gatewayTargets, { name: 'alone', label: `${workload.alone.subgraph} alone`, origin: running.services[workload.alone.subgraph].origin, pid: undefined }]
      : gatewayTargets;
  const runs = new Map<string, number>();
  const requestsFor = (workload: Workload, target: Target) => {
    const run = runs.get(workload.key) ?? 0;
    runs.set(workload.key, run + 1);
    return target.name === 'alone' ? workload.alone!.requests(seeded, run) : workload.requests(seeded, run);
  };

  const commandCounts = async (): Promise<Record<SubgraphName, number>> => {
    const counts = {} as Record<SubgraphName, number>;
    for (const name of SUBGRAPHS) {
      const response = await fetch(`http://127.0.0.1:${metricsPorts[name]}/metrics`, { signal: AbortSignal.timeout(5000) });
      counts[name] = total(parseMetrics(await response.text()), 'mongodb_command_duration_seconds_count');
    }
    return counts;
  };
  const cpu = (target: Target) => ({
    gateway: target.pid === undefined ? 0 : cpuTicks(target.pid),
    subgraphs: SUBGRAPHS.reduce((sum, name) => sum + cpuTicks(running.services[name].pid), 0),
    database: databasePids.reduce((sum, pid) => sum + cpuTicks(pid), 0),
  });

  const busyTicks = (target: Target) => Object.values(cpu(target)).reduce((sum, ticks) => sum + ticks, 0);
  /** Waits until the processes measured are idle; how long that took, in seconds. */
  const untilIdle = async (target: Target): Promise<number> => {
    const started = Date.now();
    let last = busyTicks(target);
    for (;;) {
      await sleep(IDLE_MS);
      const now = busyTicks(target);
      if (now - last <= IDLE_TICKS || Date.now() - started > IDLE_MAX_MS) return (Date.now() - started) / 1000;
      last = now;
    }
  };

  /** One run: for `seconds`, or `amount` requests over `connections` (by default each of the workload's once). */
  const measure = async (workload: Workload, target: Target, shape: { seconds: number } | { amount?: number; connections: number }): Promise<Sample> => {
    assertRunning(running);
    for (const gateway of gateways) if (!gateway.running.alive()) throw new Error(`a gateway exited:\n${gateway.running.output().slice(-4000)}`);
    const requests = requestsFor(workload, target);
    const [cpuBefore, commandsBefore] = [cpu(target), await commandCounts()];
    const since = new Date();
    const result = await load!.run({
      origin: target.origin,
      requests,
      ...('connections' in shape ? { connections: shape.connections, seconds: 0, amount: shape.amount ?? requests.length } : { connections: CONNECTIONS, seconds: shape.seconds }),
      rotation: workload.rotation,
      countGraphqlErrors: true,
      timeoutSeconds: workload.once ? ONCE_TIMEOUT_SECONDS : READ_TIMEOUT_SECONDS,
    });
    const drained = await untilIdle(target);
    const [cpuAfter, commandsAfter] = [cpu(target), await commandCounts()];
    if (workload.once) await removePlacedOrders(ordersDb, seeded.buyers, since);
    const good = result.ok - (result.graphqlErrors ?? 0);
    // autocannon ends an `amount` run on its next whole-second tick: the run took until its last answer.
    const seconds = 'connections' in shape ? result.answeredWithin : result.seconds;
    // Every request sent was worked on to the end (idle since), answered in time or not.
    const perAnswer = (ticks: number) => (ticks / clockTicks / Math.max(1, result.sent)) * 1e6;
    return {
      rps: good / seconds,
      worked: result.sent / (seconds + drained),
      // No answer in the run: no latency to speak of (not 0).
      p50: good > 0 ? result.p50 : undefined,
      p99: good > 0 ? result.p99 : undefined,
      ok: good,
      failed: result.non2xx + result.errors + result.timeouts,
      graphqlErrors: result.graphqlErrors ?? 0,
      firstError: result.firstGraphqlError,
      gatewayCpu: target.pid === undefined ? undefined : perAnswer(cpuAfter.gateway - cpuBefore.gateway),
      subgraphCpu: perAnswer(cpuAfter.subgraphs - cpuBefore.subgraphs),
      databaseCpu: databasePids.length ? perAnswer(cpuAfter.database - cpuBefore.database) : undefined,
      commands: Object.fromEntries(SUBGRAPHS.map((name) => [name, (commandsAfter[name] - commandsBefore[name]) / Math.max(1, result.sent)])) as Record<SubgraphName, number>,
      sent: result.sent,
      drained,
    };
  };

  console.log('gateways side by side: our router, stock @apollo/gateway and Hive Gateway over the same subgraphs, each in its own process');
  console.log(
    'our router keeps answers per caller as the @cacheControl hints allow (RESPONSE_CACHE) and merges identical subgraph reads in flight; ' +
      'Hive Gateway merges identical subgraph requests in flight by default; the stock gateway does neither',
  );
  console.log(
    `${availableParallelism()} CPUs, Node ${process.versions.node}, database: ${database.kind}${databasePids.length ? '' : ' (its CPU not measured)'}; ` +
      `${seeded.products.length} products of ${seeded.sellers.length} sellers, ${seeded.buyers.length} buyers with ${seeded.orders} orders; ` +
      `${ROUNDS} rounds of ${SECONDS} s per read workload and target with ${CONNECTIONS} connections (placeOrder: ${ORDERS} orders, ${DISTINCT} at once), interleaved; ${clockTicks} ticks/s` +
      (Object.keys(ROUTER_SETTINGS).length ? `; router settings ${process.env.BENCH_ROUTER_SETTINGS}` : '') +
      (SERVICES_ROOT === THIS_CHECKOUT ? '' : `; services from ${SERVICES_ROOT}`),
  );

  // A complete answer from every target before anything is measured; then a short warm-up.
  const checkedSince = new Date();
  for (const workload of WORKLOADS) {
    for (const target of targetsOf(workload)) {
      const requests = requestsFor(workload, target);
      for (const request of workload.once ? requests.slice(0, 1) : [requests[0]!, requests.at(-1)!]) {
        // A second try, said, for a failure of the first request after a pause (a keep-alive socket the subgraph had just closed).
        for (let attempt = 1; ; attempt++) {
          const { status, body } = await send(target.origin, request);
          const problem = status === 200 ? workload.problem(body) : `HTTP ${status}: ${JSON.stringify(body).slice(0, 400)}`;
          if (!problem) break;
          if (attempt === 1) {
            log(`check ${workload.key} on ${target.label}: first try failed (${problem.slice(0, 300)}); trying once more`);
            await sleep(200);
            continue;
          }
          const logs = SUBGRAPHS.map((name) => `--- ${name} ---\n${running.services[name].output().trimEnd().split('\n').slice(-15).join('\n')}`).join('\n');
          throw new Error(`${workload.key} on ${target.label} (${target.origin}) is not answered in full: ${problem}\nrequest: ${request.body}\nthe subgraphs' last lines:\n${logs}`);
        }
      }
      if (!workload.once && WARMUP_REQUESTS > 0) await measure(workload, target, { amount: WARMUP_REQUESTS, connections: Math.min(10, WARMUP_REQUESTS) });
    }
  }
  await removePlacedOrders(ordersDb, seeded.buyers, checkedSince);

  // Everything this bench runs, to tell its CPU from that of whatever else runs on the machine.
  const ours = () => [...known, process.pid, ...databasePids].reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const [machineBefore, oursBefore] = [machineTicks(), ours()];
  const samples = new Map<string, Sample[]>();
  const samplesOf = (workload: Workload, target: TargetName) => samples.get(`${workload.key} ${target}`) ?? [];
  const ordersCounted: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const workload of WORKLOADS) {
      // Each round starts at the next target, so none always runs first (on the smallest ledger, say).
      const targets = targetsOf(workload);
      const turn = (round - 1) % targets.length;
      for (const target of [...targets.slice(turn), ...targets.slice(0, turn)]) {
        const sample = await measure(workload, target, workload.once ? { connections: DISTINCT } : { seconds: SECONDS });
        samples.set(`${workload.key} ${target.name}`, [...samplesOf(workload, target.name), sample]);
        const bad = sample.failed + sample.graphqlErrors;
        log(
          `round ${round}/${ROUNDS} ${workload.key.padEnd(11)} ${target.label.padEnd(22)} ${sample.rps.toFixed(1).padStart(7)} ${workload.unit ?? 'req/s'}  worked ${sample.worked.toFixed(1)}/s  p50 ${sample.p50 ?? '-'} ms  p99 ${sample.p99 ?? '-'} ms` +
            `  (${sample.sent} sent, ${sample.drained.toFixed(1)} s to drain)` +
            (bad ? `  NOT GOOD: ${sample.failed} failed, ${sample.graphqlErrors} with errors, e.g. ${sample.firstError ?? '(no body)'}` : ''),
        );
      }
    }
    ordersCounted.push(await ordersDb.collection('orders').countDocuments());
  }

  const [machineAfter, oursAfter] = [machineTicks(), ours()];
  const elapsedTicks = Math.max(1, machineAfter.all - machineBefore.all);
  const steal = (machineAfter.steal - machineBefore.steal) / elapsedTicks;
  const others = Math.max(0, machineAfter.busy - machineBefore.busy - (oursAfter - oursBefore)) / elapsedTicks;

  console.log('\nworkloads:');
  for (const workload of WORKLOADS) console.log(`  ${workload.key}: ${workload.title}${workload.alone ? `; ${workload.alone.subgraph} alone: ${workload.alone.label}` : ''}`);
  console.log(
    '\nreq/s: 2xx answers without GraphQL errors in the run, per second of it. worked/s: requests sent, per second from the start of the run until every process measured ' +
      'was idle again (those still in flight when the load stopped were worked on to the end: where answers take longer than a run, this is the figure to read). ' +
      'CPU per request, ms: utime+stime of the gateway process, of the three subgraphs together and of the database server, over the requests sent.',
  );
  console.log('DB commands: MongoDB commands per request of users/products/orders (mongodb_command_duration_seconds_count).\n');
  const columns = (workload: Workload): Column[] => targetsOf(workload).map((target) => ({ target: target.name, label: target.label }));
  console.log(closingTables({ workloads: WORKLOADS, columns, samples: samplesOf, hasDatabaseCpu: databasePids.length > 0 }));
  const failures = [...samples.values()].flat().reduce((sum, sample) => sum + sample.failed + sample.graphqlErrors, 0);
  console.log(`\norders in the database after each round: ${ordersCounted.join(', ')} (the orders placed under load are deleted after each run, so the history reads scan the same ones)`);
  console.log(
    `during the rounds, of the machine's CPU time: ${(steal * 100).toFixed(1)}% stolen by the hypervisor for other guests, ` +
      `${(others * 100).toFixed(1)}% used by processes other than this bench's (both make the rounds noisier)`,
  );
  console.log(failures ? `WARNING: ${failures} answers failed or had GraphQL errors (see the lines above the tables)` : 'every answer measured was a 2xx without GraphQL errors');
  for (const [name, gateway] of [
    ['stock', stock],
    ['hive', hive],
  ] as const) {
    const output = gateway.running.output().trim();
    if (output) console.log(`\nthe ${name} gateway wrote (last lines):\n${output.split('\n').slice(-10).map((line) => `  ${line.slice(0, 400)}`).join('\n')}`);
  }
  console.log(`total time ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
} finally {
  load?.stop();
  for (const gateway of gateways) await gateway.stop();
  await set?.stop();
  if (mongo && set) for (const name of Object.values(set.databases)) await mongo.db(name).dropDatabase().catch(() => undefined);
  await mongo?.close();
  await database?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
