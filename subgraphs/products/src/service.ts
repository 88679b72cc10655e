// Builds and starts the products subgraph on a given database; main.ts and the tests share it.
import { readSubgraphSchema, startSubgraph, type RunningServer, type SubgraphServiceOptions } from '@marketplace/service-kit';
import { createContext } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { openStores } from './stores/index.ts';

export const typeDefs = readSubgraphSchema(new URL('./schema.graphql', import.meta.url));

/** `keys.services` holds the orders service's key, for the stock operations. */
export type ProductsServiceOptions = SubgraphServiceOptions;

export async function startProductsService(options: ProductsServiceOptions): Promise<RunningServer> {
  const deps = { keys: options.keys, stores: await openStores(options.mongo.db(options.database)) };
  return startSubgraph(options, { typeDefs, resolvers, context: (req) => createContext(deps, req) });
}
