// Config, MongoDB, the GraphQL server bootstrap, errors and logging shared by the services.
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
export * from './lifecycle.ts';
export * from './authorization.ts';
export * from './by-id-loader.ts';
export * from './request-id.ts';
export * from './config-check.ts';
