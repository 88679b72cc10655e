// Test and local-run support: the database launcher and a small GraphQL-over-HTTP client.
export * from './database/index.ts';
export * from './graphql-client.ts';
export * from './go-tool.ts';
export { freePort, portAcceptsConnections } from './database/free-port.ts';
export { redisServerBinary, startRedis, type RunningRedis } from './redis.ts';
export * from './jaeger.ts';
