// The "you are up" screen: where the storefront and the gateway are, who to log in as, and something to paste.
import type { DatabaseHandle } from '@marketplace/testing';
import { paint, say } from './console.ts';
import { DEMO_ADMIN, DEMO_BUYER, DEMO_SECOND_SELLER, DEMO_SELLER, EXAMPLE_ORDERS_QUERY, EXAMPLE_QUERY } from './demo.ts';
import type { SeedOutcome } from './seed.ts';
import type { Endpoint, ServiceName, StorefrontEndpoint } from './services.ts';

export interface BannerInput {
  endpoints: Record<ServiceName, Endpoint>;
  storefront: StorefrontEndpoint;
  /** The gateway's PERSISTED_DOCUMENTS_MODE, and the storefront's catalog query's id for the example in safelist mode. */
  documents: { mode: 'allow' | 'safelist'; catalogId: string | undefined };
  database: DatabaseHandle;
  seed: SeedOutcome | undefined;
  /** Set when the operator chose their own ADMIN_EMAIL, whose password we never know. */
  operatorAdmin: string | undefined;
  seconds: number;
  exitAfterReady: boolean;
  /** OTEL_EXPORTER_OTLP_ENDPOINT, when the operator set it (the services then export their spans there). */
  traces: string | undefined;
}

function hidePassword(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

function databaseLine(database: DatabaseHandle): string {
  if (database.kind === 'external') return `${hidePassword(database.uri)} (from MONGODB_URI; data persists)`;
  const what = database.kind === 'ferretdb' ? 'FerretDB' : 'mongod';
  return `${what} at ${database.uri} (throwaway: its data is deleted when this stops)`;
}

function seedLines(seed: SeedOutcome | undefined): string[] {
  if (seed === undefined) return ['Demo data: skipped (--no-seed).'];
  if (seed.kind === 'seeded') {
    return [`Demo data: ${seed.categories} categories, ${seed.products} products from ${DEMO_SELLER.name} and ${DEMO_SECOND_SELLER.name}, and ${seed.orders} orders by ${DEMO_BUYER.name} in every state.`];
  }
  if (seed.kind === 'present') return ['Demo data: already there from an earlier run; left as it was.'];
  if (seed.kind === 'failed') return ['Demo data: adding it failed (the error is above); the services run without it.'];
  return [`Demo data: not added, because ${seed.reason}.`];
}

function accountLines(input: BannerInput): string[] {
  const rows: string[][] = [];
  if (input.seed?.kind === 'seeded' || input.seed?.kind === 'present') {
    rows.push(['seller', DEMO_SELLER.email, DEMO_SELLER.password], ['seller', DEMO_SECOND_SELLER.email, DEMO_SECOND_SELLER.password], ['buyer', DEMO_BUYER.email, DEMO_BUYER.password]);
  }
  if (input.operatorAdmin !== undefined) rows.push(['admin', input.operatorAdmin, '(the ADMIN_PASSWORD you set)']);
  else if (input.seed !== undefined) rows.push(['admin', DEMO_ADMIN.email, DEMO_ADMIN.password]);
  if (rows.length === 0) return [];
  return [
    'Demo accounts (local demo passwords, shown on purpose; they guard nothing but this demo):',
    ...rows.map(([role, email, password]) => `  ${role!.padEnd(7)} ${email!.padEnd(26)} ${password}`),
    '',
  ];
}

function tryLines(input: BannerInput): string[] {
  const gateway = input.endpoints.router.url;
  const { mode, catalogId } = input.documents;
  if (mode === 'safelist') {
    if (catalogId === undefined) return [];
    const body = JSON.stringify({ documentId: catalogId, variables: { first: 10 } });
    return [
      "Try the catalog from a shell, by the storefront's catalog query's id (safelist: other documents are refused):",
      `  curl -s ${gateway} -H 'content-type: application/json' -d '${body}'`,
      '',
    ];
  }
  return [
    'Try the catalog (paste into Sandbox):',
    `  ${EXAMPLE_QUERY}`,
    'or from a shell:',
    `  curl -s ${gateway} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
    '',
    `Signed in (mutation login, then header "Authorization: Bearer <accessToken>"), ask for your orders:`,
    `  ${EXAMPLE_ORDERS_QUERY}`,
    '',
  ];
}

export function printBanner(input: BannerInput): void {
  const { endpoints, storefront } = input;
  const gateway = endpoints.router.url;
  const subgraphs = (['users', 'products', 'orders'] as const).map((n) => `${n} ${endpoints[n].url}`).join(' · ');
  const served = storefront.mode === 'dev' ? "Vite's dev server, reloads as you edit clients/web" : 'the built app';
  const gatewayNote =
    input.documents.mode === 'safelist'
      ? "(safelist: only the storefront's and the app's persisted documents run; no Sandbox)"
      : '← open it in a browser for Apollo Sandbox';
  const lines = [
    paint(`The marketplace is up (${input.seconds.toFixed(1)} s).`, 1),
    '',
    `Storefront: ${paint(storefront.url, 1)}  ← the shop in a browser (${served})`,
    `Gateway:    ${paint(gateway, 1)}  ${gatewayNote}`,
    `Subgraphs:  ${subgraphs}`,
    `Metrics:    ${(['router', 'users', 'products', 'orders'] as const).map((n) => `${n} ${endpoints[n].metrics.url}`).join(' · ')}`,
    ...(input.traces ? [`Traces:     sent over OTLP to ${input.traces}`] : []),
    `Database:   ${databaseLine(input.database)}`,
    ...seedLines(input.seed),
    '',
    ...accountLines(input),
    ...tryLines(input),
    input.exitAfterReady ? 'START_EXIT_AFTER_READY is set: stopping again now.' : 'Press Ctrl-C to stop everything.',
  ];
  for (const line of lines) say(line);
}
