// The router's per-request context: the token is verified once here, then forwarded.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf } from '@marketplace/service-kit';

export interface RouterContext {
  identity: Identity;
  /** The raw Authorization header of a verified token, for the subgraphs. */
  authorization?: string;
}

export function routerContext(keys: TrustedKeys) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const identity = await identityOf(req, keys);
    return identity.kind === 'anonymous' ? { identity } : { identity, authorization: req.headers.authorization };
  };
}
