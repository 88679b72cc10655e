// Rate limit and proxy settings from the environment: every RATE_LIMIT_* default lives here.
import { z } from 'zod';
import { compileTrustedProxies, type TrustProxy } from './client-ip.ts';
import { ConfigError, limitSetting, listSetting, readSecret, type Env } from './config.ts';

export const RATE_LIMIT_DEFAULTS = {
  /** Signed-in requests per user and minute at the router: a busy storefront session makes a few dozen. */
  RATE_LIMIT_USER_PER_MINUTE: 600,
  /** Anonymous requests per client address and minute at the router (an office behind one address shares it). */
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: 600,
  /** Failed sign-ins per email in LOGIN_WINDOW_SECONDS before that email is throttled. */
  RATE_LIMIT_LOGIN_FAILURES: 10,
  /** Registrations per client address and hour. */
  RATE_LIMIT_REGISTER_PER_HOUR: 20,
} as const;

export const ROUTER_LIMIT_SETTINGS = ['RATE_LIMIT_USER_PER_MINUTE', 'RATE_LIMIT_ANONYMOUS_PER_MINUTE'] as const;
export const SIGN_IN_LIMIT_SETTINGS = ['RATE_LIMIT_LOGIN_FAILURES', 'RATE_LIMIT_LOGIN_FAILURES_PER_IP', 'RATE_LIMIT_REGISTER_PER_HOUR'] as const;

/** The window over which failed sign-ins are counted. */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/** Per-address failures allowed for every per-email failure, unless RATE_LIMIT_LOGIN_FAILURES_PER_IP says otherwise. */
export const LOGIN_FAILURES_IP_FACTOR = 10;

/** The users service sits behind the router, which runs on loopback in development. */
export const USERS_TRUSTED_PROXIES_DEFAULT = ['loopback'] as const;

export function trustedProxies(env: Env, fallback: readonly string[] = []): { entries: string[]; trust: TrustProxy } {
  const entries = listSetting(env, 'TRUSTED_PROXIES', fallback);
  try {
    return { entries, trust: compileTrustedProxies(entries) };
  } catch {
    throw new ConfigError('TRUSTED_PROXIES must be comma-separated IP addresses or CIDRs (or loopback, linklocal, uniquelocal)');
  }
}

/** RATE_LIMIT_REDIS_URL (or _FILE: it may carry a password): the shared store, or none for memory. */
export function rateLimitRedisUrl(env: Env): string | undefined {
  const raw = readSecret(env, 'RATE_LIMIT_REDIS_URL');
  if (raw === undefined) return undefined;
  if (!z.url({ protocol: /^rediss?$/ }).safeParse(raw).success) throw new ConfigError('RATE_LIMIT_REDIS_URL must be a redis:// or rediss:// URL');
  return raw;
}

export function routerRateLimits(env: Env) {
  return {
    userPerMinute: limitSetting(env, 'RATE_LIMIT_USER_PER_MINUTE', RATE_LIMIT_DEFAULTS.RATE_LIMIT_USER_PER_MINUTE),
    anonymousPerMinute: limitSetting(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', RATE_LIMIT_DEFAULTS.RATE_LIMIT_ANONYMOUS_PER_MINUTE),
  };
}

export function signInRateLimits(env: Env) {
  const loginFailures = limitSetting(env, 'RATE_LIMIT_LOGIN_FAILURES', RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_FAILURES);
  return {
    loginFailuresPerEmail: loginFailures,
    loginFailuresPerIp: limitSetting(env, 'RATE_LIMIT_LOGIN_FAILURES_PER_IP', loginFailures * LOGIN_FAILURES_IP_FACTOR),
    registerPerHour: limitSetting(env, 'RATE_LIMIT_REGISTER_PER_HOUR', RATE_LIMIT_DEFAULTS.RATE_LIMIT_REGISTER_PER_HOUR),
  };
}
