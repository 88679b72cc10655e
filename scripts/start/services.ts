// Where each service listens and which slice of the configuration it is handed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, enumSetting, envName, isProduction, listenConfig, listSetting, type Env } from '@marketplace/service-kit';
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

/** Something npm start listens on: a service, or the storefront. */
export interface Listener {
  name: string;
  portVar: string;
  host: string;
  port: number;
}

export interface Endpoint extends Listener {
  name: ServiceName;
  /** The /graphql URL other processes use, on a connectable address even when binding a wildcard. */
  url: string;
  readyUrl: string;
  /** Its Prometheus metrics (METRICS_PORT of the child, from <NAME>_METRICS_PORT). */
  metrics: Listener & { url: string };
}

/** Where npm start has each service serve /metrics, unless <NAME>_METRICS_PORT says otherwise. */
export const METRICS_DEFAULT_PORTS: Record<ServiceName, number> = { router: 9464, users: 9465, products: 9466, orders: 9467 };

export interface DemoAdmin {
  email: string;
  password: string;
  name: string;
}

/** Where to connect to reach a service: the bound host, or loopback for a wildcard bind. */
function probeHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/** A fixed port from NAME (1-65535), `fallback` when unset. */
function portSetting(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim() || String(fallback);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new ConfigError(`${name} is invalid: ${raw} is not a port number from 1 to 65535`);
  return port;
}

export function endpoints(env: Env): Record<ServiceName, Endpoint> {
  const result = {} as Record<ServiceName, Endpoint>;
  for (const name of ALL_SERVICES) {
    const { host, port } = listenConfig(env, name);
    const portVar = envName(name, 'PORT');
    // Port 0 would give each service a random port that the gateway could not be told about.
    if (port === 0) throw new Error(`${portVar}=0 is not supported by npm start: the gateway needs fixed subgraph ports`);
    const target = probeHost(host);
    const at = (p: number) => `http://${target.includes(':') ? `[${target}]` : target}:${p}`;
    const metricsVar = envName(name, 'METRICS_PORT');
    const metricsPort = portSetting(env, metricsVar, METRICS_DEFAULT_PORTS[name]);
    result[name] = {
      name,
      portVar,
      host,
      port,
      url: `${at(port)}/graphql`,
      readyUrl: `${at(port)}/readyz`,
      metrics: { name: `${name} metrics`, portVar: metricsVar, host, port: metricsPort, url: `${at(metricsPort)}/metrics` },
    };
  }
  return result;
}

export interface StorefrontEndpoint extends Listener {
  name: 'storefront';
  /** `built`: clients/web/dist, built first when its sources changed; `dev`: Vite's dev server with hot reload. */
  mode: 'built' | 'dev';
  /** Where a browser on this machine opens it, without a trailing slash. */
  url: string;
  /** The origins its pages run on, which the gateway's CORS must allow. */
  origins: string[];
}

export const STOREFRONT_DEFAULT_PORT = 5173;

/** The storefront listens on HOST like the services, on STOREFRONT_PORT (5173), in STOREFRONT_MODE (built). */
export function storefrontEndpoint(env: Env): StorefrontEndpoint {
  // HOST, which every service listens on too.
  const { host } = listenConfig(env, 'router');
  const raw = env.STOREFRONT_PORT?.trim() || String(STOREFRONT_DEFAULT_PORT);
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new ConfigError(`STOREFRONT_PORT is invalid: ${raw} is not a port number`);
  // The gateway is told the storefront's origin before either starts, so the port must be known.
  if (port === 0) throw new Error('STOREFRONT_PORT=0 is not supported by npm start: the gateway must know the storefront\'s origin');
  const mode = enumSetting(env, 'STOREFRONT_MODE', ['built', 'dev'], 'built');
  const target = probeHost(host);
  const origin = (name: string) => `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
  const local = target === '127.0.0.1' || target === 'localhost' || target === '::1';
  // On this machine a browser may open it by either loopback name.
  const origins = local ? [origin('127.0.0.1'), origin('localhost')] : [origin(target)];
  return { name: 'storefront', portVar: 'STOREFRONT_PORT', host, port, mode, url: origin(target), origins };
}

/** The persisted documents manifests `npm run codegen` writes for the storefront and the mobile app. */
export const CLIENT_MANIFESTS: readonly string[] = [
  fileURLToPath(new URL('../../clients/web/src/__generated__/persisted-documents.json', import.meta.url)),
  fileURLToPath(new URL('../../clients/mobile/src/__generated__/persisted-documents.json', import.meta.url)),
];

/** The id (`sha256:…`) of the manifest document that defines `operationName`, for asking by documentId. */
export function manifestDocumentId(operationName: string): string | undefined {
  const pattern = new RegExp(`\\b(query|mutation)\\s+${operationName}\\b`);
  for (const file of CLIENT_MANIFESTS) {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const [id, body] of Object.entries(manifest)) if (typeof body === 'string' && pattern.test(body)) return id.startsWith('sha256:') ? id : `sha256:${id}`;
  }
  return undefined;
}

/** PERSISTED_DOCUMENTS_MODE as the gateway reads it: `safelist` by default with NODE_ENV=production. */
export function documentsMode(env: Env): 'allow' | 'safelist' {
  return enumSetting(env, 'PERSISTED_DOCUMENTS_MODE', ['allow', 'safelist'], isProduction(env) ? 'safelist' : 'allow');
}

/**
 * CORS_ORIGINS for the gateway, or `undefined` to keep its own default: the development default
 * (http://localhost:* and http://127.0.0.1:*) already lets the storefront in, but the operator's
 * list, or production's empty default, get the storefront's origins added.
 */
export function gatewayCorsOrigins(env: Env, storefront: StorefrontEndpoint): string | undefined {
  if (env.CORS_ORIGINS === undefined && !isProduction(env)) return undefined;
  return [...new Set([...listSetting(env, 'CORS_ORIGINS', []), ...storefront.origins])].join(',');
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
  'PERSISTED_DOCUMENTS',
  'METRICS_PORT',
];

export interface ChildEnvInput {
  base: NodeJS.ProcessEnv;
  mongoUri: string;
  keys: RunKeys;
  urls: Record<ServiceName, Endpoint>;
  storefront: StorefrontEndpoint;
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
  env.METRICS_PORT = String(urls[name].metrics.port);
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
    case 'router': {
      Object.assign(env, {
        AUTH_PUBLIC_KEYS: keys.AUTH_PUBLIC_KEYS,
        USERS_URL: urls.users.url,
        PRODUCTS_URL: urls.products.url,
        ORDERS_URL: urls.orders.url,
        // Both clients' documents, so PERSISTED_DOCUMENTS_MODE=safelist runs the same marketplace.
        PERSISTED_DOCUMENTS: CLIENT_MANIFESTS.join(','),
      });
      const cors = gatewayCorsOrigins(input.base, input.storefront);
      if (cors !== undefined) env.CORS_ORIGINS = cors;
      break;
    }
  }
  return env;
}
