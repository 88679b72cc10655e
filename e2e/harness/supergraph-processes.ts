// Runs the whole supergraph (users, products, orders and the router's main.ts) as child processes, each restartable on its own port with new settings, as a rolling deployment changes them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { expect, onTestFailed, onTestFinished, vi } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { freePort } from '@marketplace/testing';
import { parseLines, startService, type ServiceKind } from './service-processes.ts';

const root = path.resolve(import.meta.dirname, '../..');
/** The two services service-processes.ts does not start. */
const ENTRIES = { users: 'subgraphs/users/src/main.ts', router: 'router/src/main.ts' } as const;
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const MAX_LOG_CHARS = 4 * 1024 * 1024;
const LOG_LINES_ON_FAILURE = 150;

export type SupergraphService = 'users' | 'products' | 'orders' | 'router';
const SERVICES: readonly SupergraphService[] = ['users', 'products', 'orders', 'router'];

/** Environment settings of one service; undefined leaves a setting out. */
export type Settings = Record<string, string | undefined>;

export interface RestartableService {
  readonly label: string;
  readonly port: number;
  /** The GraphQL endpoint, the same across restarts. */
  readonly url: string;
  /**
   * SIGTERM (it drains, as in a rolling deployment), then starts it again on the same port with `changes`
   * merged over its settings (undefined removes one), and waits until it is ready.
   */
  restartWith(changes: Settings): Promise<void>;
  /** The JSON log lines it has written (users and the router: across restarts; products and orders: since the last). */
  logLines(): Record<string, unknown>[];
}

export interface SupergraphProcesses {
  /** The router's /graphql URL. */
  url: string;
  users: RestartableService;
  products: RestartableService;
  orders: RestartableService;
  router: RestartableService;
  databases: { users: string; products: string; orders: string };
}

/** A running child; a restart launches a new one on the same port. */
interface Child {
  stop(): Promise<unknown>;
  /** Its output so far (for users and the router, with its predecessors' on the same port). */
  output(): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Children outlive a test process that dies without its hooks unless killed here.
  process.on('exit', () => live.forEach((child) => isRunning(child) && child.kill('SIGKILL')));
}

const readiness = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The environment of a child: this process's, with `env` over it and undefined settings left out entirely. */
function childEnv(env: Settings): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * The users or router main.ts as a child, like service-processes.ts's startService (which starts only
 * products and orders): waits for /readyz, fails at once if it exits first, prints its output when the test fails.
 */
async function launchChild(kind: keyof typeof ENTRIES, label: string, port: number, env: Settings, log: { text: string }): Promise<Child> {
  installExitHook();
  const append = (chunk: Buffer | string) => {
    log.text += chunk.toString();
    if (log.text.length > MAX_LOG_CHARS) log.text = log.text.slice(log.text.length - MAX_LOG_CHARS / 2);
  };
  const child = spawn(process.execPath, [path.join(root, ENTRIES[kind])], {
    cwd: root,
    env: childEnv({ ...env, [`${kind.toUpperCase()}_PORT`]: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));

  const kill = async () => {
    if (isRunning(child)) child.kill('SIGKILL');
    await exited;
  };
  const stop = async () => {
    if (!isRunning(child)) return;
    append(`--- ${label}: SIGTERM ---\n`);
    child.kill('SIGTERM');
    const timer = setTimeout(() => void kill(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  onTestFinished(kill);

  const died = exited.then(() => {
    throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(log.text, 40)}`);
  });
  const ready = vi.waitFor(async () => expect(await readiness(port)).toBe(200), { timeout: READY_TIMEOUT_MS, interval: 50 });
  died.catch(() => undefined);
  ready.catch(() => undefined);
  try {
    await Promise.race([ready, died]);
  } catch (error) {
    await kill();
    throw error;
  }
  return { stop, output: () => log.text };
}

type Launcher = (env: Settings) => Promise<Child>;

/** Users or the router: one log across restarts, as startService's restart() keeps, printed when the test fails. */
function childLauncher(kind: keyof typeof ENTRIES, port: number): Launcher {
  const log = { text: '' };
  let launches = 0;
  onTestFailed(() => {
    // Access lines of successful requests drown the rest, as in service-processes.ts.
    const telling = log.text.split('\n').filter((line) => !(line.includes('"level":30') && line.includes('"msg":"request completed"')));
    console.error(`===== ${kind} (port ${port}), last ${LOG_LINES_ON_FAILURE} lines, access logs left out =====\n${tail(telling.join('\n'), LOG_LINES_ON_FAILURE)}`);
  });
  return (env) => {
    if (launches++ > 0) log.text += `--- ${kind}: restart on port ${port} ---\n`;
    return launchChild(kind, kind, port, env, log);
  };
}

/** Products or orders through service-processes.ts, a new ServiceProcess on the same port each launch. */
function serviceLauncher(kind: ServiceKind, port: number): Launcher {
  return (env) => {
    // startService cannot leave a variable of this process out; an empty one reads as unset (readSecret, parse).
    const strings = Object.fromEntries(Object.entries(env).map(([name, value]) => [name, value ?? '']));
    return startService(kind, strings, { label: kind, port });
  };
}

async function restartable(service: SupergraphService, port: number, fixed: Settings, initial: Settings): Promise<RestartableService> {
  const launch = service === 'users' || service === 'router' ? childLauncher(service, port) : serviceLauncher(service, port);
  let settings: Settings = { ...initial };
  let current = await launch({ ...fixed, ...settings });
  return {
    logLines: () => parseLines(current.output()),
    label: service,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    async restartWith(changes) {
      await current.stop();
      settings = { ...settings, ...changes };
      current = await launch({ ...fixed, ...settings });
    },
  };
}

/**
 * Starts users, products, orders, then the router (whose /readyz waits for all three), each on a free
 * loopback port with its own database on `mongoUri`, dropped when the test finishes. `settings` are each
 * service's own (keys, limits; LOG_LEVEL info unless given); ports, databases, the orders-to-products service key and the
 * router's subgraph URLs are set here and stay across restarts.
 */
export async function startSupergraphProcesses(options: { mongoUri: string; settings: Record<SupergraphService, Settings> }): Promise<SupergraphProcesses> {
  const tag = `sp${new ObjectId().toHexString().slice(-10)}`;
  const databases = { users: `${tag}_users`, products: `${tag}_products`, orders: `${tag}_orders` };
  const client = await MongoClient.connect(options.mongoUri);
  onTestFinished(async () => {
    try {
      for (const name of Object.values(databases)) await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  });
  const servicePair = await generatePaserkKeyPair();
  const ports = {} as Record<SupergraphService, number>;
  for (const service of SERVICES) {
    // The kernel may hand a port back once its probe closed; each service needs its own for good.
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[service] = port;
  }
  const urlOf = (service: SupergraphService) => `http://127.0.0.1:${ports[service]}/graphql`;
  const database = (service: keyof typeof databases): Settings => ({ MONGODB_URI: options.mongoUri, [`${service.toUpperCase()}_DB`]: databases[service] });
  const fixed: Record<SupergraphService, Settings> = {
    users: database('users'),
    products: { ...database('products'), SERVICE_PUBLIC_KEYS: servicePair.publicKey },
    orders: { ...database('orders'), SERVICE_SECRET_KEY: servicePair.secretKey, PRODUCTS_URL: urlOf('products') },
    router: { USERS_URL: urlOf('users'), PRODUCTS_URL: urlOf('products'), ORDERS_URL: urlOf('orders') },
  };
  const started = {} as Record<SupergraphService, RestartableService>;
  // In order: the router is ready only once every subgraph is. NODE_ENV=test silences the logs, but
  // info lines (start-up, drains, refusals) are what the output printed on a failure needs.
  // The response cache is off unless a test asks for it: a test reads what another party just changed.
  const defaults = (service: SupergraphService): Settings => ({ LOG_LEVEL: 'info', ...(service === 'router' ? { RESPONSE_CACHE: 'off' } : {}) });
  for (const service of SERVICES) started[service] = await restartable(service, ports[service], fixed[service], { ...defaults(service), ...options.settings[service] });
  return { url: started.router.url, ...started, databases };
}
