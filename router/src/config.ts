// The router's own settings: operation limits, demand control and CORS, with their defaults.
import { limitSetting, listSetting, ConfigError, type Env } from '@marketplace/service-kit';

/** Defaults sized for this schema: every page of the storefront and the app passes, the abuse in the README does not. */
export const OPERATION_LIMIT_DEFAULTS = {
  MAX_DEPTH: 15,
  MAX_ALIASES: 30,
  MAX_ROOT_FIELDS: 20,
  MAX_TOKENS: 2000,
  MAX_DIRECTIVES: 20,
  MAX_COST: 10_000,
} as const;

export interface OperationLimits {
  /** Each 0 turns its check off. */
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxTokens: number;
  maxDirectives: number;
  maxCost: number;
}

export function operationLimits(env: Env): OperationLimits {
  const read = (name: keyof typeof OPERATION_LIMIT_DEFAULTS) => limitSetting(env, name, OPERATION_LIMIT_DEFAULTS[name]);
  return {
    maxDepth: read('MAX_DEPTH'),
    maxAliases: read('MAX_ALIASES'),
    maxRootFields: read('MAX_ROOT_FIELDS'),
    maxTokens: read('MAX_TOKENS'),
    maxDirectives: read('MAX_DIRECTIVES'),
    maxCost: read('MAX_COST'),
  };
}

/** Local frontends on any port in development; no cross origin in production until CORS_ORIGINS names some. */
export const DEVELOPMENT_CORS_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'] as const;

const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9.-]+(:(\d{1,5}|\*))?$/i;

export function corsOrigins(env: Env, production: boolean): string[] {
  const origins = listSetting(env, 'CORS_ORIGINS', production ? [] : DEVELOPMENT_CORS_ORIGINS);
  const bad = origins.filter((origin) => !ORIGIN.test(origin));
  if (bad.length) {
    throw new ConfigError(`CORS_ORIGINS must be comma-separated origins such as https://shop.example.com or http://localhost:*, not ${bad.join(', ')}`);
  }
  return origins;
}
