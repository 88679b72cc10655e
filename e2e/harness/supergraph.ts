// Starts the whole supergraph in this process on free loopback ports: three subgraphs and the
// gateway over real HTTP, each service with its own MongoDB client on the shared test database.
import { randomBytes } from 'node:crypto';
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import {
  generatePaserkKeyPair,
  importKeyRing,
  importSigningKey,
  type KeyRing,
  type SigningKey,
} from '@marketplace/auth';
import { startOrdersService, type OrdersServiceOptions, type PaymentProvider } from '@marketplace/orders';
import { startProductsService, type ProductsServiceOptions } from '@marketplace/products';
import { startRouter, type RouterOptions } from '@marketplace/router';
import { connectMongo, createLogger, type Logger, type RunningServer, type SubgraphName } from '@marketplace/service-kit';
import { startUsersService } from '@marketplace/users';
import { startCountingProxy, type CountingProxy } from './counting-proxy.ts';

export interface RecordedCommand {
  service: SubgraphName;
  database: string;
  name: string;
  collection: unknown;
  filter: unknown;
}

export interface Supergraph {
  /** The gateway's /graphql URL. */
  url: string;
  subgraphs: Record<SubgraphName, string>;
  databases: Record<SubgraphName, string>;
  mongo: Record<SubgraphName, MongoClient>;
  /** The users service's signing key, for tests that need tokens the services accept. */
  userSigner: SigningKey;
  userKeys: KeyRing;
  /** The orders service's own key, which products trusts for the internal stock operations. */
  serviceSigner: SigningKey;
  admin: { email: string; password: string };
  /** Every command the services sent to MongoDB since the last `commands.clear()`. */
  commands: RecordedCommand[] & { clear(): void };
  /** With `countSubgraphRequests`: GraphQL requests the router sent each subgraph since the last `reset()`. */
  subgraphRequests: { total(): number; reset(): void };
  /** Another gateway over the same subgraphs (its own rate-limit buckets, say), stopped with the rest; its URL. */
  startRouter(options?: Partial<Omit<RouterOptions, 'keys' | 'subgraphUrls' | 'host' | 'port'>>): Promise<string>;
  stopService(name: SubgraphName | 'router'): Promise<void>;
  stop(): Promise<void>;
}

export interface SupergraphOptions {
  mongoUri: string;
  production?: boolean;
  /** Each service logs through a child of this one, tagged with its name. */
  logger?: Logger;
  /** Router settings other than the defaults (limits, CORS origins, rate limits, trusted proxies). */
  router?: Pick<RouterOptions, 'limits' | 'corsOrigins' | 'rateLimits' | 'trustedProxies' | 'persistedDocuments' | 'responseCache'>;
  /** Takes and refunds the orders' payments (a recording one, in tests); every payment is approved when left out. */
  payments?: PaymentProvider;
  /** Route the router's subgraph calls through counting proxies. */
  countSubgraphRequests?: boolean;
  /** Holds, deadlines, per-buyer limits and sweeping of the orders service (no sweeping unless given). */
  orders?: Pick<OrdersServiceOptions, 'paymentTimeoutMs' | 'maxOpenOrdersPerBuyer' | 'maxLineQuantity' | 'sweepIntervalMs'>;
  /** The products service's hold time and sweeping (no sweeping unless given). */
  products?: Pick<ProductsServiceOptions, 'holdMs' | 'sweepIntervalMs'>;
}

const LOOPBACK = { host: '127.0.0.1', port: 0 };

export async function startSupergraph(options: SupergraphOptions): Promise<Supergraph> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const databases = { users: `${prefix}_users`, products: `${prefix}_products`, orders: `${prefix}_orders` };
  const userPair = await generatePaserkKeyPair();
  const servicePair = await generatePaserkKeyPair();
  const userSigner = await importSigningKey(userPair.secretKey);
  const userKeys = await importKeyRing(userPair.publicKey);
  const serviceKeys = await importKeyRing(servicePair.publicKey);
  const serviceSigner = await importSigningKey(servicePair.secretKey);
  const admin = { email: `admin-${prefix}@example.com`, password: `Admin-${randomBytes(8).toString('hex')}` };
  const production = options.production ?? false;
  const root = options.logger ?? createLogger('e2e');
  const loggerOf = (service: string) => root.child({ service });

  const commands = Object.assign([] as RecordedCommand[], {
    clear() {
      commands.length = 0;
    },
  });
  const connect = async (service: SubgraphName) => {
    const client = await connectMongo(options.mongoUri, { appName: `e2e-${service}`, monitorCommands: true });
    client.on('commandStarted', (event: CommandStartedEvent) => {
      commands.push({ service, database: event.databaseName, name: event.commandName, collection: event.command[event.commandName], filter: event.command.filter });
    });
    return client;
  };
  const mongo = { users: await connect('users'), products: await connect('products'), orders: await connect('orders') };
  const servers: Partial<Record<SubgraphName | 'router', RunningServer>> = {};

  servers.users = await startUsersService({
    mongo: mongo.users,
    database: databases.users,
    keys: { users: userKeys },
    signer: userSigner,
    tokenTtlSeconds: 900,
    ...LOOPBACK,
    production,
    logger: loggerOf('users'),
    env: { ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, ADMIN_NAME: 'Ada Admin' },
  });
  servers.products = await startProductsService({
    mongo: mongo.products,
    database: databases.products,
    keys: { users: userKeys, services: serviceKeys },
    ...LOOPBACK,
    production,
    logger: loggerOf('products'),
    ...options.products,
  });
  servers.orders = await startOrdersService({
    mongo: mongo.orders,
    database: databases.orders,
    keys: { users: userKeys },
    serviceSigner,
    ...(options.payments ? { payments: options.payments } : {}),
    productsUrl: servers.products.url,
    ...LOOPBACK,
    production,
    logger: loggerOf('orders'),
    ...options.orders,
  });
  const subgraphs = { users: servers.users.url, products: servers.products.url, orders: servers.orders.url };
  const proxies: CountingProxy[] = [];
  const routed = { ...subgraphs };
  if (options.countSubgraphRequests) {
    for (const name of Object.keys(subgraphs) as SubgraphName[]) {
      const proxy = await startCountingProxy(subgraphs[name]);
      proxies.push(proxy);
      routed[name] = proxy.url;
    }
  }
  // The revocation view is polled from the users service itself, not through a counting proxy.
  const revocationsUrl = new URL('/revocations', subgraphs.users).href;
  servers.router = await startRouter({
    keys: { users: userKeys },
    subgraphUrls: routed,
    revocationsUrl,
    ...LOOPBACK,
    production,
    logger: loggerOf('router'),
    // Off unless a test asks for it (response-cache.test.ts): tests read what another party just changed.
    responseCache: false,
    ...options.router,
  });

  const extraRouters: RunningServer[] = [];
  const startExtraRouter: Supergraph['startRouter'] = async (extra = {}) => {
    const router = await startRouter({ keys: { users: userKeys }, subgraphUrls: subgraphs, revocationsUrl, ...LOOPBACK, production, logger: loggerOf('router'), responseCache: false, ...extra });
    extraRouters.push(router);
    return router.url;
  };
  const stopService = async (name: SubgraphName | 'router') => {
    await servers[name]?.stop();
    delete servers[name];
  };
  return {
    url: servers.router.url,
    subgraphs,
    databases,
    mongo,
    userSigner,
    userKeys,
    serviceSigner,
    admin,
    commands,
    subgraphRequests: {
      total: () => proxies.reduce((sum, proxy) => sum + proxy.count(), 0),
      reset: () => proxies.forEach((proxy) => proxy.reset()),
    },
    startRouter: startExtraRouter,
    stopService,
    async stop() {
      await Promise.all(extraRouters.map((router) => router.stop()));
      await stopService('router');
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await Promise.all((['orders', 'products', 'users'] as const).map(stopService));
      await Promise.all(
        (Object.keys(mongo) as SubgraphName[]).map(async (name) => {
          await mongo[name].db(databases[name]).dropDatabase().catch(() => undefined);
          await mongo[name].close();
        }),
      );
    },
  };
}
