// The tracing backend the e2e tests read spans from: a real Jaeger v2 takes an OTLP/HTTP export and gives the trace back.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJaeger, type Jaeger } from '@marketplace/testing';

let jaeger: Jaeger;
// Long enough for a cold build of Jaeger when the global setup has not built it yet.
beforeAll(async () => {
  jaeger = await startJaeger();
}, 20 * 60_000);
afterAll(() => jaeger?.stop());

const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

it('stores an OTLP/HTTP export and answers with the spans, their parent link and the service', async () => {
  const service = `jaeger-smoke-${randomBytes(4).toString('hex')}`;
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  const childId = randomBytes(8).toString('hex');
  const start = Date.now() - 1000;
  const response = await fetch(`${jaeger.otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'deployment.environment.name', value: { stringValue: 'test' } }] },
        scopeSpans: [{
          scope: { name: 'jaeger-smoke' },
          spans: [
            { traceId, spanId: parentId, name: 'GET /parent', kind: 2, startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(start + 50), attributes: [{ key: 'http.response.status_code', value: { intValue: '200' } }] },
            { traceId, spanId: childId, parentSpanId: parentId, name: 'child work', kind: 3, startTimeUnixNano: nanos(start + 10), endTimeUnixNano: nanos(start + 30), attributes: [{ key: 'db.system.name', value: { stringValue: 'mongodb' } }], status: { code: 2, message: 'boom' } },
          ],
        }],
      }],
    }),
  });
  expect(response.status).toBe(200);

  const trace = await jaeger.waitForTrace(traceId, (t) => t.spans.length >= 2, 10_000);
  expect(trace.traceId).toBe(traceId);
  expect(trace.spans).toHaveLength(2);
  const parent = trace.spans.find((span) => span.spanId === parentId);
  const child = trace.spans.find((span) => span.spanId === childId);
  expect(parent).toMatchObject({ operationName: 'GET /parent', serviceName: service, parentSpanId: undefined, duration: 50_000, startTime: start * 1000 });
  expect(parent?.tags).toMatchObject({ 'span.kind': 'server', 'http.response.status_code': 200 });
  expect(parent?.processTags).toMatchObject({ 'deployment.environment.name': 'test' });
  expect(child).toMatchObject({ operationName: 'child work', serviceName: service, parentSpanId: parentId, duration: 20_000, traceId });
  expect(child?.tags).toMatchObject({ 'span.kind': 'client', 'db.system.name': 'mongodb', error: true, 'otel.status_code': 'ERROR' });

  expect(await jaeger.services()).toContain(service);
  const recent = await jaeger.traces(service);
  expect(recent.map((t) => t.traceId)).toEqual([traceId]);
  expect(await jaeger.trace(randomBytes(16).toString('hex'))).toBeUndefined();
});
