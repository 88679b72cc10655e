// useCors: answers preflights and marks responses for the browser origins CORS_ORIGINS allows.
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { HttpHook } from '@marketplace/service-kit';

/** What browser clients send: Apollo Client's and Sandbox's headers, and our request id. */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
] as const;
export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
export const CORS_MAX_AGE_SECONDS = 600;

/** `http://localhost:*` (any port) and `https://*.example.com` (any subdomain) become patterns; the rest match exactly. */
export function originMatcher(origins: readonly string[]): (origin: string) => boolean {
  const patterns = origins.map((entry) => {
    const escaped = entry.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    const source = escaped.replace(/^(https?:\/\/)\*\\\./, '$1(?:[a-z0-9-]+\\.)+').replace(/:\*$/, '(?::\\d{1,5})?');
    return new RegExp(`^${source}$`);
  });
  return (origin) => patterns.some((pattern) => pattern.test(origin.toLowerCase()));
}

export function useCors(origins: readonly string[]): HttpHook {
  const allowed = originMatcher(origins);
  const middleware = cors({
    // The caller's own origin, never `*`: responses may carry credentials.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin) ? origin : false),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: ['x-request-id', 'retry-after'],
    credentials: true,
    maxAge: CORS_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    let passed = false;
    middleware(req, res, () => {
      passed = true;
    });
    if (!passed) return true; // an allowed preflight, answered
    // The answer depends on the origin even when it carries no CORS header: caches must keep them apart.
    if (req.headers.origin !== undefined) res.appendHeader('vary', 'Origin');
    if (req.method === 'OPTIONS') {
      // A preflight from an origin that is not allowed: answered, without any CORS header.
      res.writeHead(204, { allow: CORS_METHODS.join(', ') }).end();
      return true;
    }
    return false;
  };
}
