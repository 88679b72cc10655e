// Builds and starts the users subgraph on a given database; main.ts and the tests share it.
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { SigningKey, TrustedKeys } from '@marketplace/auth';
import { mongoIsReachable, startGraphQLService, type Env, type Logger, type RunningServer } from '@marketplace/service-kit';
import type { MongoClient } from 'mongodb';
import { ensureAdmin } from './admin.ts';
import { contextFactory } from './context.ts';
import { resolvers } from './resolvers/index.ts';
import { UsersStore } from './store.ts';

export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface UsersServiceOptions {
  mongo: MongoClient;
  database: string;
  keys: TrustedKeys;
  signer: SigningKey;
  tokenTtlSeconds: number;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
  env?: Env;
}

export async function startUsersService(options: UsersServiceOptions): Promise<RunningServer> {
  const store = new UsersStore(options.mongo.db(options.database));
  await store.ensureIndexes();
  if (options.env) await ensureAdmin(store, options.env, options.logger);
  return startGraphQLService({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    context: contextFactory({ store, keys: options.keys, signer: options.signer, tokenTtlSeconds: options.tokenTtlSeconds }),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    ready: () => mongoIsReachable(options.mongo),
  });
}
