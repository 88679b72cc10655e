// The router's per-request context: the token is verified once here, then forwarded.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { clientIpOf, identityOf, requestIdOf, type TrustProxy } from '@marketplace/service-kit';
import type { SessionRevocations } from './session-revocations.ts';

export interface RouterContext {
  identity: Identity;
  /** Passed on to every subgraph call, so one id follows a request through all the logs. */
  requestId: string;
  /** The caller's address (behind TRUSTED_PROXIES), passed on for per-address sign-in throttles. */
  clientIp: string;
  /** The raw Authorization header of a verified token, for the subgraphs. */
  authorization?: string;
  /** The client's User-Agent, which the users service keeps with a new session. */
  userAgent?: string;
}

export interface Caller {
  /** Undefined when the request's token failed verification (the request will fail with UNAUTHENTICATED). */
  identity: Identity | undefined;
  clientIp: string;
}

/** Who sent a request, worked out once: the rate limits and the GraphQL context both ask. */
export type RequestIdentity = (req: IncomingMessage) => Promise<Caller>;

interface Sender {
  /** Rejects with UNAUTHENTICATED when the token fails verification. */
  verification: Promise<Identity>;
  clientIp: string;
}

export interface RequestSenders {
  identify: RequestIdentity;
  senderOf: (req: IncomingMessage) => Sender;
}

/** Verifies the token, then refuses it if its session has ended. */
async function verifiedIdentity(req: IncomingMessage, keys: TrustedKeys, revocations: SessionRevocations): Promise<Identity> {
  const identity = await identityOf(req, keys);
  revocations.check(identity);
  return identity;
}

export function requestIdentity(keys: TrustedKeys, trust: TrustProxy, revocations: SessionRevocations): RequestSenders {
  const senders = new WeakMap<IncomingMessage, Sender>();
  const senderOf = (req: IncomingMessage): Sender => {
    let sender = senders.get(req);
    if (!sender) {
      sender = { verification: verifiedIdentity(req, keys, revocations), clientIp: clientIpOf(req, trust) };
      sender.verification.catch(() => undefined);
      senders.set(req, sender);
    }
    return sender;
  };
  const identify: RequestIdentity = async (req) => {
    const { verification, clientIp } = senderOf(req);
    return { identity: await verification.catch(() => undefined), clientIp };
  };
  return { identify, senderOf };
}

export function routerContext(senders: RequestSenders) {
  return async (req: IncomingMessage): Promise<RouterContext> => {
    const { verification, clientIp } = senders.senderOf(req);
    const identity = await verification;
    const requestId = typeof req.id === 'string' ? req.id : requestIdOf(req);
    const userAgent = req.headers['user-agent']?.slice(0, 300);
    const base = { identity, requestId, clientIp, ...(userAgent ? { userAgent } : {}) };
    return identity.kind === 'anonymous' ? base : { ...base, authorization: req.headers.authorization };
  };
}
