// Everything a users resolver needs, built once per request.
import type { IncomingMessage } from 'node:http';
import type { Identity, SigningKey, TrustedKeys } from '@marketplace/auth';
import { clientIpOf, identityOf, type TrustProxy } from '@marketplace/service-kit';
import { createLoaders, type Loaders } from './loaders.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { UsersStore } from './stores/users.ts';

export interface Context {
  identity: Identity;
  /** The caller's address: the socket's, or what a trusted proxy (the router) says in X-Forwarded-For. */
  clientIp: string;
  store: UsersStore;
  loaders: Loaders;
  signer: SigningKey;
  tokenTtlSeconds: number;
  signInThrottle: SignInThrottle;
}

export interface ContextDeps {
  store: UsersStore;
  keys: TrustedKeys;
  signer: SigningKey;
  tokenTtlSeconds: number;
  signInThrottle: SignInThrottle;
  trustProxy: TrustProxy;
}

export function contextFactory(deps: ContextDeps) {
  return async (req: IncomingMessage): Promise<Context> => ({
    identity: await identityOf(req, deps.keys),
    clientIp: clientIpOf(req, deps.trustProxy),
    store: deps.store,
    loaders: createLoaders(deps.store),
    signer: deps.signer,
    tokenTtlSeconds: deps.tokenTtlSeconds,
    signInThrottle: deps.signInThrottle,
  });
}
