// Everything a products resolver needs, built once per request: identity, loaders and stores.
import type { IncomingMessage } from 'node:http';
import type { Identity, TrustedKeys } from '@marketplace/auth';
import { identityOf, type LoaderBatches } from '@marketplace/service-kit';
import { visibilityOf } from './catalog-visibility.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import type { Stores } from './stores/index.ts';

/** What lives as long as the service. */
export interface ContextDeps {
  keys: TrustedKeys;
  stores: Stores;
  /** Reports each DataLoader batch's size (metrics). */
  batches: LoaderBatches;
}

export interface Context {
  identity: Identity;
  loaders: Loaders;
  stores: Stores;
}

export async function createContext(deps: ContextDeps, req: IncomingMessage): Promise<Context> {
  const identity = await identityOf(req, deps.keys);
  return { identity, loaders: createLoaders(deps.stores, deps.batches, visibilityOf(identity)), stores: deps.stores };
}
