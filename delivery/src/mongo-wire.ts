// A recording proxy for the MongoDB wire protocol: a real client (mongosh) talks to a real server
// through it, and every command it sends is kept. A test may answer some commands itself (those
// the server behind it does not support) and change replies (a standalone that says it is a mongos).
import net from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_COMPRESSED = 2012;
const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;
const MORE_TO_COME = 2;
const HEADER = 16;
/** Int64 values stay Int64 (cursor ids, timestamps); everything else comes back as the client sent it. */
const READ = { promoteLongs: false } as const;

export interface SentCommand {
  /** The database the client ran it on (`$db`, or the OP_QUERY namespace), before any mapping. */
  db: string;
  /** The command's name: its first field. */
  name: string;
  /** The command as sent, document sequences (OP_MSG kind 1) folded in as arrays. */
  command: Document;
  answeredBy: 'server' | 'recorder';
  /** The reply the client received. */
  reply?: Document;
}

export interface WireRecorderOptions {
  /** The real server: a plain TCP address (no TLS). */
  server: { host: string; port: number };
  /** Returns a reply to answer a command here, or undefined to pass it to the server. */
  answer?: (sent: SentCommand) => Document | undefined;
  /** Returns a changed reply, or undefined to pass the server's on untouched. */
  rewriteReply?: (sent: SentCommand | undefined, reply: Document) => Document | undefined;
}

export interface WireRecorder {
  host: string;
  port: number;
  /** Everything clients sent, in order. */
  commands: SentCommand[];
  /** Protocol problems (e.g. compression, which the recorder cannot read). */
  problems: string[];
  stop(): Promise<void>;
}

interface Section {
  kind: 0 | 1;
  /** Kind 0: the document; kind 1: the whole section, copied as it is. */
  bytes: Buffer;
  identifier?: string;
  documents?: Buffer[];
}

function readCString(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  return [buffer.toString('utf8', offset, end), end + 1];
}

function parseMsg(message: Buffer): { flags: number; sections: Section[] } {
  const flags = message.readUInt32LE(HEADER);
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  const sections: Section[] = [];
  for (let offset = HEADER + 4; offset < end; ) {
    const kind = message[offset];
    if (kind === 0) {
      const size = message.readInt32LE(offset + 1);
      sections.push({ kind: 0, bytes: message.subarray(offset + 1, offset + 1 + size) });
      offset += 1 + size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset + 1);
      const sectionEnd = offset + 1 + size;
      const [identifier, first] = readCString(message, offset + 5);
      const documents: Buffer[] = [];
      for (let at = first; at < sectionEnd; at += message.readInt32LE(at)) documents.push(message.subarray(at, at + message.readInt32LE(at)));
      sections.push({ kind: 1, bytes: message.subarray(offset, sectionEnd), identifier, documents });
      offset = sectionEnd;
    } else {
      throw new Error(`OP_MSG section of unknown kind ${kind}`);
    }
  }
  return { flags, sections };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const bytes = Buffer.alloc(HEADER);
  bytes.writeInt32LE(length, 0);
  bytes.writeInt32LE(requestId, 4);
  bytes.writeInt32LE(responseTo, 8);
  bytes.writeInt32LE(opCode, 12);
  return bytes;
}

/** An OP_MSG with `body` as its section 0 and the other sections copied; the checksum is dropped. */
function encodeMsg(requestId: number, responseTo: number, flags: number, body: Document, others: Section[] = []): Buffer {
  const flagBytes = Buffer.alloc(4);
  flagBytes.writeUInt32LE(flags & ~CHECKSUM_PRESENT);
  const parts = [flagBytes, Buffer.from([0]), Buffer.from(BSON.serialize(body)), ...others.map((section) => section.bytes)];
  const length = HEADER + parts.reduce((total, part) => total + part.length, 0);
  return Buffer.concat([header(length, requestId, responseTo, OP_MSG), ...parts]);
}

function firstKey(document: Document): string {
  return Object.keys(document)[0] ?? '';
}

/** Splits a byte stream into whole wire messages. */
function onMessages(socket: net.Socket, handle: (message: Buffer) => void, fail: (error: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    try {
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        handle(pending.subarray(0, length));
        pending = pending.subarray(length);
      }
    } catch (error) {
      fail(error);
    }
  });
}

export async function startWireRecorder(options: WireRecorderOptions): Promise<WireRecorder> {
  const commands: SentCommand[] = [];
  const problems: string[] = [];
  const sockets = new Set<net.Socket>();
  let nextId = 1 << 30;

  const serve = (client: net.Socket): void => {
    const server = net.connect(options.server);
    sockets.add(client);
    sockets.add(server);
    const close = (): void => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    const fail = (error: unknown): void => {
      problems.push(`cannot read a message: ${error instanceof Error ? error.message : String(error)}`);
      close();
    };
    client.on('error', close).on('close', close);
    server.on('error', close).on('close', close);
    /** Requests waiting for the server, by request id; exhaust replies chain on under their own ids. */
    const waiting = new Map<number, SentCommand>();

    onMessages(client, (message) => {
      const requestId = message.readInt32LE(4);
      const opCode = message.readInt32LE(12);
      if (opCode === OP_MSG) {
        const { flags, sections } = parseMsg(message);
        const [body, ...others] = sections;
        if (body?.kind !== 0) throw new Error('OP_MSG without a body section');
        const command = BSON.deserialize(body.bytes, READ);
        for (const section of others) command[section.identifier!] = section.documents!.map((document) => BSON.deserialize(document, READ));
        const sent: SentCommand = { db: String(command.$db), name: firstKey(command), command, answeredBy: 'server' };
        commands.push(sent);
        const reply = options.answer?.(sent);
        if (reply !== undefined) {
          sent.answeredBy = 'recorder';
          sent.reply = reply;
          if (!(flags & MORE_TO_COME)) client.write(encodeMsg(nextId++, requestId, 0, reply));
          return;
        }
        waiting.set(requestId, sent);
        server.write(message);
      } else if (opCode === OP_QUERY) {
        // Legacy framing, used by drivers only for the first hello of a connection.
        const [namespace, after] = readCString(message, HEADER + 4);
        const query = BSON.deserialize(message.subarray(after + 8, after + 8 + message.readInt32LE(after + 8)), READ);
        const command = '$query' in query ? (query.$query as Document) : query;
        const sent: SentCommand = { db: namespace.split('.')[0] ?? '', name: firstKey(command), command, answeredBy: 'server' };
        commands.push(sent);
        waiting.set(requestId, sent);
        server.write(message);
      } else {
        problems.push(opCode === OP_COMPRESSED ? 'the client compressed a message (OP_COMPRESSED), which the recorder cannot read' : `opCode ${opCode} from the client`);
        close();
      }
    }, fail);

    onMessages(server, (message) => {
      const requestId = message.readInt32LE(4);
      const responseTo = message.readInt32LE(8);
      const opCode = message.readInt32LE(12);
      const sent = waiting.get(responseTo);
      waiting.delete(responseTo);
      if (opCode === OP_MSG) {
        const { flags, sections } = parseMsg(message);
        if (sent !== undefined && flags & MORE_TO_COME) waiting.set(requestId, sent);
        const reply = BSON.deserialize(sections[0]!.bytes, READ);
        const rewritten = options.rewriteReply?.(sent, reply);
        if (sent !== undefined) sent.reply = rewritten ?? reply;
        client.write(rewritten === undefined ? message : encodeMsg(requestId, responseTo, flags, rewritten, sections.slice(1)));
      } else if (opCode === OP_REPLY) {
        const count = message.readInt32LE(HEADER + 16);
        const first = HEADER + 20;
        if (count !== 1) {
          client.write(message);
          return;
        }
        const reply = BSON.deserialize(message.subarray(first, first + message.readInt32LE(first)), READ);
        const rewritten = options.rewriteReply?.(sent, reply);
        if (sent !== undefined) sent.reply = rewritten ?? reply;
        if (rewritten === undefined) {
          client.write(message);
          return;
        }
        const document = Buffer.from(BSON.serialize(rewritten));
        const fields = Buffer.from(message.subarray(HEADER, first));
        client.write(Buffer.concat([header(first + document.length, requestId, responseTo, OP_REPLY), fields, document]));
      } else {
        client.write(message);
      }
    }, fail);
  };

  const listener = net.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = listener.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    commands,
    problems,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        listener.close(() => resolve());
      }),
  };
}

/** The host and port of a `mongodb://` URI the recorder can stand in front of: one host, no TLS, no SRV. */
export function plainServerOf(uri: string): { host: string; port: number } | undefined {
  if (!uri.startsWith('mongodb://')) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(uri.replace(/^mongodb:/, 'http:'));
  } catch {
    return undefined; // several hosts
  }
  if ( /^(true|1)$/i.test(parsed.searchParams.get('tls') ?? parsed.searchParams.get('ssl') ?? '')) return undefined;
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 27017) };
}

/** The same URI pointed at the recorder, credentials and options kept. */
export function throughRecorder(uri: string, recorder: Pick<WireRecorder, 'host' | 'port'>): string {
  return uri.replace(/^mongodb:\/\/([^@/]*@)?[^/?]*/, (_whole, credentials: string | undefined) => `mongodb://${credentials ?? ''}${recorder.host}:${recorder.port}`);
}
