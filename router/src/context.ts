// The router's per-request context: the token is verified once here, then forwarded.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf, requestIdOf } from '@marketplace/service-kit';

export interface RouterContext {
  identity: Identity;
  /** Passed on to every subgraph call, so one id follows a request through all the logs. */
  requestId: string;
  /** The raw Authorization header of a verified token, for the subgraphs. */
  authorization?: string;
}

export function routerContext(keys: TrustedKeys) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const identity = await identityOf(req, keys);
    const requestId = typeof req.id === 'string' ? req.id : requestIdOf(req);
    return identity.kind === 'anonymous' ? { identity, requestId } : { identity, requestId, authorization: req.headers.authorization };
  };
}
