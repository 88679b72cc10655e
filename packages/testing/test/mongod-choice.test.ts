// How the launcher decides to download mongod: by whether the download host answers, never by the
// network's speed. Everything here stays on loopback: closed ports, a silent listener, a small HTTP
// server that plays the download host with a stub archive, and a stub binary.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase } from '../src/database/index.ts';
import { probeDownloadHost, resolveMongodBinary } from '../src/database/mongod.ts';
import { freePort } from '../src/database/free-port.ts';
import { withEnv } from './env.ts';

const PROXY_VARIABLES = ['yarn_https-proxy', 'yarn_proxy', 'npm_config_https-proxy', 'npm_config_proxy', 'https_proxy', 'http_proxy', 'HTTPS_PROXY', 'HTTP_PROXY'];

/** Nothing local, no proxy, downloads allowed, and these overrides. */
function isolated(vars: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...Object.fromEntries(PROXY_VARIABLES.map((name) => [name, undefined])),
    MONGOMS_SYSTEM_BINARY: undefined,
    MONGOMS_DISABLE_DOWNLOAD: undefined,
    MONGOMS_RUNTIME_DOWNLOAD: undefined,
    MONGOMS_DOWNLOAD_MIRROR: undefined,
    MONGOMS_DOWNLOAD_DIR: undefined,
    ...vars,
  };
}
const nothingLocal = async () => undefined;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'mongod-choice-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A shell script posing as mongod, padded past the library's 1 MB "truncated binary" floor. */
function stubMongod(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho "db version v8.2.6"\n# ${'x'.repeat(1_100_000)}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A port nothing listens on: taken from the kernel, then released. */
const closedPort = () => freePort();

describe('the mongod step', () => {
  it('uses MONGOMS_SYSTEM_BINARY as it is, without asking the network', async () => {
    const stub = stubMongod(path.join(scratch, 'system', 'mongod'));
    const requests: string[] = [];
    const host = http.createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.end();
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const { port } = host.address() as net.AddressInfo;
    try {
      const binary = await withEnv(
        isolated({ MONGOMS_SYSTEM_BINARY: stub, MONGOMS_DOWNLOAD_URL: `http://127.0.0.1:${port}/mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz` }),
        () => resolveMongodBinary(() => {}),
      );
      expect(binary).toBe(stub);
      expect(requests).toEqual([]);
    } finally {
      host.close();
    }
  });

  it('gives up at once when the download host refuses connections', async () => {
    const port = await closedPort();
    const started = performance.now();
    const failure = await withEnv(isolated({ MONGOMS_DOWNLOAD_URL: `http://127.0.0.1:${port}/mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz` }), () =>
      resolveMongodBinary(() => {}, { findLocal: nothingLocal }).then(() => undefined, (error: Error) => error),
    );
    expect(failure?.message).toMatch(new RegExp(`download host cannot be reached \\(127\\.0\\.0\\.1:${port}: ECONNREFUSED\\)`));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('gives up after the probe timeout when the host accepts but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = performance.now();
      const failure = await withEnv(isolated({ MONGOMS_DOWNLOAD_URL: `http://127.0.0.1:${port}/mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz` }), () =>
        resolveMongodBinary(() => {}, { findLocal: nothingLocal, probeTimeoutMs: 300 }).then(() => undefined, (error: Error) => error),
      );
      const elapsed = performance.now() - started;
      expect(failure?.message).toMatch(/cannot be reached \(127\.0\.0\.1:\d+ did not answer within 0\.3 s\)/);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('asks a proxy, when one is set, instead of the host', async () => {
    const port = await closedPort();
    const result = await withEnv(isolated({ HTTPS_PROXY: `http://127.0.0.1:${port}` }), () =>
      probeDownloadHost('https://fastdl.mongodb.org/linux/mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz', 1_000),
    );
    expect(result).toEqual({ reachable: false, reason: `127.0.0.1:${port}: ECONNREFUSED` });
  });

  describe('when the download host answers', () => {
    const archiveName = 'mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz';
    let archive: Buffer;
    let server: http.Server;
    let url: string;
    const requests: string[] = [];

    beforeAll(async () => {
      // The layout of MongoDB's archives: <name>/bin/mongod, plus an .md5 next to the archive.
      const root = path.join(scratch, 'archive');
      stubMongod(path.join(root, 'mongodb-linux-x86_64-ubuntu2204-8.2.6', 'bin', 'mongod'));
      const file = path.join(scratch, archiveName);
      const tar = spawnSync('tar', ['-czf', file, '-C', root, 'mongodb-linux-x86_64-ubuntu2204-8.2.6'], { encoding: 'utf8' });
      expect(tar.status, tar.stderr).toBe(0);
      archive = readFileSync(file);
      const md5 = `${createHash('md5').update(archive).digest('hex')}  ${archiveName}\n`;
      server = http.createServer((request, response) => {
        requests.push(`${request.method} ${request.url}`);
        const body = request.url === `/${archiveName}` ? archive : request.url === `/${archiveName}.md5` ? Buffer.from(md5) : undefined;
        if (body === undefined) {
          response.writeHead(403).end();
          return;
        }
        response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/gzip' });
        response.end(request.method === 'HEAD' ? undefined : body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/${archiveName}`;
    });
    afterAll(() => server?.close());

    it('downloads, printing progress with percent and MB, and returns the unpacked mongod', { timeout: 60_000 }, async () => {
      const downloadDir = path.join(scratch, 'downloads');
      const lines: string[] = [];
      const binary = await withEnv(isolated({ MONGOMS_DOWNLOAD_URL: url, MONGOMS_DOWNLOAD_DIR: downloadDir }), () =>
        resolveMongodBinary((line) => lines.push(line), { findLocal: nothingLocal }),
      );
      expect(path.dirname(binary)).toBe(downloadDir);
      expect(readFileSync(binary, 'utf8')).toMatch(/^#!\/bin\/sh\necho "db version v8\.2\.6"/);
      expect(requests.slice(0, 2)).toEqual([`HEAD /${archiveName}`, `GET /${archiveName}`]);
      const size = `${(archive.length / 1024 / 1024).toFixed(1)} MB`;
      expect(lines[0]).toBe(`downloading mongod from ${new URL(url).host} (${size}), once; at most 20 min…`);
      expect(lines).toContainEqual(expect.stringMatching(/^downloading MongoDB 8\.2\.6: 100% \(\d+(\.\d+)? of \d+(\.\d+)? MB\)$/));
    });

    it('fails at once, without downloading, when the host has no archive for this platform', async () => {
      requests.length = 0;
      const missing = url.replace(archiveName, 'mongodb-linux-x86_64-ubuntu2204-9.9.9.tgz');
      const failure = await withEnv(isolated({ MONGOMS_DOWNLOAD_URL: missing }), () =>
        resolveMongodBinary(() => {}, { findLocal: nothingLocal }).then(() => undefined, (error: Error) => error),
      );
      expect(failure?.message).toContain('does not exist (HTTP 403)');
      expect(requests).toEqual(['HEAD /mongodb-linux-x86_64-ubuntu2204-9.9.9.tgz']);
    });
  });

  it('lets startDatabase fall back to FerretDB at once when the host cannot be reached', { timeout: 180_000 }, async () => {
    const port = await closedPort();
    const lines: { at: number; line: string }[] = [];
    const started = performance.now();
    const db = await withEnv(
      isolated({ MONGODB_URI: undefined, MARKETPLACE_DB: undefined, MONGOMS_DOWNLOAD_URL: `http://127.0.0.1:${port}/mongodb-linux-x86_64-ubuntu2204-8.2.6.tgz` }),
      () => startDatabase({ log: (line) => lines.push({ at: performance.now() - started, line }), mongod: { findLocal: nothingLocal } }),
    );
    try {
      expect(db.kind).toBe('ferretdb');
      const fallback = lines.find(({ line }) => line.includes('falling back to FerretDB'));
      expect(fallback?.line).toMatch(/download host cannot be reached .*ECONNREFUSED/);
      expect(fallback!.at).toBeLessThan(2_000);
    } finally {
      await db.stop();
    }
  });
});
