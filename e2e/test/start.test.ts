// `npm start` as a person runs it: a real child process that comes up, serves the demo shop and the
// storefront, and stops cleanly on Ctrl-C; and the same marketplace with the gateway in safelist mode.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { PERSISTED_QUERY_CODES } from '@marketplace/router';
import { errorCodes, expectData, freePort, graphql, portAcceptsConnections } from '@marketplace/testing';
import { CLIENT_MANIFESTS, documentIdOf } from '../harness/storefront.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORT_VARS = [
  'ROUTER_PORT',
  'USERS_PORT',
  'PRODUCTS_PORT',
  'ORDERS_PORT',
  'STOREFRONT_PORT',
  'ROUTER_METRICS_PORT',
  'USERS_METRICS_PORT',
  'PRODUCTS_METRICS_PORT',
  'ORDERS_METRICS_PORT',
] as const;

/** Resolves with everything printed so far once `done` says so; rejects if the process dies or time runs out. */
function waitForOutput(child: ChildProcess, output: () => string, done: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done(output())) return;
      cleanup();
      resolve(output());
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`npm start exited early (${code ?? signal}):\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`npm start was not up within ${timeoutMs / 1000} s:\n${output()}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

const children: ChildProcess[] = [];

afterAll(async () => {
  // Only reached with a live child when an assertion failed midway; SIGTERM lets it stop its database too.
  for (const child of children.filter((c) => c.exitCode === null && c.signalCode === null)) {
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    child.kill('SIGKILL');
  }
});

interface Run {
  child: ChildProcess;
  ports: Record<(typeof PORT_VARS)[number], string>;
  gateway: string;
  storefront: string;
  banner: string;
  everything(): string;
}

/** npm start on free ports with a local FerretDB, until its banner is printed. */
async function startMarketplace(extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const ports = Object.fromEntries(await Promise.all(PORT_VARS.map(async (name) => [name, String(await freePort())] as const))) as Run['ports'];
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports, MARKETPLACE_DB: 'ferretdb' };
  for (const name of ['MONGODB_URI', 'START_EXIT_AFTER_READY', 'NODE_ENV', 'LOG_LEVEL', 'CORS_ORIGINS', 'PERSISTED_DOCUMENTS', 'PERSISTED_DOCUMENTS_MODE', 'STOREFRONT_MODE']) delete env[name];
  Object.assign(env, extra);

  const child = spawn(process.execPath, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const everything = () => `${stdout}\n--- stderr ---\n${stderr}`;
  const gateway = `http://127.0.0.1:${ports.ROUTER_PORT}/graphql`;
  const banner = await waitForOutput(child, everything, (text) => text.includes(gateway) && text.includes('Ctrl-C'), 90_000);
  return { child, ports, gateway, storefront: `http://127.0.0.1:${ports.STOREFRONT_PORT}`, banner, everything };
}

/** SIGINT, as Ctrl-C sends it: a clean exit, with every port and the database closed after. */
async function interrupt(run: Run, databasePort: number): Promise<void> {
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    run.child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  run.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref());
  const exit = await Promise.race([exited, timeout]);
  expect(exit, run.everything()).toEqual({ code: 0, signal: null });
  for (const name of PORT_VARS) expect(await portAcceptsConnections(Number(run.ports[name])), `${name} still open`).toBe(false);
  expect(await portAcceptsConnections(databasePort), 'FerretDB outlived npm start').toBe(false);
}

const databasePortOf = (banner: string) => Number(/FerretDB at mongodb:\/\/127\.0\.0\.1:(\d+)\//.exec(banner)?.[1]);

/** A manifest's documents by id (no `sha256:` prefix). */
const manifest = (file: string) =>
  new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>).map(([id, body]) => [id.replace(/^sha256:/, ''), body]));

function preflight(url: string, origin: string) {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
}

it('npm start brings up the seeded marketplace and the storefront, and stops it on SIGINT', { timeout: 120_000 }, async () => {
  const run = await startMarketplace();
  const { banner, gateway } = run;
  expect(banner).toContain('generated a throwaway key pair');
  expect(banner).toContain('buyer@demo.marketplace');
  const databasePort = databasePortOf(banner);
  expect(databasePort, 'the banner names the FerretDB port').toBeGreaterThan(0);

  // The storefront, beside the gateway in the banner: the built app, and /config.json naming this gateway.
  expect(banner).toMatch(new RegExp(`Storefront: ${run.storefront} .*\\n.*Gateway: +${gateway.replaceAll('.', '\\.')}`));
  const page = await fetch(`${run.storefront}/`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' http://127.0.0.1:${run.ports.ROUTER_PORT}`);
  const html = await page.text();
  expect(html).toContain('<div id="root">');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script, 'the built app, not the dev server').toBeDefined();
  expect((await fetch(`${run.storefront}${script}`)).status).toBe(200);
  expect(await (await fetch(`${run.storefront}/config.json`)).json()).toEqual({ gatewayUrl: gateway });
  // CORS_ORIGINS unset: the development default lets the storefront's pages call the gateway.
  expect((await preflight(gateway, run.storefront)).headers.get('access-control-allow-origin')).toBe(run.storefront);

  const catalog = await expectData(gateway, '{ products(first: 10) { edges { node { title price { amount currency } seller { name } } } } }');
  const products = catalog.products.edges.map((e: any) => e.node);
  expect(products.length).toBeGreaterThanOrEqual(4);
  for (const product of products) {
    expect(product.price.currency).toBe('EUR');
    expect(product.price.amount).toBeGreaterThan(0);
  }
  expect(new Set(products.map((p: any) => p.seller.name))).toEqual(new Set(['Oak & Ember Workshop', 'Lumen Lighting Co.']));
  expect(products.map((p: any) => p.title)).toContain('Walnut cutting board');
  const tree = await expectData(gateway, '{ categories { slug children { slug children { slug } } } }');
  expect(tree.categories.map((c: any) => c.slug)).toEqual(['home', 'lighting']);
  const lamps = await expectData(gateway, '{ products(filter: { search: "brass", attributes: [{ name: "finish", value: "brass" }] }) { totalCount edges { node { title category { slug } } } } }');
  expect(lamps.products.edges.map((e: any) => e.node)).toEqual([{ title: 'Brass desk lamp', category: { slug: 'lamps' } }]);

  const login = await expectData(gateway, 'mutation { login(email: "buyer@demo.marketplace", password: "demo-buyer-2024") { accessToken } }');
  const history = await expectData(gateway, '{ me { orders { edges { node { status total { amount } } } } } }', {}, { token: login.login.accessToken });
  const statuses = history.me.orders.edges.map((e: any) => e.node.status);
  expect(new Set(statuses)).toEqual(new Set(['PENDING', 'PAID', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED']));
  expect(history.me.orders.edges[0].node.total.amount).toBeGreaterThan(0);

  // The two-seller order, shipped in parts: the buyer follows both fulfilments; Lumen reads its own part only.
  const parts = await expectData(
    gateway,
    '{ me { orders(status: PARTIALLY_SHIPPED) { edges { node { id total { amount } fulfillments { status trackingNumber seller { name } items { title quantity } } } } } } }',
    {},
    { token: login.login.accessToken },
  );
  expect(parts.me.orders.edges).toHaveLength(1);
  const split = parts.me.orders.edges[0].node;
  expect(split.total.amount).toBe(8800 + 2 * 3900);
  expect(split.fulfillments.map((f: any) => [f.seller.name, f.status, f.trackingNumber, f.items])).toEqual([
    ['Oak & Ember Workshop', 'SHIPPED', 'DEMO-TRACK-0003', [{ title: 'Stoneware dinner plates, set of four', quantity: 1 }]],
    ['Lumen Lighting Co.', 'PENDING', null, [{ title: 'Paper pendant shade', quantity: 2 }]],
  ]);
  const lumen = await expectData(gateway, 'mutation { login(email: "lumen@demo.marketplace", password: "demo-lumen-2024") { accessToken } }');
  const lumenView = await expectData(
    gateway,
    'query ($id: ID!) { order(id: $id) { status total { amount } trackingNumber items { title } fulfillments { status } } }',
    { id: split.id },
    { token: lumen.login.accessToken },
  );
  expect(lumenView.order).toEqual({ status: 'PARTIALLY_SHIPPED', total: { amount: 2 * 3900 }, trackingNumber: null, items: [{ title: 'Paper pendant shade' }], fulfillments: [{ status: 'PENDING' }] });

  const admin = await expectData(gateway, 'mutation { login(email: "admin@demo.marketplace", password: "demo-admin-2024") { user { roles } } }');
  expect(admin.login.user.roles).toContain('ADMIN');

  // Each service's metrics, where the banner says they are.
  for (const service of ['router', 'users', 'products', 'orders']) {
    const url = `http://127.0.0.1:${run.ports[`${service.toUpperCase()}_METRICS_PORT` as (typeof PORT_VARS)[number]]}/metrics`;
    expect(banner).toContain(`${service} ${url}`);
    const text = await (await fetch(url)).text();
    expect(text).toContain(`graphql_requests_total{operation="(unnamed)",outcome="success",component="${service}"}`);
  }

  await interrupt(run, databasePort);
});

it('with PERSISTED_DOCUMENTS_MODE=safelist, npm start brings up the same demo shop, runs the clients\' documents by id and refuses any other', { timeout: 120_000 }, async () => {
  const operatorOrigin = 'https://shop.example.com';
  const run = await startMarketplace({ PERSISTED_DOCUMENTS_MODE: 'safelist', CORS_ORIGINS: operatorOrigin });
  const { banner, gateway } = run;
  // The seed goes to the subgraphs, so the safelist does not stop it.
  expect(banner).toContain('Demo data: 7 categories, 9 products');
  expect(banner).toContain(`Storefront: ${run.storefront}`);
  expect(banner).toContain('safelist');
  expect(banner).not.toContain('open it in a browser for Apollo Sandbox');

  const web = manifest(CLIENT_MANIFESTS.web);
  const byId = async (documentId: string, variables: Record<string, unknown>) => {
    const response = await fetch(gateway, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId, variables }) });
    return (await response.json()) as { data?: any; errors?: unknown[] };
  };
  const catalog = await byId(documentIdOf(web, 'StorefrontCatalog'), { first: 20 });
  expect(catalog.errors).toBeUndefined();
  const products = catalog.data.products.edges.map((e: any) => e.node);
  expect(products).toHaveLength(9);
  expect(products.map((p: any) => p.title)).toContain('Walnut cutting board');
  expect(new Set(products.map((p: any) => p.seller.name))).toEqual(new Set(['Oak & Ember Workshop', 'Lumen Lighting Co.']));
  const categories = await byId(documentIdOf(web, 'StorefrontCategories'), {});
  expect(categories.data.categories.map((c: any) => c.slug)).toEqual(['home', 'lighting']);

  // The mobile app's manifest is loaded too: its sign-in works by id for the demo buyer.
  const signIn = await byId(documentIdOf(manifest(CLIENT_MANIFESTS.mobile), 'SignIn'), { email: 'buyer@demo.marketplace', password: 'demo-buyer-2024' });
  expect(signIn.data?.login.accessToken).toEqual(expect.any(String));

  const arbitrary = await graphql(gateway, '{ products(first: 10) { edges { node { title } } } }');
  expect(arbitrary.status).toBe(400);
  expect(errorCodes(arbitrary)).toEqual([PERSISTED_QUERY_CODES.notInList]);

  // The operator's CORS_ORIGINS, with the storefront's origin added; nothing else local gets in.
  expect(await (await fetch(`${run.storefront}/config.json`)).json()).toEqual({ gatewayUrl: gateway });
  expect((await preflight(gateway, run.storefront)).headers.get('access-control-allow-origin')).toBe(run.storefront);
  expect((await preflight(gateway, operatorOrigin)).headers.get('access-control-allow-origin')).toBe(operatorOrigin);
  expect((await preflight(gateway, `http://127.0.0.1:${await freePort()}`)).headers.get('access-control-allow-origin')).toBeNull();

  await interrupt(run, databasePortOf(banner));
});
