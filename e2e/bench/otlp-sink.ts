// A stand-in for an OpenTelemetry collector: accepts OTLP/HTTP protobuf span exports on POST /v1/traces,
// counts requests, bytes and spans, and answers 200 with an empty ExportTraceServiceResponse.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpSink {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: http://127.0.0.1:<port> */
  endpoint: string;
  readonly received: { requests: number; bytes: number; spans: number; undecodable: number };
  stop(): Promise<void>;
}

/** Reads a varint at `at`; returns the value and the offset after it. */
function varint(buffer: Buffer, at: number): [number, number] {
  let value = 0;
  let factor = 1;
  for (;;) {
    if (at >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[at++]!;
    value += (byte & 0x7f) * factor;
    if (byte < 0x80) return [value, at];
    factor *= 128;
  }
}

/** Calls `visit` with each length-delimited field numbered `field` of the message in `buffer`, skipping the others. */
function eachField(buffer: Buffer, field: number, visit: (body: Buffer) => void): void {
  let at = 0;
  while (at < buffer.length) {
    const [key, next] = varint(buffer, at);
    at = next;
    const wireType = key & 7;
    if (wireType === 0) at = varint(buffer, at)[1];
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const [length, start] = varint(buffer, at);
      if (start + length > buffer.length) throw new Error('truncated field');
      if (Math.floor(key / 8) === field) visit(buffer.subarray(start, start + length));
      at = start + length;
    } else throw new Error(`wire type ${wireType}`);
  }
}

/** The spans in an ExportTraceServiceRequest: resource_spans (1) > scope_spans (2) > spans (2). */
export function countSpans(request: Buffer): number {
  let spans = 0;
  eachField(request, 1, (resourceSpans) => eachField(resourceSpans, 2, (scopeSpans) => eachField(scopeSpans, 2, () => spans++)));
  return spans;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const received = { requests: 0, bytes: 0, spans: 0, undecodable: 0 };
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?', 1)[0] !== '/v1/traces') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.requests++;
      received.bytes += body.length;
      try {
        received.spans += countSpans(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body);
      } catch {
        received.undecodable++;
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' }).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
