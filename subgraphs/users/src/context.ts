// Everything a users resolver needs, built once per request.
import type { IncomingMessage } from 'node:http';
import type { Identity, SigningKey, TrustedKeys } from '@marketplace/auth';
import { identityOf } from '@marketplace/service-kit';
import { createLoaders, type Loaders } from './loaders.ts';
import type { UsersStore } from './store.ts';

export interface Context {
  identity: Identity;
  store: UsersStore;
  loaders: Loaders;
  signer: SigningKey;
  tokenTtlSeconds: number;
}

export interface ContextDeps {
  store: UsersStore;
  keys: TrustedKeys;
  signer: SigningKey;
  tokenTtlSeconds: number;
}

export function contextFactory(deps: ContextDeps) {
  return async (req: IncomingMessage): Promise<Context> => ({
    identity: await identityOf(req, deps.keys),
    store: deps.store,
    loaders: createLoaders(deps.store),
    signer: deps.signer,
    tokenTtlSeconds: deps.tokenTtlSeconds,
  });
}
