// Starts a subgraph: its SDL and resolvers as a federated schema, served over HTTP, ready while its database answers.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import type { MongoClient } from 'mongodb';
import type { TrustedKeys } from '@marketplace/auth';
import { startGraphQLService } from './graphql-service.ts';
import type { JsonRoute, RunningServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { mongoIsReachable } from './mongo.ts';
import type { ServiceMetrics } from './telemetry/metrics.ts';
import { instrumentMongo } from './telemetry/mongo-telemetry.ts';
import { traceResolvers } from './telemetry/tracing.ts';

/** What every subgraph is started with; each adds its own settings. */
export interface SubgraphServiceOptions {
  mongo: MongoClient;
  database: string;
  /** users: access tokens; services (products only): the keys of services allowed internal calls. */
  keys: TrustedKeys;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
  /** The service's metrics (METRICS_PORT); none when left out. */
  metrics?: ServiceMetrics;
}

/** A subgraph's SDL, read from the schema.graphql next to the module at `url`. */
export function readSubgraphSchema(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

/** The resolver map buildSubgraphSchema takes (@apollo/subgraph does not export its type by name). */
type ResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

export interface SubgraphDefinition<TContext> {
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  context: (req: IncomingMessage) => Promise<TContext>;
  /** Called once the server has stopped (close what the service made for itself). */
  onStop?: () => Promise<void>;
  /** JSON GET endpoints beside /graphql. */
  routes?: Readonly<Record<string, JsonRoute>>;
}

export function startSubgraph<TContext extends object>(options: SubgraphServiceOptions, subgraph: SubgraphDefinition<TContext>): Promise<RunningServer> {
  instrumentMongo(options.mongo, options.metrics);
  return startGraphQLService({
    schema: buildSubgraphSchema({ typeDefs: subgraph.typeDefs, resolvers: traceResolvers(subgraph.resolvers) }),
    context: subgraph.context,
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    ready: () => mongoIsReachable(options.mongo),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(subgraph.onStop ? { onStop: subgraph.onStop } : {}),
    ...(subgraph.routes ? { routes: subgraph.routes } : {}),
  });
}
