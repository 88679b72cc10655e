// The router's own settings: operation limits, demand control and CORS, with their defaults.
import { enumSetting, isProduction, limitSetting, listSetting, ConfigError, type Env } from '@marketplace/service-kit';
import { readManifests, type PersistedDocumentsMode, type TrustedDocumentsOptions } from './plugins/trusted-documents.ts';

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

/** PERSISTED_DOCUMENTS_MODE: `safelist` by default with NODE_ENV=production, `allow` otherwise. */
export function persistedDocumentsMode(env: Env): PersistedDocumentsMode {
  return enumSetting(env, 'PERSISTED_DOCUMENTS_MODE', ['allow', 'safelist'], isProduction(env) ? 'safelist' : 'allow');
}

export function persistedDocumentsRequireId(env: Env): boolean {
  return enumSetting(env, 'PERSISTED_DOCUMENTS_REQUIRE_ID', ['true', 'false'], 'false') === 'true';
}

/** The manifests PERSISTED_DOCUMENTS names (comma-separated files); a safelist needs at least one. */
export function persistedDocumentManifests(env: Env): Map<string, string> {
  const files = listSetting(env, 'PERSISTED_DOCUMENTS', []);
  const documents = readManifests(files);
  let mode: PersistedDocumentsMode;
  try {
    mode = persistedDocumentsMode(env);
  } catch {
    // The mode is reported by its own check.
    return documents;
  }
  if (mode === 'safelist' && documents.size === 0) {
    throw new ConfigError('PERSISTED_DOCUMENTS must name the manifests of the documents clients may run: in safelist mode (the default with NODE_ENV=production) no other document runs');
  }
  return documents;
}

/** The trusted documents settings, or none when nothing is asked of them (allow mode without manifests). */
export function persistedDocuments(env: Env): TrustedDocumentsOptions | undefined {
  const documents = persistedDocumentManifests(env);
  const mode = persistedDocumentsMode(env);
  if (mode === 'allow' && documents.size === 0) return undefined;
  return { mode, requireId: persistedDocumentsRequireId(env), documents };
}

/** RESPONSE_CACHE: `on` (default) keeps answers per caller as the @cacheControl hints allow; `off` never keeps one. */
export function responseCacheEnabled(env: Env): boolean {
  return enumSetting(env, 'RESPONSE_CACHE', ['on', 'off'], 'on') === 'on';
}
