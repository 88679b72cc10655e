// Boots a GraphQL service: an ApolloServer with masked errors, served over HTTP, stopped cleanly.
import { createServer, type IncomingMessage } from 'node:http';
import { ApolloServer, type ApolloServerOptions, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError, GraphQLSchema, ParseOptions } from 'graphql';
import { privateWhenCredentialed } from './cache-scope.ts';
import { maskError } from './errors.ts';
import { trackHttpDrain } from './http-drain.ts';
import { createHttpHandler, listen, type HttpHook, type JsonRoute, type RequestRewriter, type RunningServer } from './http-server.ts';
import type { Logger } from './logger.ts';
import { graphqlTelemetryPlugin } from './telemetry/graphql-telemetry.ts';
import type { ServiceMetrics } from './telemetry/metrics.ts';
import { tracingEnabled } from './telemetry/tracing.ts';

export interface GraphQLServiceOptions<TContext extends BaseContext> {
  /** A schema (subgraphs) or a gateway (the router). */
  schema?: GraphQLSchema;
  gateway?: ApolloServerOptions<TContext>['gateway'];
  context: (req: IncomingMessage) => Promise<TContext>;
  host: string;
  port: number;
  logger: Logger;
  production: boolean;
  plugins?: ApolloServerPlugin<TContext>[];
  /** Landing page plugin in development; none means the landing page is disabled. */
  landingPage?: ApolloServerPlugin<TContext>;
  ready?: () => Promise<boolean>;
  /** Run before GraphQL on each /graphql request (the router's CORS and rate limits). */
  httpHooks?: readonly HttpHook[];
  /** JSON GET endpoints beside /graphql. */
  routes?: Readonly<Record<string, JsonRoute>>;
  /** Rewrites or refuses a request before GraphQL runs it (the router's trusted documents). */
  rewrite?: RequestRewriter;
  /** Given to the parser (the router's maxTokens). */
  parseOptions?: ParseOptions;
  /** Tells a known failure as a coded error before masking (the router's token limit); undefined leaves it. */
  rewriteError?: (formatted: GraphQLFormattedError, original: unknown) => GraphQLFormattedError | undefined;
  /** Called once the HTTP server is closed and in-flight requests are done. */
  onStop?: () => Promise<void>;
  /** Request counts and latencies by operation; none when left out. */
  metrics?: ServiceMetrics;
}

export async function startGraphQLService<TContext extends BaseContext>(
  options: GraphQLServiceOptions<TContext>,
): Promise<RunningServer> {
  const { logger } = options;
  const httpServer = createServer();
  const httpDrain = trackHttpDrain(httpServer, { graceMs: 10_000 });
  const landing = !options.production && options.landingPage ? options.landingPage : ApolloServerPluginLandingPageDisabled();
  const common = {
    introspection: !options.production,
    // "Did you mean ...?" would let anyone map a production schema without introspection.
    hideSchemaDetailsFromClientErrors: options.production,
    includeStacktraceInErrorResponses: false,
    // runService owns SIGTERM/SIGINT; Apollo's own handlers would race it and block the drain.
    stopOnTerminationSignals: false,
    formatError: (formatted: GraphQLFormattedError, original: unknown) =>
      maskError(options.rewriteError?.(formatted, original) ?? formatted, original, (err) => logger.error({ err }, 'internal error')),
    ...(options.parseOptions ? { parseOptions: options.parseOptions } : {}),
    plugins: [landing, ApolloServerPluginCacheControl(), privateWhenCredentialed<TContext>(), ...(options.metrics || tracingEnabled() ? [graphqlTelemetryPlugin<TContext>()] : []), ...(options.plugins ?? [])],
    logger: { debug: () => {}, info: (m: string) => logger.info(m), warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
  };
  const apollo = options.gateway
    ? new ApolloServer<TContext>({ ...common, gateway: options.gateway })
    : new ApolloServer<TContext>({ ...common, schema: options.schema! });
  let draining = false;
  const ready = async () => !draining && (await (options.ready?.() ?? Promise.resolve(true)));
  const handler = createHttpHandler({ apollo, context: options.context, ready, logger, ...(options.httpHooks ? { hooks: options.httpHooks } : {}), ...(options.routes ? { routes: options.routes } : {}), ...(options.rewrite ? { rewrite: options.rewrite } : {}), ...(options.metrics ? { metrics: options.metrics } : {}) });
  httpServer.on('request', (req, res) => void handler(req, res));
  await apollo.start();
  const { url, port } = await listen(httpServer, options.host, options.port);
  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    beginDrain() {
      draining = true;
    },
    stop() {
      draining = true;
      stopping ??= (async () => {
        // Every request already sent is answered before the operations stop running.
        await httpDrain.drain();
        await apollo.stop();
        await options.onStop?.();
      })();
      return stopping;
    },
  };
}
