// Serves the storefront: the built app from dist/ (sirv), or Vite's dev server with hot reload, and
// /config.json, which tells the app where the gateway is, so one build works against any gateway.
import { createServer, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

export const STOREFRONT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const STOREFRONT_DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** What the app reads from /config.json at start-up. */
export interface StorefrontConfig {
  /** The gateway's GraphQL endpoint, for example http://localhost:4000/graphql. */
  gatewayUrl: string;
}

export interface StorefrontOptions extends StorefrontConfig {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** `built` serves dist/ (run `npm run build -w @marketplace/web` first); `dev` runs Vite with hot reload. */
  mode?: 'built' | 'dev';
}

export interface StorefrontHandle {
  url: string;
  close(): Promise<void>;
}

export function isStorefrontBuilt(): boolean {
  return existsSync(`${STOREFRONT_DIST}index.html`);
}

function sendConfig(res: ServerResponse, config: StorefrontConfig): void {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(config));
}

/** The built app may talk to its own origin and the gateway's, and load product images from anywhere over http(s). */
function securityHeaders(gatewayUrl: string): Record<string, string> {
  const gateway = new URL(gatewayUrl).origin;
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${gateway}`,
      'img-src * data:',
      // Mantine writes its theme variables into a <style> element.
      "style-src 'self' 'unsafe-inline'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

export async function startStorefront(options: StorefrontOptions): Promise<StorefrontHandle> {
  const host = options.host ?? '127.0.0.1';
  const config: StorefrontConfig = { gatewayUrl: options.gatewayUrl };
  if ((options.mode ?? 'built') === 'dev') return startDev(host, options.port ?? 5173, config);
  if (!isStorefrontBuilt()) throw new Error(`the storefront is not built: run \`npm run build -w @marketplace/web\` (no ${STOREFRONT_DIST}index.html)`);

  const headers = securityHeaders(config.gatewayUrl);
  // `single`: every unknown path is the app's index.html, so deep links such as /products/123 load the app.
  const files = sirv(STOREFRONT_DIST, {
    single: true,
    etag: true,
    setHeaders: (res, pathname) => {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      // Vite names assets by their content hash, so they never change; index.html always may.
      res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/config.json') return sendConfig(res, config);
    files(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function startDev(host: string, port: number, config: StorefrontConfig): Promise<StorefrontHandle> {
  const { createServer: createViteServer } = await import('vite');
  const vite = await createViteServer({
    root: STOREFRONT_ROOT,
    configFile: `${STOREFRONT_ROOT}vite.config.ts`,
    server: { host, port, strictPort: true },
    clearScreen: false,
    logLevel: 'warn',
    plugins: [
      {
        name: 'marketplace-storefront-config',
        configureServer(server) {
          server.middlewares.use('/config.json', (_req, res) => sendConfig(res, config));
        },
      },
    ],
  });
  await vite.listen();
  const url = vite.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? `http://${host}:${port}`;
  return { url, close: () => vite.close() };
}
