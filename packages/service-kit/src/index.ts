// Config, MongoDB, the GraphQL server bootstrap, errors and logging shared by the services, and the
// facts more than one service must agree on (money, order lines, versioned inserts).
export * from './config.ts';
export * from './errors.ts';
export * from './graphql-service.ts';
export * from './http-server.ts';
export * from './identity-context.ts';
export * from './ids.ts';
export * from './logger.ts';
export * from './mongo.ts';
export * from './pagination.ts';
export * from './scalars.ts';
export * from './run-service.ts';
export * from './authorization.ts';
export * from './by-id-loader.ts';
export * from './request-id.ts';
export * from './config-check.ts';
export * from './client-ip.ts';
export * from './rate-limits.ts';
export * from './rate-limit-config.ts';
export * from './money.ts';
export * from './order-lines.ts';
export * from './versioned-insert.ts';
export * from './subgraph-service.ts';
export * from './sweeps.ts';
export * from './order-config.ts';
