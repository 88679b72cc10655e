// The drain over a real node:http server on loopback, driven by raw TCP clients so that when a
// request's bytes arrive is under the test's control.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { trackHttpDrain, type DrainOptions } from '../src/http-drain.ts';

const REQUEST = 'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

/** Five connections that send REQUEST; once all are connected it writes the flag file; prints what each read. */
const QUEUED_CLIENTS = `
const { connect } = require('node:net');
const { writeFileSync } = require('node:fs');
const [port, flag, request] = process.argv.slice(1);
let connected = 0;
const ends = Array.from({ length: 5 }, () => new Promise((resolve) => {
  const socket = connect(Number(port), '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  socket.on('connect', () => { socket.write(request); if (++connected === 5) writeFileSync(flag, ''); });
  socket.on('error', (error) => resolve({ text, how: error.code }));
  socket.on('close', () => resolve({ text, how: 'closed' }));
}));
Promise.all(ends).then((answers) => process.stdout.write(JSON.stringify(answers)));
`;

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server whose handler waits for `hold()` before answering 200 "done". */
async function start(options: DrainOptions, hold: () => Promise<void> = async () => {}) {
  server = createServer((_req, res) => void hold().then(() => res.end('done')));
  const drain = trackHttpDrain(server, options);
  const accepted: Socket[] = [];
  server.on('connection', (socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { drain, accepted, port: (server.address() as AddressInfo).port };
}

/** A raw client: everything it reads until the server ends the connection, and how it ended. */
function client(port: number) {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const ended = new Promise<{ text: string; how: 'closed' | string }>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ text, how: error.code ?? error.message }));
    socket.on('close', () => resolve({ text, how: 'closed' }));
  });
  const connected = once(socket, 'connect').then(() => undefined, () => undefined);
  return { socket, ended, read: () => text, connected };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

describe('trackHttpDrain', () => {
  it('answers a request sent after the listener closed on a connection it had accepted, then closes it', async () => {
    const { drain, accepted, port } = await start({ graceMs: 5_000 });
    const c = client(port);
    await c.connected;
    await until(() => accepted.length === 1);

    const drained = drain.drain();
    await sleep(150);
    c.socket.write(REQUEST);
    const { text, how } = await c.ended;

    expect(how).toBe('closed');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text).toMatch(/done$/);
    await drained;
  });

  it('accepts the connections the kernel has queued before closing the listener, and answers them', async () => {
    const { drain, port } = await start({ graceMs: 5_000 });
    // Another process connects and sends while this one is busy (as a loaded service is): the kernel
    // completes the handshakes and queues the connections, this process accepts none of them yet.
    const flag = path.join(mkdtempSync(path.join(tmpdir(), 'drain-')), 'connected');
    const other = spawn(process.execPath, ['-e', QUEUED_CLIENTS, String(port), flag, REQUEST], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    other.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const busyUntil = Date.now() + 20_000;
    while (!existsSync(flag) && Date.now() < busyUntil);
    expect(existsSync(flag)).toBe(true);
    const drained = drain.drain();

    await once(other, 'exit');
    const answers = JSON.parse(out) as { text: string; how: string }[];
    expect(answers).toHaveLength(5);
    for (const { text, how } of answers) {
      expect(how).toBe('closed');
      expect(text).toMatch(/^HTTP\/1\.1 200 [\s\S]*done$/);
    }
    await drained;
  });

  it('closes idle keep-alive connections at once, refuses new ones, and finishes a request in progress', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    let held = 0;
    const { drain, port } = await start({ graceMs: 5_000 }, () => (holding ? (held++, released) : Promise.resolve()));

    const idle = client(port);
    idle.socket.write(REQUEST);
    await until(() => idle.read().endsWith('done'));
    expect(idle.read().toLowerCase()).toContain('connection: keep-alive');

    holding = true;
    const busy = client(port);
    busy.socket.write(REQUEST);
    await until(() => held === 1);

    let drainedYet = false;
    const drained = drain.drain().then(() => (drainedYet = true));
    expect((await idle.ended).how).toBe('closed');

    const late = client(port);
    expect((await late.ended).how).toBe('ECONNREFUSED');

    await sleep(100);
    expect(busy.read()).toBe('');
    expect(drainedYet).toBe(false);
    release();
    const answer = await busy.ended;
    expect(answer.text).toMatch(/^HTTP\/1\.1 200 [\s\S]*done$/);
    expect(answer.text.toLowerCase()).toContain('connection: close');
    await drained;
  });

  it('closes a connection that sends nothing within its first-request window', async () => {
    const { drain, accepted, port } = await start({ graceMs: 5_000, firstRequestMs: 100 });
    const silent = client(port);
    await silent.connected;
    await until(() => accepted.length === 1);
    const startedAt = Date.now();
    await drain.drain();
    expect((await silent.ended).how).toBe('closed');
    expect(Date.now() - startedAt).toBeLessThan(4_000);
  });

  it('resolves at once when no connection is open', async () => {
    const { drain } = await start({ graceMs: 5_000 });
    await drain.drain();
    expect(server!.listening).toBe(false);
  });

  it('cuts a request still running when the grace period ends', async () => {
    const { drain, port } = await start({ graceMs: 200 }, () => new Promise(() => {}));
    const stuck = client(port);
    stuck.socket.write(REQUEST);
    await sleep(50);
    await drain.drain();
    const { text } = await stuck.ended;
    expect(text).toBe('');
  });
});
