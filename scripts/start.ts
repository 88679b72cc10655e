// npm start: the whole marketplace on this machine (database, three subgraphs, gateway, storefront) with a demo shop in it.
import { fileURLToPath } from 'node:url';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { readSecret, SUBGRAPHS } from '@marketplace/service-kit';
import { startStorefront, type StorefrontHandle } from '@marketplace/web/server';
import { printBanner } from './start/banner.ts';
import { fail, say, warn, writeLine } from './start/console.ts';
import { DEMO_ADMIN } from './start/demo.ts';
import { resolveKeys } from './start/keys.ts';
import { portProblems } from './start/ports.ts';
import { startService, type ServiceProcess } from './start/processes.ts';
import { seedDemo, type SeedOutcome } from './start/seed.ts';
import {
  childEnv,
  documentsMode,
  endpoints as readEndpoints,
  manifestDocumentId,
  storefrontEndpoint,
  ALL_SERVICES,
  type ServiceName,
} from './start/services.ts';
import { ensureStorefrontBuild, type StorefrontBuild } from './start/storefront-build.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
// `npm start -- --no-seed` arrives as an argument, but `npm start --no-seed` only as npm's own config
// (npm_config_seed empty or "false"), and both should work.
const seed = !process.argv.includes('--no-seed') && !['', 'false'].includes(process.env.npm_config_seed ?? 'unset');
const exitAfterReady = process.env.START_EXIT_AFTER_READY === '1';

let database: DatabaseHandle | undefined;
const services: ServiceProcess[] = [];
let storefront: StorefrontHandle | undefined;
let shuttingDown: Promise<void> | undefined;

/** Stops the services, then the database they use; runs once however many ways it is asked for. */
function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    await storefront?.close().catch(() => undefined);
    // The gateway first, so nothing new reaches a subgraph that is draining; the subgraphs then all at once.
    const gateway = services.find((s) => s.name === 'router');
    await gateway?.stop();
    await Promise.all(services.filter((s) => s !== gateway).map((s) => s.stop()));
    await database?.stop();
    if (services.length > 0 || database !== undefined || storefront !== undefined) say(code === 0 ? 'stopped.' : 'stopped after a failure.');
    process.exit(code);
  })();
  return shuttingDown;
}

let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  if (shuttingDown !== undefined) {
    // One keypress can arrive twice (to us directly and to our process group); only a later one means "force".
    if (Date.now() - firstSignalAt < 1000) return;
    warn(`${signal} again: killing the services now`);
    for (const service of services) service.kill();
    return;
  }
  firstSignalAt = Date.now();
  // Starts our message on a fresh line after the terminal's echoed ^C.
  process.stdout.write('\n');
  say(`${signal}: stopping the services and the database (Ctrl-C again to force)…`);
  void shutdown(0);
}
// Registered before the database starts, so its launcher leaves shutdown order to us.
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

function watch(service: ServiceProcess): void {
  void service.exited.then((exit) => {
    if (shuttingDown !== undefined) return;
    fail(`${service.name} stopped unexpectedly (${service.explain(exit)}); stopping everything.`);
    void shutdown(1);
  });
}

async function main(): Promise<void> {
  const env = process.env;
  const endpoints = readEndpoints(env);
  const shop = storefrontEndpoint(env);
  const mode = documentsMode(env);
  const problems = await portProblems([...ALL_SERVICES.map((name) => endpoints[name]), ...ALL_SERVICES.map((name) => endpoints[name].metrics), shop]);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  if (env.PERSISTED_DOCUMENTS !== undefined) warn('PERSISTED_DOCUMENTS is not used by npm start: the gateway gets the storefront\'s and the app\'s manifests');

  // Built beside the database and the services starting; awaited before the storefront is served.
  const building: Promise<StorefrontBuild | undefined> = shop.mode === 'built' ? ensureStorefrontBuild() : Promise.resolve(undefined);
  building.catch(() => undefined);

  const { keys, notices } = await resolveKeys(env);
  for (const notice of notices) warn(notice);

  // A URI in MONGODB_URI_FILE counts as given too; the launcher itself only looks at MONGODB_URI.
  const givenUri = readSecret(env, 'MONGODB_URI');
  if (givenUri !== undefined) env.MONGODB_URI = givenUri;
  database = await startDatabase({
    log: (line) => {
      // A terminal's Ctrl-C reaches the database directly too, so once we are stopping its exit is no surprise.
      if (shuttingDown === undefined || !line.includes('exited unexpectedly')) writeLine(process.stdout, 'database', line);
    },
  });
  if (database.kind === 'external') say('using the database at MONGODB_URI as is');

  const operatorAdmin = env.ADMIN_EMAIL?.trim() || undefined;
  const demoAdmin = seed && operatorAdmin === undefined ? DEMO_ADMIN : undefined;
  const mongoUri = database.uri;
  const launch = async (name: ServiceName): Promise<void> => {
    if (shuttingDown !== undefined) return;
    const serviceEnv = childEnv(name, { base: env, mongoUri, keys, urls: endpoints, storefront: shop, demoAdmin });
    const service = startService(endpoints[name], root, serviceEnv);
    services.push(service);
    watch(service);
    await service.waitReady();
    say(`${name} ready at ${endpoints[name].url}`);
  };
  // The subgraphs only need each other per request, so they boot side by side; the gateway checks them when ready.
  await Promise.all(SUBGRAPHS.map(launch));
  await launch('router');

  const build = await building;
  if (build?.kind === 'built') say(`storefront built in ${build.seconds.toFixed(1)} s`);
  if (shuttingDown !== undefined) return;
  storefront = await startStorefront({ gatewayUrl: endpoints.router.url, host: shop.host, port: shop.port, mode: shop.mode });
  say(`storefront ready at ${shop.url} (${shop.mode === 'dev' ? "Vite's dev server" : 'built'})`);

  let outcome: SeedOutcome | undefined;
  if (seed) {
    // Straight to the subgraphs: the gateway may run only the clients' documents (safelist), and the seed's are its own.
    say('adding the demo shop through the subgraphs…');
    const admin = operatorAdmin ? { email: operatorAdmin, password: readSecret(env, 'ADMIN_PASSWORD') ?? '' } : DEMO_ADMIN;
    const urls = { users: endpoints.users.url, products: endpoints.products.url, orders: endpoints.orders.url };
    outcome = await seedDemo(urls, admin).catch((error: unknown): SeedOutcome => {
      const reason = error instanceof Error ? error.message : String(error);
      // The services are up and still worth exploring, so a broken seed is reported, not fatal.
      fail(`adding the demo shop failed (npm start -- --no-seed skips it): ${reason}`);
      return { kind: 'failed', reason };
    });
  }
  printBanner({
    endpoints,
    storefront: shop,
    documents: { mode, catalogId: manifestDocumentId('StorefrontCatalog') },
    database,
    seed: outcome,
    operatorAdmin,
    // Since the process began, so the figure includes loading this script and its imports.
    seconds: process.uptime(),
    exitAfterReady,
    traces: env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
  });
  if (exitAfterReady) await shutdown(outcome?.kind === 'failed' ? 1 : 0);
}

main().catch((error: unknown) => {
  // Once stopping (on a signal, or after a service died and was explained), later errors are only fallout.
  if (shuttingDown !== undefined) return;
  fail(error instanceof Error ? error.message : String(error));
  void shutdown(1);
});
