// SIGTERM drains: a service under a trickle of requests stops accepting, finishes what it accepted
// and exits 0; no accepted request fails and nothing it acknowledged is lost.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { freePort } from '@marketplace/testing';

const root = path.resolve(import.meta.dirname, '../..');

type Outcome = { kind: 'ok'; email: string } | { kind: 'refused' } | { kind: 'failed'; why: string };

/** One request on a fresh connection, so "accepted" means the server took this very connection. */
function registerOnce(port: number, email: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let connected = false;
    const body = JSON.stringify({
      query: 'mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }',
      variables: { input: { email, password: 'Drain-test-pass-1', name: 'Drain' } },
    });
    const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        const ok = res.statusCode === 200 && JSON.parse(text).data?.register?.user?.id;
        resolve(ok ? { kind: 'ok', email } : { kind: 'failed', why: `${res.statusCode}: ${text}` });
      });
    });
    req.on('socket', (socket) => socket.on('connect', () => (connected = true)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve(!connected && error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'failed', why: `${error.code}: ${error.message}` });
    });
    req.end(body);
  });
}

const DRAIN_DELAY_MS = 800;
/** The trickle's rate: one request every so often. Not a wait for anything; every wait below polls its condition. */
const TRICKLE_EVERY_MS = 15;
const pace = () => new Promise((r) => setTimeout(r, TRICKLE_EVERY_MS));

async function readiness(port: number): Promise<number | 'refused'> {
  return fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status, () => 'refused' as const);
}

describe('graceful shutdown', () => {
  it('reports not-ready, finishes every accepted request, then refuses new ones, closes the database and exits 0', async () => {
    const port = await freePort();
    const database = `drain_${Date.now()}`;
    const { secretKey } = await generatePaserkKeyPair();
    const child = spawn(process.execPath, [path.join(root, 'subgraphs/users/src/main.ts')], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        MONGODB_URI: inject('mongoUri'),
        USERS_DB: database,
        USERS_PORT: String(port),
        AUTH_SECRET_KEY: secretKey,
        SHUTDOWN_DELAY_MS: String(DRAIN_DELAY_MS),
        // The trickle below registers dozens of accounts from one address: a drain test, not a throttle one.
        RATE_LIMIT_REGISTER_PER_HOUR: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A failed check must not leave the service running.
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    await vi.waitFor(async () => expect(await readiness(port)).toBe(200), { timeout: 15_000, interval: 50 });

    // A trickle of writes (each hashes a password, so several are in flight at any time) that
    // goes on until just before the service stops listening: requests sent later could meet the
    // closing listener, which is the load balancer's business, not the drain's.
    const pending: Promise<Outcome>[] = [];
    let signalledAt = Infinity;
    const trickle = (async () => {
      for (let i = 0; Date.now() < signalledAt + DRAIN_DELAY_MS - 100; i++) {
        pending.push(registerOnce(port, `drain-${i}@example.com`));
        if (i === 20) {
          child.kill('SIGTERM');
          signalledAt = Date.now();
        }
        await pace();
      }
    })();

    // Not ready soon after the signal, while it still serves: polled until it says so.
    await vi.waitFor(() => expect(signalledAt).toBeLessThan(Infinity), { timeout: 10_000, interval: 5 });
    await vi.waitFor(async () => expect(await readiness(port)).toBe(503), { timeout: DRAIN_DELAY_MS - 200, interval: 10 });
    const sentBeforeNotReady = pending.length;
    await trickle;
    const outcomes = await Promise.all(pending);

    expect(outcomes.filter((o) => o.kind !== 'ok')).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(40);
    // Requests kept coming (and were served) after it reported not-ready.
    expect(outcomes.length - sentBeforeNotReady).toBeGreaterThan(5);

    // Then it stops listening: polled until a connection is refused, and refused it stays.
    await vi.waitFor(async () => expect(await readiness(port)).toBe('refused'), { timeout: 15_000, interval: 20 });
    expect(await registerOnce(port, 'too-late@example.com')).toEqual({ kind: 'refused' });
    expect(await exited).toBe(0);

    const client = await MongoClient.connect(inject('mongoUri'));
    try {
      const stored = await client.db(database).collection('users').find({}, { projection: { email: 1 } }).toArray();
      const acknowledged = outcomes.map((o) => (o.kind === 'ok' ? o.email : ''));
      expect(new Set(stored.map((u) => u.email))).toEqual(new Set(acknowledged));
      await client.db(database).dropDatabase();
    } finally {
      await client.close();
    }
  }, 60_000);
});
