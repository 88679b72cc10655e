// The four mains (users, products, orders, router) as child processes for a bench script, set up as
// e2e/harness/supergraph-processes.ts sets them up (that file needs vitest; a bench runs without it).
// BENCH_SERVICES_ROOT names another checkout (a git worktree of an older commit, with its own
// node_modules) to start the four mains from, so one bench measures before and after a change.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { freePort } from '@marketplace/testing';

/** The checkout the services are started from: this one, or BENCH_SERVICES_ROOT. */
export const SERVICES_ROOT = path.resolve(process.env.BENCH_SERVICES_ROOT?.trim() || path.resolve(import.meta.dirname, '../..'));
const ENTRIES = {
  users: 'subgraphs/users/src/main.ts',
  products: 'subgraphs/products/src/main.ts',
  orders: 'subgraphs/orders/src/main.ts',
  router: 'router/src/main.ts',
} as const;
export type Service = keyof typeof ENTRIES;
export const SERVICES: readonly Service[] = ['users', 'products', 'orders', 'router'];
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const MAX_LOG_CHARS = 256 * 1024;

export type Settings = Record<string, string | undefined>;

export interface RunningChild {
  pid: number;
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** What it wrote to stdout and stderr, the newest part. */
  output(): string;
  alive(): boolean;
}

export interface RunningService extends RunningChild {
  service: Service;
}

export interface SupergraphSet {
  label: string;
  /** The router's /graphql URL. */
  url: string;
  services: Record<Service, RunningService>;
  databases: { users: string; products: string; orders: string };
  stop(): Promise<void>;
}

/** Every child of this process, SIGKILLed should it exit without stopping them. */
const live = new Set<ChildProcess>();
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
process.on('exit', () => live.forEach((child) => isRunning(child) && child.kill('SIGKILL')));

/** SIGKILLs every child still running (for a signal handler: synchronous, no draining). */
export function killAllChildren(): void {
  live.forEach((child) => isRunning(child) && child.kill('SIGKILL'));
}

/**
 * On SIGINT or SIGTERM (once): says what it kills, kills every child started here, runs `cleanup`
 * (the load generator, scratch files), and exits 130. The database server is killed by
 * @marketplace/testing's exit hook.
 */
export function killChildrenOnInterrupt(what: string, cleanup: () => void): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: killing ${what}`);
      killAllChildren();
      cleanup();
      process.exit(130);
    });
  }
}

/** Ports handed out in this process: the kernel may give one back once its probe closed. */
const taken = new Set<number>();
export async function uniquePort(): Promise<number> {
  let port = await freePort();
  while (taken.has(port)) port = await freePort();
  taken.add(port);
  return port;
}


/** Clock ticks per second, the unit of the CPU times in /proc. */
export const clockTicks = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** The machine's CPU time so far, what of it was busy, and the part the hypervisor gave to other guests (steal), in ticks. */
export function machineTicks(): { all: number; busy: number; steal: number } {
  // user nice system idle iowait irq softirq steal
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const all = fields.reduce((sum, value) => sum + value, 0);
  const [idle = 0, iowait = 0, steal = 0] = [fields[3], fields[4], fields[7]];
  return { all, busy: all - idle - iowait - steal, steal };
}
/** utime + stime of a process, in clock ticks (every thread of it: the GC's and libuv's too). */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Resident memory of a process in bytes. */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const readiness = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.status, () => 0);

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The environment of a child: this process's without telemetry, NODE_ENV or anything `env` leaves undefined, with `env` over it. */
function childEnv(env: Settings): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_') && name !== 'METRICS_PORT' && name !== 'NODE_ENV'),
  );
  const merged: NodeJS.ProcessEnv = { ...inherited, HOST: '127.0.0.1', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * With BENCH_CPU_PROFILE_DIR set, each child writes a V8 CPU profile there when it exits
 * (`<label>.<pid>.cpuprofile`; open it in Chrome's DevTools or speedscope).
 */
function profiling(label: string): string[] {
  const dir = process.env.BENCH_CPU_PROFILE_DIR?.trim();
  if (!dir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`, `--cpu-prof-name=${label.replace(/[^\w.-]+/g, '-')}.\${pid}.cpuprofile`];
}

export interface StartedChild {
  running: RunningChild;
  child: ChildProcess;
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

/**
 * Starts `node <entry>` with `env` (over this process's, as for the services) and waits until
 * `ready(port)` holds, by default until GET /readyz on `port` answers 200.
 */
export async function startChild(options: { label: string; entry: string; port: number; env: Settings; cwd?: string; ready?: (port: number) => Promise<boolean> }): Promise<StartedChild> {
  const { label, port } = options;
  const ready = options.ready ?? (async (p: number) => (await readiness(p)) === 200);
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > MAX_LOG_CHARS) log = log.slice(log.length - MAX_LOG_CHARS / 2);
  };
  const child = spawn(process.execPath, [...profiling(label), options.entry], {
    cwd: options.cwd ?? SERVICES_ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const stop = async () => {
    if (!isRunning(child)) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!isRunning(child)) throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail(log, 40)}`);
    if (await ready(port).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${label} not ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail(log, 40)}`);
    }
    await sleep(100);
  }
  return { running: { pid: child.pid!, port, origin: `http://127.0.0.1:${port}`, output: () => log, alive: () => isRunning(child) }, child, exited, stop };
}

async function launch(label: string, service: Service, port: number, env: Settings): Promise<{ running: RunningService; child: ChildProcess; exited: Promise<void> }> {
  const started = await startChild({
    label: `${label} ${service}`,
    entry: path.join(SERVICES_ROOT, ENTRIES[service]),
    port,
    env: { ...env, [`${service.toUpperCase()}_PORT`]: String(port) },
  });
  return { running: { ...started.running, service }, child: started.child, exited: started.exited };
}

/**
 * Starts users, products, orders, then the router (ready only once the three are), each on a free loopback
 * port with its own database on `mongoUri` named after `tag`. `settings(service)` adds each one's own variables.
 */
export async function startSupergraphSet(options: { label: string; tag: string; mongoUri: string; settings: (service: Service) => Settings }): Promise<SupergraphSet> {
  const { label, tag, mongoUri } = options;
  const databases = { users: `${tag}_users`, products: `${tag}_products`, orders: `${tag}_orders` };
  const [userPair, servicePair] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
  const ports = {} as Record<Service, number>;
  for (const service of SERVICES) ports[service] = await uniquePort();
  const urlOf = (service: Service) => `http://127.0.0.1:${ports[service]}/graphql`;
  const database = (service: keyof typeof databases): Settings => ({ MONGODB_URI: mongoUri, [`${service.toUpperCase()}_DB`]: databases[service] });
  const fixed: Record<Service, Settings> = {
    users: { ...database('users'), AUTH_SECRET_KEY: userPair.secretKey },
    products: { ...database('products'), AUTH_PUBLIC_KEYS: userPair.publicKey, SERVICE_PUBLIC_KEYS: servicePair.publicKey },
    orders: { ...database('orders'), AUTH_PUBLIC_KEYS: userPair.publicKey, SERVICE_SECRET_KEY: servicePair.secretKey, PRODUCTS_URL: urlOf('products') },
    router: { AUTH_PUBLIC_KEYS: userPair.publicKey, USERS_URL: urlOf('users'), PRODUCTS_URL: urlOf('products'), ORDERS_URL: urlOf('orders') },
  };
  const started: { running: RunningService; child: ChildProcess; exited: Promise<void> }[] = [];
  const stop = async () => {
    // Router first, as a deployment would drain it; SIGKILL whatever has not exited in time.
    for (const { child, exited } of [...started].reverse()) {
      if (!isRunning(child)) continue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => isRunning(child) && child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    for (const service of SERVICES) started.push(await launch(label, service, ports[service], { ...options.settings(service), ...fixed[service] }));
  } catch (error) {
    await stop();
    throw error;
  }
  const services = Object.fromEntries(started.map(({ running }) => [running.service, running])) as Record<Service, RunningService>;
  return { label, url: urlOf('router'), services, databases, stop };
}

/** Direct children of this process whose pids are not `known`: the database server, when this process started one. */
export function otherChildren(known: ReadonlySet<number>): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || known.has(Number(entry))) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Throws, with the last lines it wrote, if a service of `set` is no longer running. */
export function assertRunning(set: SupergraphSet): void {
  for (const service of Object.values(set.services)) {
    if (!service.alive()) throw new Error(`${set.label} ${service.service} (pid ${service.pid}) exited:\n${tail(service.output(), 40)}`);
  }
}
