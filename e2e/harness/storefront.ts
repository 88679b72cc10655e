// The storefront as it runs for real: the built app (or Vite's dev server) on a loopback port, talking
// to a gateway that runs only the clients' manifest documents, by id, and answers CORS for the
// storefront's origin alone; the whole supergraph behind it on the test database.
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { readManifests, type RouterOptions } from '@marketplace/router';
import { startStorefront, type StorefrontHandle } from '@marketplace/web/server';
import { startSupergraph, type Supergraph, type SupergraphOptions } from './supergraph.ts';

/** The persisted documents manifests `npm run codegen` writes for each client. */
export const CLIENT_MANIFESTS = {
  web: fileURLToPath(new URL('../../clients/web/src/__generated__/persisted-documents.json', import.meta.url)),
  mobile: fileURLToPath(new URL('../../clients/mobile/src/__generated__/persisted-documents.json', import.meta.url)),
} as const;

export interface StorefrontStackOptions {
  /** The test database; the run's (global setup) when left out. */
  mongoUri?: string;
  /** `built` (the default) serves clients/web/dist, which the e2e global setup keeps fresh; `dev` runs Vite. */
  mode?: 'built' | 'dev';
  /** Subgraph settings, as startSupergraph takes them. */
  supergraph?: Omit<SupergraphOptions, 'mongoUri' | 'router'>;
  /** The storefront's gateway: production (no Sandbox, no introspection) unless false; other limits than the defaults. */
  gateway?: Partial<Pick<RouterOptions, 'production' | 'limits' | 'rateLimits' | 'trustedProxies'>>;
}

export interface StorefrontStack {
  /** The storefront's origin, `http://127.0.0.1:<port>`, without a trailing slash. */
  storefrontUrl: string;
  /**
   * The /graphql URL the storefront talks to (its /config.json names it): safelist mode with ids
   * required, both clients' manifests, CORS for the storefront's origin only.
   */
  gatewayUrl: string;
  /**
   * The services behind it. `supergraph.url` is a second gateway over the same subgraphs that runs
   * any document and allows no browser origin: for arranging data with the harness helpers
   * (register, createProduct, placeOrder), as the other e2e tests do.
   */
  supergraph: Supergraph;
  /** The documents the storefront's gateway runs, by id (no `sha256:` prefix). */
  documents: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/** Holds a free loopback port until `release()`, so nothing else takes it while the gateway is told the origin. */
async function reservePort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return { port, release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export async function startStorefrontStack(options: StorefrontStackOptions = {}): Promise<StorefrontStack> {
  const buildError = inject('storefrontBuildError');
  if ((options.mode ?? 'built') === 'built' && buildError) throw new Error(`the e2e global setup could not build the storefront, so it is not served stale:\n${buildError}`);
  const reserved = await reservePort();
  const storefrontUrl = `http://127.0.0.1:${reserved.port}`;
  const documents = readManifests([CLIENT_MANIFESTS.web, CLIENT_MANIFESTS.mobile]);
  let supergraph: Supergraph | undefined;
  let storefront: StorefrontHandle | undefined;
  try {
    supergraph = await startSupergraph({
      ...options.supergraph,
      mongoUri: options.mongoUri ?? inject('mongoUri'),
      // The arranging gateway: no browser may call it.
      router: { corsOrigins: [] },
    });
    const gatewayUrl = await supergraph.startRouter({
      production: true,
      ...options.gateway,
      corsOrigins: [storefrontUrl],
      persistedDocuments: { mode: 'safelist', requireId: true, documents },
    });
    await reserved.release();
    storefront = await startStorefront({ gatewayUrl, host: '127.0.0.1', port: reserved.port, mode: options.mode ?? 'built' });
    const started = { storefront, supergraph };
    return {
      storefrontUrl: storefront.url.replace(/\/$/, ''),
      gatewayUrl,
      supergraph,
      documents,
      async close() {
        await started.storefront.close();
        await started.supergraph.stop();
      },
    };
  } catch (error) {
    await reserved.release();
    await storefront?.close();
    await supergraph?.stop();
    throw error;
  }
}

/** The id (`sha256:…`) of the manifest document that defines `operationName`, for requests by documentId. */
export function documentIdOf(documents: ReadonlyMap<string, string>, operationName: string): string {
  const pattern = new RegExp(`\\b(query|mutation|subscription)\\s+${operationName}\\b`);
  for (const [id, body] of documents) if (pattern.test(body)) return `sha256:${id}`;
  throw new Error(`no manifest document defines the operation ${operationName}`);
}
