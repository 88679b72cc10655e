// Stops an HTTP server without dropping a request a client has already sent.
//
// A drain that ends every connection with no request in progress (as Apollo's drain plugin does)
// also ends a connection it has just accepted whose request bytes are still waiting to be read: the
// client sees its connection hang up on a request it sent before the listener closed. Here the
// listener closes, connections that have served a request and sit idle are closed, a connection
// that has not yet sent its first request gets a short window to send it, and every request in
// progress is answered (with `connection: close`) before its connection ends. After the grace
// period, whatever is left is cut.
import type { Socket } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

export interface DrainOptions {
  /** After this long, connections still open are destroyed. */
  graceMs: number;
  /** How long a connection that has sent no request yet may take to send one once the listener has closed. */
  firstRequestMs?: number;
}

export interface HttpDrain {
  /** Stops accepting, lets accepted requests finish, resolves once every connection has closed. */
  drain(): Promise<void>;
}

interface ConnectionState {
  /** Responses on this connection that have not finished. */
  active: Set<ServerResponse>;
  /** Requests this connection has carried. */
  served: number;
}

const CHECK_EVERY_MS = 20;

/** Tracks `server`'s connections from now on; call before it listens. */
export function trackHttpDrain(server: Server, options: DrainOptions): HttpDrain {
  const firstRequestMs = options.firstRequestMs ?? 1_000;
  const connections = new Map<Socket, ConnectionState>();
  let accepted = 0;
  let draining: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    accepted += 1;
    connections.set(socket, { active: new Set(), served: 0 });
    socket.once('close', () => connections.delete(socket));
  });
  // Prepended, so the header is set before any other listener starts the response.
  server.prependListener('request', (req, res) => {
    const state = connections.get(req.socket);
    if (state) {
      state.active.add(res);
      state.served += 1;
      res.once('close', () => state.active.delete(res));
    }
    // A request that arrives while draining is answered, and its connection ends with it.
    if (draining) res.setHeader('connection', 'close');
  });

  const closeIdle = (now: number, closedAt: number, deadline: number): void => {
    for (const [socket, state] of connections) {
      if (now >= deadline) socket.destroy();
      else if (state.active.size === 0 && (state.served > 0 || now - closedAt >= firstRequestMs)) socket.destroy();
    }
  };

  return {
    drain() {
      draining ??= (async () => {
        // Connections the kernel has queued that this process has not accepted yet would be reset when
        // the listener closes (a busy process can leave them there for hundreds of milliseconds):
        // pass through the event loop's I/O phase, which accepts them, until a pass brings none.
        const acceptUntil = Date.now() + options.graceMs / 2;
        for (let before = -1; before !== accepted && Date.now() < acceptUntil; ) {
          before = accepted;
          await new Promise((resolve) => setImmediate(resolve));
        }
        await new Promise<void>((resolve) => {
          // Stops listening and closes the idle connections that have served a request; the others are ours.
          server.close();
          // Responses not yet started end their connection (the ones on their way already are cut once idle).
          for (const state of connections.values()) for (const res of state.active) if (!res.headersSent) res.setHeader('connection', 'close');
          const closedAt = Date.now();
          const deadline = closedAt + options.graceMs;
          const timer = setInterval(() => {
            closeIdle(Date.now(), closedAt, deadline);
            if (connections.size === 0) {
              clearInterval(timer);
              resolve();
            }
          }, CHECK_EVERY_MS);
        });
      })();
      return draining;
    },
  };
}
