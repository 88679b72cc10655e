// The OpenTelemetry API, loaded the way @apollo/gateway loads it (CommonJS), so both use one instance.
//
// The package ships a CommonJS and an ES module build. Each build keeps its own proxy tracer
// provider, and a tracer taken from one before registration (the gateway takes its tracer when it
// loads) only ever delegates to a provider registered through that same build. Registering and
// tracing through the CommonJS build makes the gateway's spans ours.
import { createRequire } from 'node:module';
import type * as OpenTelemetryApi from '@opentelemetry/api';

export const otel = createRequire(import.meta.url)('@opentelemetry/api') as typeof OpenTelemetryApi;
