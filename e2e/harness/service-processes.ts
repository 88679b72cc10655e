// Runs the products and orders subgraphs' main.ts as child processes, so a test can kill, stall and restart them like an outage would.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { expect, onTestFailed, onTestFinished, vi } from 'vitest';
import { generatePaserkKeyPair, importSigningKey, signAccessToken, signServiceToken } from '@marketplace/auth';
import { freePort } from '@marketplace/testing';

const root = path.resolve(import.meta.dirname, '../..');
const ENTRIES = { products: 'subgraphs/products/src/main.ts', orders: 'subgraphs/orders/src/main.ts' } as const;
/** Output kept per service (the newest part): enough to read what led up to a failure. */
const MAX_LOG_CHARS = 4 * 1024 * 1024;
const LOG_LINES_ON_FAILURE = 150;
const READY_TIMEOUT_MS = 20_000;

export type ServiceKind = keyof typeof ENTRIES;

export interface ServiceProcess {
  /** A label for logs: "products", "orders-2", ... */
  readonly label: string;
  readonly port: number;
  /** The GraphQL endpoint, the same across restarts. */
  readonly url: string;
  /** Everything the process (and its predecessors on this port) wrote, pino JSON lines mostly. */
  output(): string;
  /** The JSON log lines written so far. */
  logLines(): Record<string, unknown>[];
  /** SIGTERM, the way a deployment stops it (it drains); SIGKILL if it has not exited within `timeoutMs`. Resolves to the exit code, or the signal that ended it. */
  stop(timeoutMs?: number): Promise<number | string | null>;
  /** SIGKILL, as a crashed node or an OOM kill would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP: the process keeps its sockets, so the kernel still accepts connections and buffers requests, but nothing is served. */
  stall(): void;
  /** SIGCONT after a stall. */
  resume(): void;
  /** Kills the process if it still runs, then starts it again on the same port and waits until it is ready. */
  restart(): Promise<void>;
}

/** Every child of this test process, killed synchronously should the test process exit without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

function killSync(child: ChildProcess): void {
  // SIGKILL also ends a stopped (SIGSTOPped) process.
  if (isRunning(child)) child.kill('SIGKILL');
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => live.forEach(killSync));
}

const readiness = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);

/**
 * Starts `kind`'s main.ts with `env` (on top of this process's environment) and waits for /readyz.
 * The child is killed when the current test finishes, and its output is printed when the test fails.
 */
export async function startService(kind: ServiceKind, env: Record<string, string>, options: { label?: string; port?: number } = {}): Promise<ServiceProcess> {
  installExitHook();
  const label = options.label ?? kind;
  const port = options.port ?? (await freePort());
  const prefix = kind.toUpperCase();
  let log = '';
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const append = (chunk: Buffer | string) => {
    log += chunk.toString();
    if (log.length > MAX_LOG_CHARS) log = log.slice(log.length - MAX_LOG_CHARS / 2);
  };

  async function launch(): Promise<void> {
    const started = spawn(process.execPath, [path.join(root, ENTRIES[kind])], {
      cwd: root,
      // NODE_ENV stays as the test run has it (test): production refuses the approve-all payments.
      env: { ...process.env, HOST: '127.0.0.1', [`${prefix}_PORT`]: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    live.add(started);
    started.stdout!.on('data', append);
    started.stderr!.on('data', append);
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    void exited.then(() => live.delete(started));
    const died = exited.then(() => {
      throw new Error(`${label} exited (${started.exitCode ?? started.signalCode}) before it was ready:\n${tail(log, 40)}`);
    });
    const ready = vi.waitFor(async () => expect(await readiness(port)).toBe(200), { timeout: READY_TIMEOUT_MS, interval: 50 });
    died.catch(() => undefined);
    ready.catch(() => undefined);
    await Promise.race([ready, died]);
  }

  async function kill(): Promise<void> {
    if (child && isRunning(child)) {
      append(`--- ${label}: SIGKILL ---\n`);
      child.kill('SIGKILL');
    }
    await exited;
  }

  async function stop(timeoutMs = 10_000): Promise<number | string | null> {
    if (!child) return null;
    const stopping = child;
    if (!isRunning(stopping)) return stopping.exitCode ?? stopping.signalCode;
    append(`--- ${label}: SIGTERM ---\n`);
    // A stalled process cannot act on SIGTERM until it runs again.
    stopping.kill('SIGCONT');
    stopping.kill('SIGTERM');
    const timer = setTimeout(() => void kill(), timeoutMs);
    await exited;
    clearTimeout(timer);
    return stopping.exitCode ?? stopping.signalCode;
  }

  const signal = (name: NodeJS.Signals) => {
    if (!child || !isRunning(child)) throw new Error(`${label} is not running`);
    append(`--- ${label}: ${name} ---\n`);
    child.kill(name);
  };

  try {
    onTestFailed(() => {
      // Access lines of successful requests drown the rest; errors, sweeps and signals are what explain a failure.
      const telling = log.split('\n').filter((line) => !(line.includes('"level":30') && line.includes('"msg":"request completed"')));
      console.error(`===== ${label} (port ${port}), last ${LOG_LINES_ON_FAILURE} lines, access logs left out =====\n${tail(telling.join('\n'), LOG_LINES_ON_FAILURE)}`);
    });
    onTestFinished(kill);
  } catch {
    // Started outside a test (in a hook): the caller stops it, and the exit hook kills it at the latest.
  }
  await launch();

  return {
    label,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    output: () => log,
    logLines: () => parseLines(log),
    stop,
    kill,
    stall: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async restart() {
      await kill();
      append(`--- ${label}: restart on port ${port} ---\n`);
      await launch();
    },
  };
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The JSON lines of a process's output (pino's), skipping anything else. */
export function parseLines(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut short by a SIGKILL.
    }
  }
  return lines;
}

/** The keys a products/orders pair needs: users' tokens (signed here) and the orders service's own. */
export interface StockKeys {
  userPublicKey: string;
  servicePublicKey: string;
  serviceSecretKey: string;
  token(role: 'BUYER' | 'SELLER'): Promise<string>;
  /** A token of the orders service itself, for calling the products service's internal stock operations as it would. */
  serviceToken(): Promise<string>;
}

export async function stockKeys(): Promise<StockKeys> {
  const [user, service] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
  const signer = await importSigningKey(user.secretKey);
  const serviceSigner = await importSigningKey(service.secretKey);
  return {
    userPublicKey: user.publicKey,
    servicePublicKey: service.publicKey,
    serviceSecretKey: service.secretKey,
    token: async (role) => (await signAccessToken(signer, { userId: new ObjectId().toHexString(), roles: [role] })).token,
    serviceToken: async () => (await signServiceToken(serviceSigner, 'orders')).token,
  };
}

export interface StockDatabases {
  mongoUri: string;
  products: string;
  orders: string;
}

/** Fresh products and orders databases for one test, with a client to read them; dropped when the test finishes. */
export async function openStockDatabases(mongoUri: string, label: string): Promise<StockDatabases & { productsDb: Db; ordersDb: Db }> {
  const tag = new ObjectId().toHexString().slice(-10);
  const databases = { mongoUri, products: `${label}_${tag}_products`, orders: `${label}_${tag}_orders` };
  const client = await MongoClient.connect(mongoUri);
  onTestFinished(async () => {
    await client.db(databases.products).dropDatabase();
    await client.db(databases.orders).dropDatabase();
    await client.close();
  });
  return { ...databases, productsDb: client.db(databases.products), ordersDb: client.db(databases.orders) };
}

/** A products service on `databases.products`, trusting the users' and the orders service's keys. */
export function startProducts(keys: StockKeys, databases: StockDatabases, env: Record<string, string>, options?: { label?: string; port?: number }) {
  return startService(
    'products',
    { MONGODB_URI: databases.mongoUri, PRODUCTS_DB: databases.products, AUTH_PUBLIC_KEYS: keys.userPublicKey, SERVICE_PUBLIC_KEYS: keys.servicePublicKey, ...env },
    options,
  );
}

/** An orders service on `databases.orders`, calling the products service at `productsUrl`. */
export function startOrders(keys: StockKeys, databases: StockDatabases, productsUrl: string, env: Record<string, string>, options?: { label?: string; port?: number }) {
  return startService(
    'orders',
    { MONGODB_URI: databases.mongoUri, ORDERS_DB: databases.orders, AUTH_PUBLIC_KEYS: keys.userPublicKey, SERVICE_SECRET_KEY: keys.serviceSecretKey, PRODUCTS_URL: productsUrl, ...env },
    options,
  );
}
