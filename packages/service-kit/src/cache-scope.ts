// An answer to a request that carries credentials is the caller's alone, whatever the schema's
// @cacheControl hints say: PUBLIC hints describe what anonymous callers see (the same for all of
// them), while a signed-in caller may see more (a seller's archived listings, an ADMIN everything).
// So a shared cache (the router's, a CDN's) only ever keeps answers made for nobody in particular.
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';

/**
 * Makes the request's cache policy PRIVATE when `applies` says so. Must come after Apollo's cache
 * control plugin: that one reads field hints only into a policy nobody has restricted yet.
 */
export function privateWhen<TContext extends BaseContext>(applies: (requestContext: GraphQLRequestContext<TContext>) => boolean): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          if (applies(requestContext)) requestContext.overallCachePolicy.restrict({ scope: 'PRIVATE' });
        },
      };
    },
  };
}

export const privateWhenCredentialed = <TContext extends BaseContext>() =>
  privateWhen<TContext>(({ request }) => Boolean(request.http?.headers.get('authorization')));
