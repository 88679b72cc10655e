// `npm start` as a person runs it: a real child process that comes up, serves the demo shop, and stops cleanly on Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { expectData, freePort, portAcceptsConnections } from '@marketplace/testing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORT_VARS = ['ROUTER_PORT', 'USERS_PORT', 'PRODUCTS_PORT', 'ORDERS_PORT'] as const;


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

let child: ChildProcess | undefined;

afterAll(async () => {
  // Only reached with a live child when an assertion failed midway; SIGTERM lets it stop its database too.
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      child!.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    child.kill('SIGKILL');
  }
});

it('npm start brings up the seeded marketplace and stops it on SIGINT', { timeout: 120_000 }, async () => {
  const ports = Object.fromEntries(await Promise.all(PORT_VARS.map(async (name) => [name, String(await freePort())] as const)));
  const env: NodeJS.ProcessEnv = { ...process.env, ...ports, MARKETPLACE_DB: 'ferretdb' };
  for (const name of ['MONGODB_URI', 'START_EXIT_AFTER_READY', 'NODE_ENV', 'LOG_LEVEL']) delete env[name];

  child = spawn(process.execPath, ['scripts/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const everything = () => `${stdout}\n--- stderr ---\n${stderr}`;

  const gateway = `http://127.0.0.1:${ports.ROUTER_PORT}/graphql`;
  const banner = await waitForOutput(child, everything, (text) => text.includes(gateway) && text.includes('Ctrl-C'), 90_000);
  expect(banner).toContain('generated a throwaway key pair');
  expect(banner).toContain('buyer@demo.marketplace');
  const databasePort = Number(/FerretDB at mongodb:\/\/127\.0\.0\.1:(\d+)\//.exec(banner)?.[1]);
  expect(databasePort, 'the banner names the FerretDB port').toBeGreaterThan(0);

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
  expect(new Set(statuses)).toEqual(new Set(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED']));
  expect(history.me.orders.edges[0].node.total.amount).toBeGreaterThan(0);

  const admin = await expectData(gateway, 'mutation { login(email: "admin@demo.marketplace", password: "demo-admin-2024") { user { roles } } }');
  expect(admin.login.user.roles).toContain('ADMIN');

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child!.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref());
  const exit = await Promise.race([exited, timeout]);
  expect(exit, everything()).toEqual({ code: 0, signal: null });
  for (const name of PORT_VARS) expect(await portAcceptsConnections(Number(ports[name])), `${name} still open`).toBe(false);
  expect(await portAcceptsConnections(databasePort), 'FerretDB outlived npm start').toBe(false);
});
