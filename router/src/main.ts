// Entry point of the gateway: read config, serve the supergraph, drain on SIGTERM.
import { importKeyRing } from '@marketplace/auth';
import { isProduction, listenConfig, requireSecret, runService, SUBGRAPHS, subgraphUrl } from '@marketplace/service-kit';
import { startRouter } from './service.ts';

runService('router', async (env, logger) => {
  const keys = { users: await importKeyRing(requireSecret(env, 'AUTH_PUBLIC_KEYS')) };
  const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrl(env, name)])) as Record<(typeof SUBGRAPHS)[number], string>;
  const server = await startRouter({ keys, subgraphUrls, ...listenConfig(env, 'router'), production: isProduction(env), logger });
  return { server };
});
