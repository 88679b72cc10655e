// Everything a users resolver needs, built once per request: identity, loaders, stores, and what signs people in.
import type { IncomingMessage } from 'node:http';
import type { Identity, SigningKey, TrustedKeys } from '@marketplace/auth';
import { clientIpOf, identityOf, type LoaderBatches, type TrustProxy } from '@marketplace/service-kit';
import { createLoaders, type Loaders } from './loaders.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { Stores } from './stores/index.ts';

/** What lives as long as the service. */
export interface ContextDeps {
  keys: TrustedKeys;
  stores: Stores;
  /** Reports each DataLoader batch's size (metrics). */
  batches: LoaderBatches;
  signer: SigningKey;
  tokenTtlSeconds: number;
  refreshTtlSeconds: number;
  signInThrottle: SignInThrottle;
  trustProxy: TrustProxy;
}

export interface Context {
  identity: Identity;
  loaders: Loaders;
  stores: Stores;
  /** The caller's address: the socket's, or what a trusted proxy (the router) says in X-Forwarded-For. */
  clientIp: string;
  signer: SigningKey;
  tokenTtlSeconds: number;
  refreshTtlSeconds: number;
  /** The client's User-Agent (the router passes it on), kept with a new session. */
  userAgent: string | null;
  signInThrottle: SignInThrottle;
}

export async function createContext(deps: ContextDeps, req: IncomingMessage): Promise<Context> {
  return {
    identity: await identityOf(req, deps.keys),
    loaders: createLoaders(deps.stores, deps.batches),
    stores: deps.stores,
    clientIp: clientIpOf(req, deps.trustProxy),
    signer: deps.signer,
    tokenTtlSeconds: deps.tokenTtlSeconds,
    refreshTtlSeconds: deps.refreshTtlSeconds,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
    signInThrottle: deps.signInThrottle,
  };
}
