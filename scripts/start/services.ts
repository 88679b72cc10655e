// Where each service listens and which slice of the configuration it is handed.
import { envName, listenConfig, type Env } from '@marketplace/service-kit';
import type { RunKeys } from './keys.ts';

export type ServiceName = 'users' | 'products' | 'orders' | 'router';

/** Every service npm start runs, the gateway last: its readiness depends on the subgraphs'. */
export const ALL_SERVICES: readonly ServiceName[] = ['users', 'products', 'orders', 'router'];

export const ENTRY_POINTS: Record<ServiceName, string> = {
  users: 'subgraphs/users/src/main.ts',
  products: 'subgraphs/products/src/main.ts',
  orders: 'subgraphs/orders/src/main.ts',
  router: 'router/src/main.ts',
};

export interface Endpoint {
  name: ServiceName;
  portVar: string;
  host: string;
  port: number;
  /** The /graphql URL other processes use, on a connectable address even when binding a wildcard. */
  url: string;
  readyUrl: string;
}

export interface DemoAdmin {
  email: string;
  password: string;
  name: string;
}

/** Where to connect to reach a service: the bound host, or loopback for a wildcard bind. */
function probeHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

export function endpoints(env: Env): Record<ServiceName, Endpoint> {
  const result = {} as Record<ServiceName, Endpoint>;
  for (const name of ALL_SERVICES) {
    const { host, port } = listenConfig(env, name);
    const portVar = envName(name, 'PORT');
    // Port 0 would give each service a random port that the gateway could not be told about.
    if (port === 0) throw new Error(`${portVar}=0 is not supported by npm start: the gateway needs fixed subgraph ports`);
    const target = probeHost(host);
    const origin = `http://${target.includes(':') ? `[${target}]` : target}:${port}`;
    result[name] = { name, portVar, host, port, url: `${origin}/graphql`, readyUrl: `${origin}/readyz` };
  }
  return result;
}

// Values npm start decides itself; stale copies (or *_FILE variants, which the services prefer) must not leak through.
const MANAGED = [
  'MONGODB_URI',
  'AUTH_SECRET_KEY',
  'AUTH_PUBLIC_KEYS',
  'SERVICE_SECRET_KEY',
  'SERVICE_PUBLIC_KEYS',
  'USERS_URL',
  'PRODUCTS_URL',
  'ORDERS_URL',
];

export interface ChildEnvInput {
  base: NodeJS.ProcessEnv;
  mongoUri: string;
  keys: RunKeys;
  urls: Record<ServiceName, Endpoint>;
  demoAdmin: DemoAdmin | undefined;
}

export function childEnv(name: ServiceName, input: ChildEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...input.base };
  for (const key of MANAGED) {
    delete env[key];
    delete env[`${key}_FILE`];
  }
  // JSON logs stay, but only warnings and worse unless the operator asks for more.
  env.LOG_LEVEL = input.base.LOG_LEVEL || 'warn';
  const { keys, urls } = input;
  const db = { MONGODB_URI: input.mongoUri };
  switch (name) {
    case 'users':
      Object.assign(env, db, { AUTH_SECRET_KEY: keys.AUTH_SECRET_KEY, AUTH_PUBLIC_KEYS: keys.AUTH_PUBLIC_KEYS });
      if (input.demoAdmin !== undefined) {
        delete env.ADMIN_PASSWORD_FILE;
        env.ADMIN_EMAIL = input.demoAdmin.email;
        env.ADMIN_PASSWORD = input.demoAdmin.password;
        env.ADMIN_NAME = input.demoAdmin.name;
      }
      break;
    case 'products':
      Object.assign(env, db, { AUTH_PUBLIC_KEYS: keys.AUTH_PUBLIC_KEYS, SERVICE_PUBLIC_KEYS: keys.SERVICE_PUBLIC_KEYS });
      break;
    case 'orders':
      Object.assign(env, db, {
        AUTH_PUBLIC_KEYS: keys.AUTH_PUBLIC_KEYS,
        SERVICE_SECRET_KEY: keys.SERVICE_SECRET_KEY,
        PRODUCTS_URL: urls.products.url,
      });
      break;
    case 'router':
      Object.assign(env, {
        AUTH_PUBLIC_KEYS: keys.AUTH_PUBLIC_KEYS,
        USERS_URL: urls.users.url,
        PRODUCTS_URL: urls.products.url,
        ORDERS_URL: urls.orders.url,
      });
      break;
  }
  return env;
}
