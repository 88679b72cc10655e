// Start-up validation: every bad or missing setting of a service, one clear message each.
import {
  accessTokenTtlSeconds,
  ConfigError,
  databaseName,
  limitSetting,
  listenConfig,
  metricsPort,
  otlpEndpointSettings,
  readSecret,
  refreshTokenTtlSeconds,
  secretUri,
  shutdownDelayMs,
  SUBGRAPHS,
  subgraphUrl,
  type Env,
  type SubgraphName,
} from './config.ts';

import { orderSettingChecks } from './order-config.ts';
import { rateLimitRedisUrl, ROUTER_LIMIT_SETTINGS, SIGN_IN_LIMIT_SETTINGS, trustedProxies } from './rate-limit-config.ts';

export type ServiceName = SubgraphName | 'router';

/** A setting a service reads itself (the router's limits, ...): throws a ConfigError when bad. */
export type ConfigCheck = (env: Env) => unknown;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A PASERK's body: base64url of a 32-byte public or 64-byte secret Ed25519 key. */
const KEY_BYTES: Record<string, number> = { 'k4.public.': 32, 'k4.secret.': 64 };

function isPaserk(key: string, prefix: string): boolean {
  if (!key.startsWith(prefix)) return false;
  const body = key.slice(prefix.length);
  return /^[A-Za-z0-9_-]+$/.test(body) && Buffer.from(body, 'base64url').length === KEY_BYTES[prefix];
}

/** Which PASERK each service needs, and of which kind. */
const KEYS: Record<ServiceName, [name: string, prefix: string, required: boolean][]> = {
  users: [['AUTH_SECRET_KEY', 'k4.secret.', true], ['AUTH_PUBLIC_KEYS', 'k4.public.', false]],
  products: [['AUTH_PUBLIC_KEYS', 'k4.public.', true], ['SERVICE_PUBLIC_KEYS', 'k4.public.', true]],
  orders: [['AUTH_PUBLIC_KEYS', 'k4.public.', true], ['SERVICE_SECRET_KEY', 'k4.secret.', true]],
  router: [['AUTH_PUBLIC_KEYS', 'k4.public.', true]],
};

function check(problems: string[], read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
  }
}

function checkKey(problems: string[], env: Env, [name, prefix, required]: [string, string, boolean]): void {
  check(problems, () => {
    const value = readSecret(env, name);
    if (value === undefined) {
      if (required) throw new ConfigError(`${name} (or ${name}_FILE) must be set to ${prefix.includes('secret') ? 'a' : 'one or more comma-separated'} ${prefix}… PASERK`);
      return;
    }
    const bad = value.split(/[\s,]+/).filter(Boolean).filter((key) => !isPaserk(key, prefix));
    if (bad.length) throw new ConfigError(`${name} must hold ${prefix}… PASERK strings (${bad.length} ${bad.length === 1 ? 'is' : 'are'} not)`);
  });
}

export function configProblems(env: Env, service: ServiceName, extraChecks: readonly ConfigCheck[] = []): string[] {
  const problems: string[] = [];
  check(problems, () => listenConfig(env, service));
  check(problems, () => shutdownDelayMs(env));
  check(problems, () => metricsPort(env));
  check(problems, () => otlpEndpointSettings(env));
  if (env.LOG_LEVEL && !LOG_LEVELS.includes(env.LOG_LEVEL)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  if (service !== 'router') {
    check(problems, () => secretUri(env));
    check(problems, () => databaseName(env, service));
  }
  if (service === 'users') {
    check(problems, () => accessTokenTtlSeconds(env));
    check(problems, () => refreshTokenTtlSeconds(env));
  }
  const neededUrls: SubgraphName[] = service === 'router' ? [...SUBGRAPHS] : service === 'orders' ? ['products'] : [];
  for (const name of neededUrls) check(problems, () => subgraphUrl(env, name));
  for (const key of KEYS[service]) checkKey(problems, env, key);
  if (service === 'router' || service === 'users') {
    check(problems, () => rateLimitRedisUrl(env));
    check(problems, () => trustedProxies(env));
  }
  // One check a setting, so every bad one is named, not only the first of a group.
  const limits = service === 'router' ? ROUTER_LIMIT_SETTINGS : service === 'users' ? SIGN_IN_LIMIT_SETTINGS : [];
  for (const name of limits) check(problems, () => limitSetting(env, name, 0));
  if (service === 'products' || service === 'orders') for (const setting of orderSettingChecks(service)) check(problems, () => setting(env));
  for (const extra of extraChecks) check(problems, () => extra(env));
  return problems;
}
