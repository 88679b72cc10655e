// Settings of stock holds, payment deadlines, per-buyer limits and payments: every default lives here.
import { z } from 'zod';
import { ConfigError, isProduction, parse, readSecret, secondsSetting, sweepIntervalMs, type Env } from './config.ts';
import { MAX_LINE_QUANTITY } from './order-lines.ts';

export const ORDER_DEFAULTS = {
  /** How long the products service holds a reservation the orders service has not confirmed. */
  STOCK_HOLD_SECONDS: 60,
  /** How long a buyer has to pay before the order is cancelled and its stock goes back. */
  ORDER_PAYMENT_TIMEOUT_SECONDS: 1800,
  MAX_OPEN_ORDERS_PER_BUYER: 20,
  /** Units of one product per order; the products service's own ceiling is MAX_LINE_QUANTITY. */
  MAX_LINE_QUANTITY: 100,
  /** How long the orders service waits for a stock call. */
  PRODUCTS_TIMEOUT_MS: 15_000,
} as const;

/** Payment providers by name; `approve-all` takes no money and is refused in production; `http` is the operator's payment service. */
export const PAYMENT_PROVIDERS = ['approve-all', 'http'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

export type PaymentSettings = { provider: 'approve-all' } | { provider: 'http'; url: string; token?: string };

export function stockHoldMs(env: Env): number {
  return secondsSetting(env, 'STOCK_HOLD_SECONDS', ORDER_DEFAULTS.STOCK_HOLD_SECONDS, 2, 3600);
}

export function paymentTimeoutMs(env: Env): number {
  return secondsSetting(env, 'ORDER_PAYMENT_TIMEOUT_SECONDS', ORDER_DEFAULTS.ORDER_PAYMENT_TIMEOUT_SECONDS, 5, 30 * 86_400);
}

export interface BuyerLimits {
  maxOpenOrders: number;
  maxLineQuantity: number;
}

const maxOpenOrders = (env: Env) =>
  parse(z.coerce.number().int().min(1).max(10_000), env, 'MAX_OPEN_ORDERS_PER_BUYER', ORDER_DEFAULTS.MAX_OPEN_ORDERS_PER_BUYER);
const maxLineQuantity = (env: Env) =>
  parse(z.coerce.number().int().min(1).max(MAX_LINE_QUANTITY), env, 'MAX_LINE_QUANTITY', ORDER_DEFAULTS.MAX_LINE_QUANTITY);

export function buyerLimits(env: Env): BuyerLimits {
  return { maxOpenOrders: maxOpenOrders(env), maxLineQuantity: maxLineQuantity(env) };
}

export function productsTimeoutMs(env: Env): number {
  return parse(z.coerce.number().int().min(100).max(120_000), env, 'PRODUCTS_TIMEOUT_MS', ORDER_DEFAULTS.PRODUCTS_TIMEOUT_MS);
}

/** PAYMENT_PROVIDER: required in production, where approve-all is refused; approve-all elsewhere by default. */
export function paymentProviderName(env: Env): PaymentProviderName {
  const production = isProduction(env);
  const raw = env.PAYMENT_PROVIDER?.trim();
  if (!raw) {
    if (production) {
      throw new ConfigError('PAYMENT_PROVIDER must be set when NODE_ENV=production: without it payments would fall back to approve-all, which takes no money and is for development and tests only');
    }
    return 'approve-all';
  }
  if (!(PAYMENT_PROVIDERS as readonly string[]).includes(raw)) throw new ConfigError(`PAYMENT_PROVIDER must be one of ${PAYMENT_PROVIDERS.join(', ')}`);
  if (raw === 'approve-all' && production) {
    throw new ConfigError('PAYMENT_PROVIDER=approve-all is refused when NODE_ENV=production: it takes no money and is for development and tests only');
  }
  return raw as PaymentProviderName;
}

/** The provider with its own settings: PAYMENT_SERVICE_URL (and PAYMENT_SERVICE_TOKEN, a secret) for `http`. */
export function paymentSettings(env: Env): PaymentSettings {
  const provider = paymentProviderName(env);
  if (provider === 'approve-all') return { provider };
  if (!env.PAYMENT_SERVICE_URL?.trim()) throw new ConfigError('PAYMENT_SERVICE_URL must be set to the payment service (PAYMENT_PROVIDER=http)');
  const url = parse(z.url({ protocol: /^https?$/ }), env, 'PAYMENT_SERVICE_URL', undefined);
  const token = readSecret(env, 'PAYMENT_SERVICE_TOKEN');
  return token ? { provider, url, token } : { provider, url };
}

/** Every setting above a service reads, for the start-up check. */
export function orderSettingChecks(service: 'products' | 'orders'): ((env: Env) => unknown)[] {
  if (service === 'products') return [stockHoldMs, sweepIntervalMs];
  return [paymentTimeoutMs, maxOpenOrders, maxLineQuantity, productsTimeoutMs, paymentSettings, sweepIntervalMs];
}
