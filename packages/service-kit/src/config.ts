// Configuration from environment variables: every port, URL, database name and key lives here.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SERVICE_DEFAULTS = {
  router: { port: 4000 },
  users: { port: 4001, database: 'users' },
  products: { port: 4002, database: 'products' },
  orders: { port: 4003, database: 'orders' },
} as const;

export type SubgraphName = 'users' | 'products' | 'orders';
export const SUBGRAPHS: readonly SubgraphName[] = ['users', 'products', 'orders'];

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const url = z.url({ protocol: /^https?$/ });

/** NAME parsed by `schema`, `fallback` when unset or empty; a bad value is a ConfigError naming it. */
export function parse<T>(schema: z.ZodType<T>, env: Env, name: string, fallback: unknown): T {
  const raw = env[name];
  const result = schema.safeParse(raw === undefined || raw === '' ? fallback : raw);
  if (!result.success) {
    throw new ConfigError(`${name} is invalid: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  return result.data;
}

/** A secret from NAME, or from the file NAME_FILE points at (a mounted Secret). */
export function readSecret(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      throw new ConfigError(`${name}_FILE points at "${file}", which cannot be read`);
    }
  }
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function requireSecret(env: Env, name: string): string {
  const value = readSecret(env, name);
  if (!value) throw new ConfigError(`${name} (or ${name}_FILE) must be set`);
  return value;
}

export const envName = (service: string, suffix: string) => `${service.toUpperCase()}_${suffix}`;

export function listenConfig(env: Env, service: keyof typeof SERVICE_DEFAULTS) {
  return {
    host: parse(z.string().min(1), env, 'HOST', '127.0.0.1'),
    port: parse(port, env, envName(service, 'PORT'), SERVICE_DEFAULTS[service].port),
  };
}

/** METRICS_PORT: where the service serves /metrics, on HOST; no metrics when unset. */
export function metricsPort(env: Env): number | undefined {
  const raw = env.METRICS_PORT;
  return raw === undefined || raw.trim() === '' ? undefined : parse(port, env, 'METRICS_PORT', undefined);
}

/** OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be http(s) URLs when set. */
export function otlpEndpointSettings(env: Env): void {
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
    if (env[name]?.trim()) parse(url, env, name, undefined);
  }
}

export function subgraphUrl(env: Env, name: SubgraphName): string {
  return parse(url, env, envName(name, 'URL'), `http://127.0.0.1:${SERVICE_DEFAULTS[name].port}/graphql`);
}

export function databaseConfig(env: Env, name: SubgraphName) {
  return { uri: secretUri(env), database: databaseName(env, name) };
}

export function databaseName(env: Env, name: SubgraphName): string {
  return parse(z.string().regex(/^[A-Za-z0-9_-]{1,63}$/), env, envName(name, 'DB'), SERVICE_DEFAULTS[name].database);
}

export function secretUri(env: Env): string {
  const uri = requireSecret(env, 'MONGODB_URI');
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) throw new ConfigError('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  return uri;
}

export function isProduction(env: Env): boolean {
  return env.NODE_ENV === 'production';
}

/** A count that a limit allows: a whole number from 0 (off, where `off` says so) upwards. */
export function limitSetting(env: Env, name: string, fallback: number): number {
  return parse(z.coerce.number().int().min(0).max(1_000_000_000), env, name, fallback);
}

/** One of `values` (NAME), `fallback` when unset or empty. */
export function enumSetting<const T extends string>(env: Env, name: string, values: readonly [T, ...T[]], fallback: T): T {
  return parse(z.enum(values), env, name, fallback);
}

/** A comma-separated list, empty entries dropped; `fallback` when unset. */
export function listSetting(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = env[name];
  if (raw === undefined) return [...fallback];
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/** Access token lifetime (ACCESS_TOKEN_TTL_SECONDS): 5 minutes by default, 1 to 60 minutes. */
export function accessTokenTtlSeconds(env: Env): number {
  return parse(z.coerce.number().int().min(60).max(3600), env, 'ACCESS_TOKEN_TTL_SECONDS', 5 * 60);
}

/** Refresh token lifetime (REFRESH_TOKEN_TTL): whole seconds, or a number with s, m, h or d; 30 days by default. */
export function refreshTokenTtlSeconds(env: Env): number {
  const UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
  const text = parse(z.string().regex(/^[0-9]+[smhd]?$/, 'must be whole seconds or a number with s, m, h or d (30d)'), env, 'REFRESH_TOKEN_TTL', '30d');
  const unit = /[smhd]$/.test(text) ? (text.at(-1) as keyof typeof UNIT) : 's';
  const seconds = Number.parseInt(text, 10) * UNIT[unit];
  if (seconds < 60 || seconds > 365 * 86_400) throw new ConfigError('REFRESH_TOKEN_TTL must be from 1 minute to 365 days');
  return seconds;
}

/** How often a service sweeps (SWEEP_INTERVAL_SECONDS); 0 turns sweeping off, for tests that show what it repairs. */
export function sweepIntervalMs(env: Env): number {
  return parse(z.coerce.number().int().min(0).max(3600), env, 'SWEEP_INTERVAL_SECONDS', 10) * 1000;
}

/** A whole number of seconds from `min` to `max` (NAME), as milliseconds. */
export function secondsSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  return parse(z.coerce.number().int().min(min).max(max), env, name, fallback) * 1000;
}

/** How long a stopping service keeps serving while reporting not-ready (SHUTDOWN_DELAY_MS). */
export function shutdownDelayMs(env: Env): number {
  return parse(z.coerce.number().int().min(0).max(120_000), env, 'SHUTDOWN_DELAY_MS', 0);
}
