// The "you are up" screen: where the gateway is, who to log in as, and something to paste.
import type { DatabaseHandle } from '@marketplace/testing';
import { paint, say } from './console.ts';
import { DEMO_ADMIN, DEMO_BUYER, DEMO_SECOND_SELLER, DEMO_SELLER, EXAMPLE_ORDERS_QUERY, EXAMPLE_QUERY } from './demo.ts';
import type { SeedOutcome } from './seed.ts';
import type { Endpoint, ServiceName } from './services.ts';

export interface BannerInput {
  endpoints: Record<ServiceName, Endpoint>;
  database: DatabaseHandle;
  seed: SeedOutcome | undefined;
  /** Set when the operator chose their own ADMIN_EMAIL, whose password we never know. */
  operatorAdmin: string | undefined;
  seconds: number;
  exitAfterReady: boolean;
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

export function printBanner(input: BannerInput): void {
  const { endpoints } = input;
  const gateway = endpoints.router.url;
  const subgraphs = (['users', 'products', 'orders'] as const).map((n) => `${n} ${endpoints[n].url}`).join(' · ');
  const lines = [
    paint(`The marketplace is up (${input.seconds.toFixed(1)} s).`, 1),
    '',
    `Gateway:   ${paint(gateway, 1)}  ← open it in a browser for Apollo Sandbox`,
    `Subgraphs: ${subgraphs}`,
    `Database:  ${databaseLine(input.database)}`,
    ...seedLines(input.seed),
    '',
    ...accountLines(input),
    'Try the catalog (paste into Sandbox):',
    `  ${EXAMPLE_QUERY}`,
    'or from a shell:',
    `  curl -s ${gateway} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
    '',
    `Signed in (mutation login, then header "Authorization: Bearer <accessToken>"), ask for your orders:`,
    `  ${EXAMPLE_ORDERS_QUERY}`,
    '',
    input.exitAfterReady ? 'START_EXIT_AFTER_READY is set: stopping again now.' : 'Press Ctrl-C to stop everything.',
  ];
  for (const line of lines) say(line);
}
