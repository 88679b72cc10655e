// Starts a real mongod via mongodb-memory-server-core: a local binary, or a download when the download host answers.
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { DryMongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import { MongoBinaryDownloadUrl } from 'mongodb-memory-server-core/lib/util/MongoBinaryDownloadUrl.js';
import { findOnPath, tail } from './run-command.ts';
import type { Log, MongodOptions, OwnDatabaseHandle } from './types.ts';

/** How long the download host (or the proxy) gets to answer before we fall back to FerretDB. */
const PROBE_TIMEOUT_MS = 5_000;
/**
 * The first download is an archive of about 100 MB: 20 minutes is 1 Mbit/s. The library also gives
 * up on its own after 60 s without a byte, so a stalled connection ends long before this.
 */
const DOWNLOAD_TIMEOUT_MS = 20 * 60_000;
/** The library prints progress every 2 s; one line every 5 s is enough in a log. */
const PROGRESS_EVERY_MS = 5_000;
const PATH_MARKER = 'MARKETPLACE_MONGOD_PATH=';

function envFlag(name: string): boolean | undefined {
  const value = process.env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  return ['1', 'true', 'yes', 'on'].includes(value);
}

function downloadsAllowed(): boolean {
  return envFlag('MONGOMS_DISABLE_DOWNLOAD') !== true && envFlag('MONGOMS_RUNTIME_DOWNLOAD') !== false;
}

function downloadTimeoutMs(options: MongodOptions): number {
  if (options.downloadTimeoutMs !== undefined) return options.downloadTimeoutMs;
  const minutes = Number(process.env.MARKETPLACE_MONGOD_DOWNLOAD_MINUTES);
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : DOWNLOAD_TIMEOUT_MS;
}

/** A mongod that needs no network: MONGOMS_SYSTEM_BINARY, `mongod` on the PATH, or the library's download cache. */
export async function localMongod(): Promise<string | undefined> {
  const fromEnv = process.env.MONGOMS_SYSTEM_BINARY;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const onPath = await findOnPath('mongod');
  if (onPath !== undefined) return onPath;
  return DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
}

/** The proxy mongodb-memory-server downloads through (it reads these variables, in this order). */
function downloadProxy(): string | undefined {
  const names = ['yarn_https-proxy', 'yarn_proxy', 'npm_config_https-proxy', 'npm_config_proxy', 'https_proxy', 'http_proxy', 'HTTPS_PROXY', 'HTTP_PROXY'];
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export type Reachability =
  | { reachable: true; status?: number; bytes?: number; via: string }
  | { reachable: false; reason: string };

function tcpAnswers(host: string, port: number, timeoutMs: number): Promise<Reachability> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: Reachability): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ reachable: false, reason: `${host}:${port} did not answer within ${timeoutMs / 1000} s` }));
    socket.once('connect', () => done({ reachable: true, via: `proxy ${host}:${port}` }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ reachable: false, reason: `${host}:${port}: ${error.code ?? error.message}` }));
  });
}

/**
 * Asks the download host whether it is there: a HEAD request for the archive (any HTTP answer
 * counts), or through a proxy a TCP connection to the proxy. A host name that does not resolve, a
 * refused or unroutable connection, or silence for `timeoutMs` means unreachable.
 */
export function probeDownloadHost(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Reachability> {
  const proxy = downloadProxy();
  if (proxy !== undefined) {
    const parsed = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
    return tcpAnswers(parsed.hostname, Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)), timeoutMs);
  }
  const target = new URL(url);
  const client = target.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Reachability): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    // The library downloads with rejectUnauthorized only when npm_config_strict_ssl=true; probe the same way.
    const request = client.request(target, { method: 'HEAD', rejectUnauthorized: process.env.npm_config_strict_ssl === 'true' }, (response) => {
      response.resume();
      const length = Number(response.headers['content-length']);
      settle({ reachable: true, status: response.statusCode, bytes: Number.isFinite(length) && length > 0 ? length : undefined, via: target.host });
    });
    // A wall-clock bound covers DNS, connect, TLS and the response head alike.
    const timer = setTimeout(() => settle({ reachable: false, reason: `${target.host} did not answer within ${timeoutMs / 1000} s` }), timeoutMs);
    request.once('error', (error: NodeJS.ErrnoException) => settle({ reachable: false, reason: `${target.host}: ${error.code ?? error.message}` }));
    request.end();
  });
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Downloads in a child process: the library cannot cancel a download, so the bound is a kill.
 * Its progress lines ("Downloading MongoDB "8.2.6": 42.1% (44.2mb / 105mb)") become ours.
 */
function download(url: string, bytes: number | undefined, options: MongodOptions, log: Log): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('mongodb-memory-server-core');
  const script = `
    const { DryMongoBinary, MongoBinary } = require(${JSON.stringify(entry)});
    (async () => {
      const options = await DryMongoBinary.generateOptions();
      // An explicit download directory is where the archive goes, even if another cache holds one.
      if (process.env.MONGOMS_DOWNLOAD_DIR) options.downloadDir = process.env.MONGOMS_DOWNLOAD_DIR;
      const binary = await MongoBinary.download(options);
      process.stdout.write('\\n${PATH_MARKER}' + binary + '\\n');
    })().catch((error) => { console.error(String((error && error.message) || error)); process.exit(1); });`;
  const boundMs = downloadTimeoutMs(options);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The library speaks https only unless told otherwise; a plain-http mirror needs this.
  if (new URL(url).protocol === 'http:') env.MONGOMS_USE_HTTP ??= 'true';
  log(`downloading mongod from ${new URL(url).host}${bytes === undefined ? '' : ` (${mb(bytes)})`}, once; at most ${Math.round(boundMs / 60_000)} min…`);

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let binary: string | undefined;
    let stderr = '';
    let lastShown = 0;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(PATH_MARKER)) {
        binary = line.slice(PATH_MARKER.length).trim();
        return;
      }
      const progress = /Downloading MongoDB "([^"]+)": ([\d.]+)% \(([\d.]+)mb \/ ([\d.]+)mb\)/.exec(line);
      if (progress === null) return;
      const [, version, percent, doneMb, totalMb] = progress;
      const now = Date.now();
      if (percent !== '100' && now - lastShown < PROGRESS_EVERY_MS) return;
      lastShown = now;
      log(`downloading MongoDB ${version}: ${percent}% (${doneMb} of ${totalMb} MB)`);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`the mongod download did not finish within ${Math.round(boundMs / 60_000)} min`));
      else if (code === 0 && binary !== undefined && binary !== '') resolve(binary);
      else reject(new Error(`the mongod download failed: ${tail(stderr, 4).replaceAll(/\s+/g, ' ').trim() || `exit ${code}`}`));
    });
  });
}

/** The archive's URL as the library would download it (MONGOMS_DOWNLOAD_URL, MONGOMS_DOWNLOAD_MIRROR, or fastdl.mongodb.org). */
async function downloadUrl(): Promise<string> {
  const options = await DryMongoBinary.generateOptions();
  return new MongoBinaryDownloadUrl(options).getDownloadUrl();
}

/**
 * A mongod binary: a local one, else a download when the download host answers. When it cannot be
 * reached this fails at once, so the caller can fall back without waiting on a dead network.
 */
export async function resolveMongodBinary(log: Log, options: MongodOptions = {}): Promise<string> {
  const local = await (options.findLocal ?? localMongod)();
  if (local !== undefined) return local;
  if (!downloadsAllowed()) {
    throw new Error('no mongod on the PATH or in the mongodb-memory-server cache, and downloads are disabled');
  }
  const url = await downloadUrl();
  const probe = await probeDownloadHost(url, options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
  if (!probe.reachable) throw new Error(`no local mongod, and the MongoDB download host cannot be reached (${probe.reason})`);
  // MongoDB answers 403 for a version and platform it has no archive for.
  if (probe.status === 403 || probe.status === 404) {
    throw new Error(`no local mongod, and ${url} does not exist (HTTP ${probe.status}): no MongoDB archive for this platform and version`);
  }
  return download(url, probe.bytes, options, log);
}

export async function startMongod(log: Log, options: MongodOptions = {}): Promise<OwnDatabaseHandle> {
  const binary = await resolveMongodBinary(log, options);
  const started = Date.now();
  const server = await MongoMemoryServer.create({ binary: { systemBinary: binary } });
  const uri = server.getUri();
  log(`mongod (${binary}) ready at ${uri} in ${Date.now() - started} ms`);
  let stopped: Promise<void> | undefined;
  return {
    uri,
    kind: 'mongod',
    stop: () =>
      (stopped ??= server.stop({ doCleanup: true, force: true }).then(() => undefined)),
  };
}
