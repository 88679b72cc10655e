// Calls a subgraph, forwarding the caller's token so the subgraph can verify it again.
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER } from '@marketplace/service-kit';
import type { RouterContext } from './context.ts';

export class AuthForwardingDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    // Only the verified token travels on; any identity header a client made up stays behind.
    if ('authorization' in context && context.authorization) {
      request.http?.headers.set('authorization', context.authorization);
    }
    if ('requestId' in context) request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
    // The client's address as the router resolved it (behind TRUSTED_PROXIES), for per-address
    // sign-in throttles; a subgraph reads it only from a peer it trusts.
    if ('clientIp' in context && context.clientIp) request.http?.headers.set('x-forwarded-for', context.clientIp);
    // Kept with a new session, so the user can tell their sessions apart.
    if ('userAgent' in context && context.userAgent) request.http?.headers.set('user-agent', context.userAgent);
  }
}
