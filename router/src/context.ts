// The router's per-request context: the token is verified once here, then forwarded.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { clientIpOf, identityOf, requestIdOf, type TrustProxy } from '@marketplace/service-kit';

export interface RouterContext {
  identity: Identity;
  /** Passed on to every subgraph call, so one id follows a request through all the logs. */
  requestId: string;
  /** The caller's address (behind TRUSTED_PROXIES), passed on for per-address sign-in throttles. */
  clientIp: string;
  /** The raw Authorization header of a verified token, for the subgraphs. */
  authorization?: string;
}

export interface Caller {
  /** Undefined when the request's token failed verification (the request will fail with UNAUTHENTICATED). */
  identity: Identity | undefined;
  clientIp: string;
}

/** Who sent a request, worked out once: the rate limits and the GraphQL context both ask. */
export type RequestIdentity = (req: IncomingMessage) => Promise<Caller>;

export function requestIdentity(keys: TrustedKeys, trust: TrustProxy): { identify: RequestIdentity; verified: (req: IncomingMessage) => Promise<Identity> } {
  const verifications = new WeakMap<IncomingMessage, Promise<Identity>>();
  const verified = (req: IncomingMessage): Promise<Identity> => {
    let verification = verifications.get(req);
    if (!verification) {
      verification = identityOf(req, keys);
      verification.catch(() => undefined);
      verifications.set(req, verification);
    }
    return verification;
  };
  const identify: RequestIdentity = async (req) => ({
    identity: await verified(req).catch(() => undefined),
    clientIp: clientIpOf(req, trust),
  });
  return { identify, verified };
}

export function routerContext(calls: { identify: RequestIdentity; verified: (req: IncomingMessage) => Promise<Identity> }) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const identity = await calls.verified(req);
    const { clientIp } = await calls.identify(req);
    const requestId = typeof req.id === 'string' ? req.id : requestIdOf(req);
    return identity.kind === 'anonymous'
      ? { identity, requestId, clientIp }
      : { identity, requestId, clientIp, authorization: req.headers.authorization };
  };
}
