// Container images: each Dockerfile's shape, and a rehearsal of its build that installs, starts and stops the service with no engine.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { dockerignoreMatcher, execForm, parseDockerfile, stageEnv, type Dockerfile } from '../src/images-dockerfile.ts';
import { rehearseBuild, type RehearsedImage } from '../src/images-rehearsal.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const nodeDir = path.dirname(process.execPath);

const SERVICES = [
  { name: 'users', dir: 'subgraphs/users', subgraph: true },
  { name: 'products', dir: 'subgraphs/products', subgraph: true },
  { name: 'orders', dir: 'subgraphs/orders', subgraph: true },
  { name: 'router', dir: 'router', subgraph: false },
] as const;
type Service = (typeof SERVICES)[number];

/**
 * Tools the repository uses to build, test and lint; none of them may reach an image. (@types/node may: protobufjs
 * and @types/node-fetch, under the gateway, list it as a dependency. It is declarations only.)
 */
const DEV_TOOLS = ['vitest', 'turbo', 'eslint', 'typescript', 'typescript-eslint', 'node', '@graphql-codegen/cli', 'mongodb-memory-server-core', '@marketplace/testing'];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const dockerfileOf = (service: Service): Dockerfile => parseDockerfile(readFileSync(path.join(repoRoot, service.dir, 'Dockerfile'), 'utf8'));

/** The workspaces a service needs at run time: itself and its `dependencies` on other workspaces, transitively. */
function runtimeWorkspaces(service: Service): string[] {
  const dirs = new Map<string, string>();
  for (const [key, entry] of Object.entries<any>(readJson(path.join(repoRoot, 'package-lock.json')).packages)) {
    if (entry.link && key.startsWith('node_modules/')) dirs.set(key.slice('node_modules/'.length), entry.resolved);
  }
  const found = new Set<string>([`@marketplace/${service.name}`]);
  for (const name of found) {
    const manifest = readJson(path.join(repoRoot, dirs.get(name)!, 'package.json'));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) if (dirs.has(dependency)) found.add(dependency);
  }
  return [...found].map((name) => dirs.get(name)!).sort();
}

/** Lockfile-style keys (node_modules/a, node_modules/@s/b, node_modules/a/node_modules/c) of what is installed. */
function installedPackages(appDir: string, under = 'node_modules'): string[] {
  const dir = path.join(appDir, under);
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(path.join(dir, entry)).map((scoped) => `${entry}/${scoped}`) : [entry];
    for (const name of names) {
      const key = `${under}/${name}`;
      found.push(key);
      if (!lstatSync(path.join(appDir, key)).isSymbolicLink()) found.push(...installedPackages(appDir, `${key}/node_modules`));
    }
  }
  return found;
}

function sizeOf(target: string): number {
  const stat = lstatSync(target);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(target).reduce((total, entry) => total + sizeOf(path.join(target, entry)), 0);
}

/** Paths under a directory created or modified after a moment (a new file also touches its directory). */
function changedSince(target: string, sinceMs: number, base = target): string[] {
  const stat = lstatSync(target);
  const here = stat.mtimeMs > sinceMs ? [path.relative(base, target) || '.'] : [];
  if (!stat.isDirectory()) return here;
  return [...here, ...readdirSync(target).flatMap((entry) => changedSince(path.join(target, entry), sinceMs, base))];
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;


/**
 * What a RUN step sees: Node 24 first on the PATH, npm's registry, proxy and CA settings, and nothing from
 * the repository's own install (no node_modules/.bin), like a clean build container. npm prefers its cache:
 * the lockfile pins every version and integrity, so this changes nothing installed, but a warm run does
 * not wait on the registry, whose retries take minutes where it is unreachable.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: [nodeDir, ...(process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '' && !dir.includes('node_modules'))].join(path.delimiter),
    HOME: process.env.HOME ?? os.homedir(),
    npm_config_prefer_offline: 'true',
  };
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_config_(registry|cache|cafile|strict_ssl|userconfig|.*proxy)|https?_proxy|no_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|TMPDIR)$/i.test(key)) env[key] = value;
  }
  return env;
}

/** Runs a module snippet with the image's node_modules, from its WORKDIR, and returns what it prints. */
async function runInImage(image: RehearsedImage, code: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: image.hostPath(image.workdir),
    env: { PATH: nodeDir, ...env },
  });
  return stdout;
}

/** The first HTTP status the service answers with, polled until it answers; fails at once if it exits first. */
async function waitForStatus(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<number> {
  const outcome = await vi
    .waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return { exited: child.exitCode ?? child.signalCode };
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        return { status: response.status };
      },
      { timeout: timeoutMs, interval: 100 },
    )
    .catch((error: unknown) => {
      throw new Error(`no answer from ${url} within ${timeoutMs} ms (${error instanceof Error ? error.message : String(error)}):\n${output()}`);
    });
  if ('exited' in outcome) throw new Error(`the service exited with ${outcome.exited} before answering:\n${output()}`);
  return outcome.status;
}

function exitOf(child: ChildProcess, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after SIGTERM`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe('Dockerfiles', () => {
  it.each(SERVICES)('$name: node:24-slim, multi-stage, production env, non-root, exec-form CMD, no HEALTHCHECK', (service) => {
    const dockerfile = dockerfileOf(service);
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of dockerfile.stages) expect(stage.image).toBe('node:24-slim');
    expect(dockerfile.instructions.map((i) => i.keyword)).not.toContain('HEALTHCHECK');

    const final = dockerfile.stages.at(-1)!;
    const last = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword).at(-1);
    expect(last('USER')?.args).toBe('node');
    expect(stageEnv(final)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(execForm(last('CMD')!)).toEqual(['node', `/app/${service.dir}/src/main.ts`]);
    expect(last('EXPOSE')?.args).toMatch(/^\d+$/);

    // turbo reports usage to its vendor by default; a build should reach the npm registry only.
    expect(stageEnv(dockerfile.stages[0]!)).toMatchObject({ TURBO_TELEMETRY_DISABLED: '1' });

    const runs = dockerfile.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((run) => run.includes(`prune @marketplace/${service.name} --docker --production`))).toBe(true);
    expect(runs.some((run) => /\bnpm ci --omit=dev\b/.test(run))).toBe(true);
    expect(runs.join('\n')).not.toMatch(/npm (install|i)\b/);
  });

  it('the router image carries the checked-in supergraph where the router reads it', () => {
    const copies = dockerfileOf(SERVICES[3]).instructions.filter((i) => i.keyword === 'COPY' && !i.flags.from);
    expect(copies.map((i) => i.args)).toContain('schema/supergraph.graphql schema/');
  });

  it('.dockerignore keeps installs, caches, history and secrets out of the build context', () => {
    const ignored = dockerignoreMatcher(readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8'));
    for (const file of ['node_modules/vitest/package.json', 'subgraphs/users/node_modules/x', '.git/HEAD', '.cache/bin/ferretdb', '.turbo/cookies', 'coverage/index.html', '.env', 'router/.env.local', 'subgraphs/users/test/accounts.test.ts', '.gitignore']) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of ['package.json', 'package-lock.json', 'turbo.json', 'schema/supergraph.graphql', 'subgraphs/users/src/main.ts', 'packages/testing/package.json', 'scripts/images/fix-production-prune.ts']) {
      expect(ignored(file), file).toBe(false);
    }
  });

  it.each(SERVICES)('$name: its image script builds through scripts/images.ts', (service) => {
    const script: string = readJson(path.join(repoRoot, service.dir, 'package.json')).scripts.image;
    expect(script).toMatch(new RegExp(`^node (\\.\\./)+scripts/images\\.ts ${service.name}$`));
  });
});

describe('scripts/images.ts', () => {
  const script = path.join(repoRoot, 'scripts/images.ts');

  it('tags <REGISTRY>/marketplace-<service> with the commit and the version, from the repository root', () => {
    const result = spawnSync(process.execPath, [script, 'orders', '--dry-run'], { encoding: 'utf8', env: { PATH: nodeDir, REGISTRY: 'registry.example.com/shop', GIT_SHA: '0123456789ab' } });
    expect(result.status).toBe(0);
    const version = readJson(path.join(repoRoot, 'subgraphs/orders/package.json')).version;
    expect(result.stdout.trim().split(' ')).toEqual(
      expect.arrayContaining(['build', '-f', 'subgraphs/orders/Dockerfile', 'registry.example.com/shop/marketplace-orders:0123456789ab', `registry.example.com/shop/marketplace-orders:${version}`]),
    );
    expect(result.stdout.trim().endsWith(' .')).toBe(true);
  });

  it('skips with a clear message, and success, where no container engine can build', () => {
    const result = spawnSync(process.execPath, [script, 'users'], { encoding: 'utf8', env: { PATH: nodeDir, GIT_SHA: 'abc' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/no container engine can build here, so the users image is skipped/);
    expect(result.stdout).toMatch(/docker: not installed/);
  });

  it('refuses an unknown service', () => {
    expect(spawnSync(process.execPath, [script, 'payments'], { encoding: 'utf8', env: { PATH: nodeDir } }).status).toBe(2);
  });
});

describe('rehearsed builds: prune, install production dependencies, start, stop', () => {
  let database: DatabaseHandle;
  let scratch: string;
  const report: string[] = [];

  beforeAll(async () => {
    database = await startDatabase();
    // Outside the repository, and with no node_modules above it, so the service can only use what its image installed.
    scratch = mkdtempSync(path.join(os.tmpdir(), 'marketplace-images-'));
    for (let dir = scratch; dir !== path.dirname(dir); dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules would leak packages into the rehearsal`).toBe(false);
    }
  });

  afterAll(async () => {
    await database?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    if (report.length > 0) process.stderr.write(`\nimage rehearsal:\n${report.map((line) => `  ${line}`).join('\n')}\n`);
  });

  it.each(SERVICES)(
    '$name',
    async (service) => {
      const workDir = path.join(scratch, service.name);
      const image = await rehearseBuild({
        dockerfile: path.join(repoRoot, service.dir, 'Dockerfile'),
        context: repoRoot,
        workDir,
        env: buildEnv(),
        log: (line) => process.stderr.write(`[${service.name}] ${line}\n`),
      });

      // Only this service and the workspaces it needs at run time; no other service, no tests' launcher.
      const app = image.hostPath(image.workdir);
      expect(image.workdir).toBe('/app');
      const workspaceDirs = readJson(path.join(app, 'package.json')).workspaces.slice().sort();
      expect(workspaceDirs).toEqual(runtimeWorkspaces(service));
      expect(readdirSync(path.join(app, 'node_modules/@marketplace')).map((name) => `@marketplace/${name}`).sort()).toEqual(
        workspaceDirs.map((dir: string) => readJson(path.join(app, dir, 'package.json')).name).sort(),
      );
      const groups = [...new Set<string>(workspaceDirs.map((dir: string) => dir.split('/')[0]))];
      expect(readdirSync(app).sort()).toEqual(
        ['node_modules', 'package.json', 'package-lock.json', 'turbo.json', ...groups, ...(service.name === 'router' ? ['schema'] : [])].sort(),
      );
      for (const group of groups.filter((entry) => entry !== service.dir)) {
        expect(readdirSync(path.join(app, group)).map((entry) => `${group}/${entry}`).sort()).toEqual(workspaceDirs.filter((dir: string) => dir.startsWith(`${group}/`)));
      }
      for (const dir of workspaceDirs) expect(readdirSync(path.join(app, dir)), dir).not.toContain('test');
      expect(existsSync(path.join(app, 'schema/supergraph.graphql'))).toBe(service.name === 'router');

      // Production dependencies only: nothing npm marks as dev, and none of the repository's tools.
      const lock = readJson(path.join(app, 'package-lock.json')).packages;
      const installed = installedPackages(app);
      const devOnly = installed.filter((key) => !lock[key] || lock[key].dev);
      expect(devOnly).toEqual([]);
      const names = new Set(installed.map((key) => key.split('node_modules/').at(-1)!));
      expect(DEV_TOOLS.filter((tool) => names.has(tool))).toEqual([]);
      expect(readdirSync(path.join(app, 'node_modules/.bin')).filter((bin) => ['node', 'turbo', 'vitest', 'eslint', 'tsc', 'graphql-codegen'].includes(bin))).toEqual([]);

      // Keys and the port come from the image's own packages, which also proves they resolve there.
      const probe = JSON.parse(
        await runInImage(
          image,
          `const { generatePaserkKeyPair } = await import('@marketplace/auth');
           const { SERVICE_DEFAULTS } = await import('@marketplace/service-kit');
           const [users, services] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
           process.stdout.write(JSON.stringify({ port: SERVICE_DEFAULTS['${service.name}'].port, users, services }));`,
        ),
      );
      expect(image.expose).toEqual([String(probe.port)]);

      const [command, ...args] = image.cmd;
      expect(command).toBe('node');
      const port = await freePort();
      const prefix = service.name.toUpperCase();
      const databaseName = `images_${service.name}_${process.pid}_${Date.now()}`;
      const env: Record<string, string> = {
        ...image.env,
        PATH: nodeDir,
        HOME: path.join(workDir, 'home'),
        [`${prefix}_PORT`]: String(port),
        AUTH_SECRET_KEY: probe.users.secretKey,
        AUTH_PUBLIC_KEYS: probe.users.publicKey,
        SERVICE_SECRET_KEY: probe.services.secretKey,
        SERVICE_PUBLIC_KEYS: probe.services.publicKey,
        ...(service.subgraph ? { MONGODB_URI: database.uri, [`${prefix}_DB`]: databaseName } : {}),
        // In production orders needs a real payment provider; starting does not call it, so a port nothing listens on will do.
        ...(service.name === 'orders' ? { PAYMENT_PROVIDER: 'http', PAYMENT_SERVICE_URL: `http://127.0.0.1:${await freePort()}` } : {}),
        // As the chart sets it: a production router runs only manifest documents otherwise, and none are mounted here.
        ...(service.name === 'router' ? { PERSISTED_DOCUMENTS_MODE: 'allow' } : {}),
      };
      const startedAt = Date.now();
      const started = performance.now();
      const child = spawn(process.execPath, args.map((arg) => (arg.startsWith('/') ? image.hostPath(arg) : arg)), {
        cwd: app,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        expect(await waitForStatus(`http://127.0.0.1:${port}/healthz`, child, () => output)).toBe(200);
        const startMs = Math.round(performance.now() - started);
        // A subgraph is ready once its database answers; the router's readiness waits on subgraphs that are not running here.
        if (service.subgraph) expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, child, () => output)).toBe(200);
        expect(output).toContain(`${service.name} ready`);
        // The image's NODE_ENV reaches the service: introspection is off in production.
        const introspection: any = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
          body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
        }).then((response) => response.json());
        expect(introspection.errors?.[0]?.message ?? '').toMatch(/introspection/i);

        child.kill('SIGTERM');
        expect(await exitOf(child)).toEqual({ code: 0, signal: null });
        // The chart mounts the root filesystem read-only; the service must not need to write under /app.
        expect(changedSince(app, startedAt)).toEqual([]);

        const step = (stage: string, pattern: RegExp) => image.steps.filter((s) => s.stage === stage && pattern.test(s.step)).reduce((ms, s) => ms + s.ms, 0);
        report.push(
          `${service.name.padEnd(8)} prune ${step('prune', /^RUN /)} ms, npm ci ${step('install', /npm ci/)} ms, start ${startMs} ms; ` +
            `${installed.length} packages, node_modules ${mb(sizeOf(path.join(app, 'node_modules')))}, /app ${mb(sizeOf(app))}`,
        );
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (service.subgraph && database.kind === 'external') {
          await runInImage(
            image,
            `const { MongoClient } = await import('mongodb');
             const client = new MongoClient(process.env.MONGODB_URI);
             await client.db('${databaseName}').dropDatabase();
             await client.close();`,
            { MONGODB_URI: database.uri },
          ).catch(() => undefined);
        }
        rmSync(workDir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
