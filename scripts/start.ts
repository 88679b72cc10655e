// npm start: the whole marketplace on this machine (database, three subgraphs, gateway) with a demo shop in it.
import { fileURLToPath } from 'node:url';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { readSecret } from '@marketplace/service-kit';
import { printBanner } from './start/banner.ts';
import { fail, say, warn, writeLine } from './start/console.ts';
import { DEMO_ADMIN } from './start/demo.ts';
import { resolveKeys } from './start/keys.ts';
import { portProblems } from './start/ports.ts';
import { ChildExitedError, startService, type ServiceProcess } from './start/processes.ts';
import { seedDemo, type SeedOutcome } from './start/seed.ts';
import { childEnv, endpoints as readEndpoints, START_ORDER } from './start/services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const seed = !process.argv.includes('--no-seed');
const exitAfterReady = process.env.START_EXIT_AFTER_READY === '1';

let database: DatabaseHandle | undefined;
const services: ServiceProcess[] = [];
let shuttingDown: Promise<void> | undefined;

/** Stops the services, then the database they use; runs once however many ways it is asked for. */
function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    // The gateway first, so nothing new reaches a subgraph that is draining.
    for (const service of [...services].reverse()) {
      if (service.running()) await service.stop();
    }
    await database?.stop();
    say(code === 0 ? 'stopped.' : 'stopped after a failure.');
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
  const problems = await portProblems(START_ORDER.map((name) => endpoints[name]));
  if (problems.length > 0) throw new Error(problems.join('\n'));

  const { keys, notices } = await resolveKeys(env);
  for (const notice of notices) warn(notice);

  // A URI in MONGODB_URI_FILE counts as given too; the launcher itself only looks at MONGODB_URI.
  const givenUri = readSecret(env, 'MONGODB_URI');
  if (givenUri !== undefined) env.MONGODB_URI = givenUri;
  database = await startDatabase({ log: (line) => writeLine(process.stdout, 'database', line) });
  if (database.kind === 'external') say('using the database at MONGODB_URI as is');

  const operatorAdmin = env.ADMIN_EMAIL?.trim() || undefined;
  const demoAdmin = seed && operatorAdmin === undefined ? DEMO_ADMIN : undefined;
  for (const name of START_ORDER) {
    if (shuttingDown !== undefined) return;
    const endpoint = endpoints[name];
    const env = childEnv(name, { base: process.env, mongoUri: database.uri, keys, urls: endpoints, demoAdmin });
    const service = startService(endpoint, root, env);
    services.push(service);
    watch(service);
    await service.waitReady();
    say(`${name} ready at ${endpoint.url}`);
  }

  let outcome: SeedOutcome | undefined;
  if (seed) {
    say('adding the demo shop through the gateway…');
    outcome = await seedDemo(endpoints.router.url).catch((error: unknown) => {
      throw new Error(`adding the demo shop failed (npm start -- --no-seed skips it): ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  printBanner({
    endpoints,
    database,
    seed: outcome,
    operatorAdmin,
    seconds: (performance.now() - started) / 1000,
    exitAfterReady,
  });
  if (exitAfterReady) await shutdown(0);
}

main().catch((error: unknown) => {
  if (shuttingDown !== undefined && !(error instanceof ChildExitedError)) return;
  // The exit watcher has already said why a child died; anything else is said here.
  if (!(error instanceof ChildExitedError)) fail(error instanceof Error ? error.message : String(error));
  void shutdown(1);
});
