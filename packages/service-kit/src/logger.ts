// Structured JSON logs, one logger per service, with credentials redacted before anything is written.
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { traceLogFields } from './telemetry/tracing.ts';

export type { DestinationStream, Logger };

export interface LoggerOptions {
  /** Overrides LOG_LEVEL and the test default ('silent'), e.g. for a test that reads the logs. */
  level?: LevelWithSilent;
}

// Logs are shipped to places with far wider access than the API, so no credential may reach them:
// pino-http logs every request's and response's headers, and any logged object may carry a secret.
const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'refreshToken',
  'accessToken',
  'token',
];
/** A secret key at the top level of a log line and up to three levels down (`req.headers.authorization`, `req.body.variables.password`). */
const DEPTHS = ['', '*.', '*.*.', '*.*.*.'];
const pathOf = (prefix: string, key: string) => (/^\w+$/.test(key) ? `${prefix}${key}` : `${prefix.replace(/\.$/, '')}["${key}"]`);
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_KEYS.flatMap((key) => DEPTHS.map((prefix) => pathOf(prefix, key))),
  // A GraphQL GET request carries its operation and variables (a login's password) in the query string.
  'req.url',
];

export const REDACTED = '[Redacted]';
/** Query-string parameters of a logged URL whose values are replaced: they may carry credentials. */
const SECRET_URL_PARAMS = new Set(['query', 'variables', ...SECRET_KEYS]);

function censor(value: unknown, path: string[]): unknown {
  if (path.length === 2 && path[0] === 'req' && path[1] === 'url') return typeof value === 'string' ? redactUrl(value) : value;
  return REDACTED;
}

/** Keeps a URL's path and its harmless parameters as they were sent; the values of the others are replaced. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = url
    .slice(at + 1)
    .split('&')
    .map((param) => {
      const key = param.split('=', 1)[0]!;
      let name = key;
      try {
        name = decodeURIComponent(key.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the raw name
      }
      return SECRET_URL_PARAMS.has(name) ? `${key}=${REDACTED}` : param;
    });
  return `${url.slice(0, at)}?${params.join('&')}`;
}

/** A service's root logger; its children (every service logs through them) inherit the redaction. */
export function createLogger(service: string, destination?: DestinationStream, options: LoggerOptions = {}): Logger {
  const config = {
    name: service,
    level: options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: { paths: [...REDACTED_PATHS], censor },
    // trace_id and span_id on every line written inside a traced request.
    mixin: traceLogFields,
  };
  return destination ? pino(config, destination) : pino(config);
}
