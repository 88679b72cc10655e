// A service started with missing or bad settings exits 1 at once, naming every problem on a line
// of its own, and never prints a secret it was given. Each service's real entry point is run as
// a process, as a container would run it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';

const root = path.resolve(import.meta.dirname, '../..');
const MAIN = {
  users: 'subgraphs/users/src/main.ts',
  products: 'subgraphs/products/src/main.ts',
  orders: 'subgraphs/orders/src/main.ts',
  router: 'router/src/main.ts',
} as const;
type Service = keyof typeof MAIN;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  /** The non-empty lines of stdout and stderr together. */
  lines: string[];
}

/** Runs a service's main.ts with exactly `env` (plus NODE_ENV=production, so it logs) and waits for it to exit. */
function run(service: Service, env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, MAIN[service])], {
      // Nothing inherited: no MONGODB_URI or key of the test run's own may fill a gap.
      env: { NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A service that does not exit on bad settings is what this file is about: stop it and fail.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${service} did not exit within 20 s; its output:\n${output}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, lines: output.split('\n').filter((line) => line.trim() !== '') });
    });
  });
}

const named = (name: string) => new RegExp(`\\b${name}\\b`);
/** A stack frame, raw or inside a JSON log line. */
const STACK_FRAME = /\bat (?:async )?[\w.<>[\]$ ]*\(?(?:file:|node:|\/)[^)\s]*:\d+:\d+/;

/**
 * Exit code 1; one output line per problem and nothing else; each line names exactly one of the
 * settings, and each setting is named by exactly one line; no stack trace; none of the secrets.
 */
function expectRefused(exit: Exit, settings: string[], secrets: string[] = []) {
  expect(exit.signal, exit.output).toBeNull();
  expect(exit.code, exit.output).toBe(1);
  for (const line of exit.lines) {
    expect(settings.filter((name) => named(name).test(line)), `which settings this line names: ${line}`).toHaveLength(1);
    expect(line).toMatch(/configuration/);
  }
  for (const name of settings) expect(exit.lines.filter((line) => named(name).test(line)), `lines naming ${name}`).toHaveLength(1);
  expect(exit.lines).toHaveLength(settings.length);
  expect(exit.output).not.toMatch(STACK_FRAME);
  for (const secret of secrets) expect(exit.output).not.toContain(secret);
}

let publicKey: string;
let secretKey: string;
/** The secret part of a PASERK, without its k4.secret. prefix: what must never be printed. */
let secretMaterial: string;
const MONGO_PASSWORD = 'Mongo-Secret-Pw-7731';
const REDIS_PASSWORD = 'Redis-Secret-Pw-4420';

beforeAll(async () => {
  ({ publicKey, secretKey } = await generatePaserkKeyPair());
  secretMaterial = secretKey.slice('k4.secret.'.length);
  expect(secretMaterial.length).toBeGreaterThan(40);
});

describe.concurrent('a service exits 1 on bad configuration, naming every problem', () => {
  it.each([
    ['users', ['MONGODB_URI', 'AUTH_SECRET_KEY']],
    ['products', ['MONGODB_URI', 'AUTH_PUBLIC_KEYS', 'SERVICE_PUBLIC_KEYS']],
    ['orders', ['MONGODB_URI', 'AUTH_PUBLIC_KEYS', 'SERVICE_SECRET_KEY', 'PAYMENT_PROVIDER']],
    ['router', ['AUTH_PUBLIC_KEYS', 'PERSISTED_DOCUMENTS']],
  ] as [Service, string[]][])('%s with nothing set names each required setting', async (service, required) => {
    expectRefused(await run(service, {}), required);
  });

  it('users: a bad database URL, port, keys, lifetimes, proxies and limits', async () => {
    const exit = await run('users', {
      MONGODB_URI: `postgres://admin:${MONGO_PASSWORD}@db.internal/users`,
      // The operator pasted the secret key where the public ones go, and left the secret one out.
      AUTH_PUBLIC_KEYS: secretKey,
      USERS_PORT: '70000',
      ACCESS_TOKEN_TTL_SECONDS: '5',
      SHUTDOWN_DELAY_MS: 'soon',
      RATE_LIMIT_REDIS_URL: `http://:${REDIS_PASSWORD}@cache.internal:6379`,
      TRUSTED_PROXIES: 'the-load-balancer',
      RATE_LIMIT_REGISTER_PER_HOUR: '-1',
    });
    expectRefused(
      exit,
      ['MONGODB_URI', 'AUTH_SECRET_KEY', 'AUTH_PUBLIC_KEYS', 'USERS_PORT', 'ACCESS_TOKEN_TTL_SECONDS', 'SHUTDOWN_DELAY_MS', 'RATE_LIMIT_REDIS_URL', 'TRUSTED_PROXIES', 'RATE_LIMIT_REGISTER_PER_HOUR'],
      [MONGO_PASSWORD, REDIS_PASSWORD, secretMaterial, 'db.internal', 'cache.internal'],
    );
  });

  it('products: a MONGODB_URI that is not a mongodb URL, a bad port, a secret key among the public ones', async () => {
    const exit = await run('products', {
      MONGODB_URI: `mysql://root:${MONGO_PASSWORD}@db.internal:3306/products`,
      PRODUCTS_PORT: 'http',
      AUTH_PUBLIC_KEYS: publicKey,
      SERVICE_PUBLIC_KEYS: `${publicKey},${secretKey}`,
    });
    expectRefused(exit, ['MONGODB_URI', 'PRODUCTS_PORT', 'SERVICE_PUBLIC_KEYS'], [MONGO_PASSWORD, secretMaterial]);
  });

  it('orders: a bad database name, products URL, port and keys of the wrong kind, the database password unprinted', async () => {
    const exit = await run('orders', {
      // A good URL, with a password: the database name is what is wrong.
      MONGODB_URI: `mongodb://orders:${MONGO_PASSWORD}@127.0.0.1:1/`,
      ORDERS_DB: 'orders db!',
      ORDERS_PORT: '-1',
      PRODUCTS_URL: 'products:4002',
      AUTH_PUBLIC_KEYS: 'k4.local.not-a-public-key',
      SERVICE_SECRET_KEY: publicKey,
    });
    expectRefused(exit, ['ORDERS_DB', 'ORDERS_PORT', 'PRODUCTS_URL', 'AUTH_PUBLIC_KEYS', 'SERVICE_SECRET_KEY', 'PAYMENT_PROVIDER'], [MONGO_PASSWORD]);
  });

  it('orders in production with every other setting right refuses to start without a payment provider, and says why', async () => {
    const good = { MONGODB_URI: 'mongodb://127.0.0.1:1/', AUTH_PUBLIC_KEYS: publicKey, SERVICE_SECRET_KEY: secretKey };
    const unset = await run('orders', good);
    expectRefused(unset, ['PAYMENT_PROVIDER'], [secretMaterial]);
    expect(unset.output).toMatch(/development and tests only/);
    const approveAll = await run('orders', { ...good, PAYMENT_PROVIDER: 'approve-all' });
    expectRefused(approveAll, ['PAYMENT_PROVIDER'], [secretMaterial]);
    expect(approveAll.output).toMatch(/approve-all is refused when NODE_ENV=production.*development and tests only/);
  });

  it('orders and products: payment deadline, per-buyer limits, stock call timeout, hold time and sweep interval out of range', async () => {
    const orders = await run('orders', {
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      AUTH_PUBLIC_KEYS: publicKey,
      SERVICE_SECRET_KEY: secretKey,
      PAYMENT_PROVIDER: 'card-on-file',
      ORDER_PAYMENT_TIMEOUT_SECONDS: '4',
      MAX_OPEN_ORDERS_PER_BUYER: '0',
      MAX_LINE_QUANTITY: '20000',
      PRODUCTS_TIMEOUT_MS: 'slow',
      SWEEP_INTERVAL_SECONDS: '-5',
    });
    expectRefused(orders, ['PAYMENT_PROVIDER', 'ORDER_PAYMENT_TIMEOUT_SECONDS', 'MAX_OPEN_ORDERS_PER_BUYER', 'MAX_LINE_QUANTITY', 'PRODUCTS_TIMEOUT_MS', 'SWEEP_INTERVAL_SECONDS'], [secretMaterial]);
    const products = await run('products', {
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      AUTH_PUBLIC_KEYS: publicKey,
      SERVICE_PUBLIC_KEYS: publicKey,
      STOCK_HOLD_SECONDS: '1',
      SWEEP_INTERVAL_SECONDS: 'often',
    });
    expectRefused(products, ['STOCK_HOLD_SECONDS', 'SWEEP_INTERVAL_SECONDS']);
  });

  it('router: a bad persisted documents mode, id requirement and manifest are each named; a safelist without manifests is refused', async () => {
    const bad = await run('router', { AUTH_PUBLIC_KEYS: publicKey, PERSISTED_DOCUMENTS_MODE: 'strict', PERSISTED_DOCUMENTS_REQUIRE_ID: 'yes', PERSISTED_DOCUMENTS: '/nonexistent/manifest.json' });
    expectRefused(bad, ['PERSISTED_DOCUMENTS_MODE', 'PERSISTED_DOCUMENTS_REQUIRE_ID', 'PERSISTED_DOCUMENTS']);
    const empty = await run('router', { AUTH_PUBLIC_KEYS: publicKey, PERSISTED_DOCUMENTS_MODE: 'safelist' });
    expectRefused(empty, ['PERSISTED_DOCUMENTS']);
    expect(empty.output).toMatch(/safelist/);
  });

  it('router: a bad MAX_DEPTH, port, subgraph URLs, CORS origins, rate limits, proxies, Redis URL and keys', async () => {
    const exit = await run('router', { PERSISTED_DOCUMENTS_MODE: 'allow',
      MAX_DEPTH: 'deep',
      ROUTER_PORT: '99999',
      USERS_URL: 'ftp://users.internal/graphql',
      PRODUCTS_URL: 'not a url',
      CORS_ORIGINS: 'shop.example.com',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '-10',
      TRUSTED_PROXIES: '999.1.1.1',
      RATE_LIMIT_REDIS_URL: `https://:${REDIS_PASSWORD}@cache.internal`,
      AUTH_PUBLIC_KEYS: secretKey,
    });
    expectRefused(
      exit,
      ['MAX_DEPTH', 'ROUTER_PORT', 'USERS_URL', 'PRODUCTS_URL', 'CORS_ORIGINS', 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 'TRUSTED_PROXIES', 'RATE_LIMIT_REDIS_URL', 'AUTH_PUBLIC_KEYS'],
      [REDIS_PASSWORD, secretMaterial],
    );
  });

  it.each([
    ['MAX_DEPTH', '-1'],
    ['MAX_DEPTH', '1.5'],
    ['MAX_COST', 'unlimited'],
    ['ROUTER_PORT', '65536'],
    ['ROUTER_PORT', 'eighty'],
  ])('router: %s=%s alone is named', async (name, value) => {
    expectRefused(await run('router', { PERSISTED_DOCUMENTS_MODE: 'allow', AUTH_PUBLIC_KEYS: publicKey, [name]: value }), [name]);
  });
});

// Problems that used to hide each other or crash the checks: every one is named.
describe.concurrent('start-up checks that name every problem', () => {
  it('a bad LOG_LEVEL is named like any other setting (pino would throw before the checks run)', async () => {
    expectRefused(await run('router', { PERSISTED_DOCUMENTS_MODE: 'allow', AUTH_PUBLIC_KEYS: publicKey, LOG_LEVEL: 'loud' }), ['LOG_LEVEL']);
  });

  it('a bad MONGODB_URI does not hide a bad database name (each is its own check)', async () => {
    expectRefused(await run('users', { AUTH_SECRET_KEY: secretKey, MONGODB_URI: 'postgres://db.internal/users', USERS_DB: 'users db!' }), ['MONGODB_URI', 'USERS_DB']);
  });

  it('a bad MAX_DEPTH does not hide a bad MAX_COST (each limit is its own check)', async () => {
    expectRefused(await run('router', { PERSISTED_DOCUMENTS_MODE: 'allow', AUTH_PUBLIC_KEYS: publicKey, MAX_DEPTH: 'deep', MAX_COST: '-5' }), ['MAX_DEPTH', 'MAX_COST']);
  });

  it('a key with the right prefix but a broken body is named by its setting (its body is checked, not only its prefix)', async () => {
    const broken = `k4.public.${'A'.repeat(10)}`;
    expectRefused(await run('router', { PERSISTED_DOCUMENTS_MODE: 'allow', AUTH_PUBLIC_KEYS: broken }), ['AUTH_PUBLIC_KEYS']);
  });
});
