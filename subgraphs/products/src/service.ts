// Builds and starts the products subgraph on a given database; main.ts and the tests share it.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { TrustedKeys } from '@marketplace/auth';
import { mongoIsReachable, startGraphQLService, type Logger, type RunningServer } from '@marketplace/service-kit';
import type { MongoClient } from 'mongodb';
import { contextFactory } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { StockLedger } from './stores/stock-ledger.ts';
import { Reservations } from './stores/stock-reservations.ts';
import { CategoriesStore } from './stores/categories.ts';
import { ProductsStore } from './stores/products.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface ProductsServiceOptions {
  mongo: MongoClient;
  database: string;
  /** users: access tokens; services: the orders service's key, for the stock operations. */
  keys: TrustedKeys;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
}

export async function startProductsService(options: ProductsServiceOptions): Promise<RunningServer> {
  const db = options.mongo.db(options.database);
  const products = new ProductsStore(db);
  const ledger = new StockLedger(db, products.products);
  const reservations = new Reservations(db, ledger);
  const categories = new CategoriesStore(db);
  await Promise.all([products.ensureIndexes(), ledger.ensureIndexes(), categories.ensureIndexes()]);
  return startGraphQLService({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    context: contextFactory({ products, categories, ledger, reservations }, options.keys),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    ready: () => mongoIsReachable(options.mongo),
  });
}
