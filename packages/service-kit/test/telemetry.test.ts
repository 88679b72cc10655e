import { describe, expect, it } from 'vitest';
import { batchSettingsOf, createServiceMetrics, MAX_OPERATION_NAMES, otlpTracesUrl, OTHER_OPERATION, samplerOf, UNKNOWN_OPERATION, UNNAMED_OPERATION } from '../src/index.ts';

describe('operation labels', () => {
  it('keep names as they are, up to a bound, and label the rest without their text', () => {
    const metrics = createServiceMetrics('users', { runtime: false });
    expect(metrics.operationLabel('StorefrontCatalog')).toBe('StorefrontCatalog');
    expect(metrics.operationLabel(null)).toBe(UNNAMED_OPERATION);
    expect(metrics.operationLabel('')).toBe(UNNAMED_OPERATION);
    expect(metrics.operationLabel(undefined)).toBe(UNKNOWN_OPERATION);
    // Not a GraphQL name: never a label.
    expect(metrics.operationLabel('bob@example.com')).toBe(OTHER_OPERATION);
    for (let i = 1; i < MAX_OPERATION_NAMES; i++) expect(metrics.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(metrics.operationLabel('OneTooMany')).toBe(OTHER_OPERATION);
    // Names seen before the bound keep their label.
    expect(metrics.operationLabel('StorefrontCatalog')).toBe('StorefrontCatalog');
  });

  it('count requests and errors under their codes, and tell listeners', async () => {
    const metrics = createServiceMetrics('router', { runtime: false });
    const told: string[][] = [];
    metrics.onRequest((_operation, codes) => told.push([...codes]));
    metrics.request('Checkout', 0.02, []);
    metrics.request('Checkout', 0.03, ['BAD_USER_INPUT']);
    const text = await metrics.registry.metrics();
    expect(text).toContain('graphql_requests_total{operation="Checkout",outcome="success",component="router"} 1');
    expect(text).toContain('graphql_requests_total{operation="Checkout",outcome="error",component="router"} 1');
    expect(text).toContain('graphql_errors_total{operation="Checkout",code="BAD_USER_INPUT",component="router"} 1');
    expect(told).toEqual([[], ['BAD_USER_INPUT']]);
  });
});

describe('tracing settings', () => {
  it('is off without an OTLP endpoint, and builds the traces URL from the base endpoint', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces' })).toBe('http://other:4318/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('samples as OTEL_TRACES_SAMPLER says, parent-based always-on by default', () => {
    expect(samplerOf({}).toString()).toMatch(/ParentBased.*AlwaysOn/);
    expect(samplerOf({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toMatch(/AlwaysOff/);
    expect(samplerOf({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toMatch(/ParentBased.*0\.25/);
  });

  it('reads the batch settings, ignoring bad ones', () => {
    expect(batchSettingsOf({ OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BSP_MAX_QUEUE_SIZE: 'many' })).toEqual({ scheduledDelayMillis: 200 });
  });
});
