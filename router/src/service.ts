// Builds and starts the gateway over the checked-in supergraph; main.ts and the tests share it.
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { TrustedKeys } from '@marketplace/auth';
import { startGraphQLService, type Logger, type RunningServer, type SubgraphName } from '@marketplace/service-kit';
import { routerContext, type RouterContext } from './context.ts';
import { AuthForwardingDataSource } from './data-source.ts';
import { readSupergraph } from './supergraph.ts';

export interface RouterOptions {
  keys: TrustedKeys;
  /** Where each subgraph answers; overrides the URLs recorded in the supergraph. */
  subgraphUrls: Record<SubgraphName, string>;
  supergraphSdl?: string;
  host: string;
  port: number;
  production: boolean;
  logger: Logger;
}

export async function startRouter(options: RouterOptions): Promise<RunningServer> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl ?? readSupergraph(),
    buildService: ({ name, url }) =>
      new AuthForwardingDataSource({ url: options.subgraphUrls[name as SubgraphName] ?? url }),
    logger: options.logger,
  });
  return startGraphQLService<RouterContext>({
    gateway,
    context: routerContext(options.keys),
    host: options.host,
    port: options.port,
    production: options.production,
    logger: options.logger,
    landingPage: ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ready: () => subgraphsReady(options.subgraphUrls),
  });
}

async function subgraphsReady(urls: Record<SubgraphName, string>): Promise<boolean> {
  const checks = Object.values(urls).map(async (url) => {
    const response = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) });
    return response.ok;
  });
  return (await Promise.all(checks.map((c) => c.catch(() => false)))).every(Boolean);
}
