// Builds and starts the products subgraph on a given database; main.ts and the tests share it.
import { dataLoaderBatches, readSubgraphSchema, startSubgraph, startSweeps, type RunningServer, type SubgraphServiceOptions } from '@marketplace/service-kit';
import { createContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { openStores } from './stores/index.ts';
import { stockSweepTasks } from './sweeps/stock-holds.ts';

export const typeDefs = readSubgraphSchema(new URL('./schema.graphql', import.meta.url));

/** `keys.services` holds the orders service's key, for the stock operations. */
export interface ProductsServiceOptions extends SubgraphServiceOptions {
  /** How long a reservation the orders service has not confirmed is held (default 60 s). */
  holdMs?: number;
  /** Sweep on this interval (and once now); no sweeping when left out. */
  sweepIntervalMs?: number;
}

export async function startProductsService(options: ProductsServiceOptions): Promise<RunningServer> {
  const stores = await openStores(options.mongo.db(options.database), { ...(options.holdMs === undefined ? {} : { holdMs: options.holdMs }), metrics: options.metrics });
  const deps = { keys: options.keys, stores, batches: dataLoaderBatches(options.metrics) };
  const sweeps = options.sweepIntervalMs ? startSweeps({ intervalMs: options.sweepIntervalMs, logger: options.logger, metrics: options.metrics, tasks: stockSweepTasks(stores) }) : undefined;
  return startSubgraph(options, { typeDefs, resolvers, context: (req) => createContext(deps, req), ...(sweeps ? { onStop: () => sweeps.stop() } : {}) });
}
