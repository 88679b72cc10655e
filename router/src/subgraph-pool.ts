// One pool of keep-alive connections per subgraph origin, shared by every request of the router, so a
// subgraph fetch reuses a warm socket instead of paying for a connection (and its slow start) each time.
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { Agent, fetch } from 'undici';

type Fetcher = RemoteGraphQLDataSource['fetcher'];

export interface SubgraphPool {
  fetcher: Fetcher;
  close(): Promise<void>;
}

export interface SubgraphPoolOptions {
  /** Open connections to one subgraph at most; further fetches queue for a free one. */
  connectionsPerSubgraph: number;
  /** How long an idle connection is kept for the next fetch. */
  keepAliveMs: number;
}

export const SUBGRAPH_POOL_DEFAULTS: SubgraphPoolOptions = { connectionsPerSubgraph: 128, keepAliveMs: 30_000 };

export function subgraphPool(options: SubgraphPoolOptions = SUBGRAPH_POOL_DEFAULTS): SubgraphPool {
  const agent = new Agent({ connections: options.connectionsPerSubgraph, keepAliveTimeout: options.keepAliveMs, keepAliveMaxTimeout: options.keepAliveMs });
  const fetcher: Fetcher = (url, init) => fetch(url, { ...init, dispatcher: agent });
  return { fetcher, close: () => agent.close() };
}
