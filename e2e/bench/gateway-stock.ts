// Stock @apollo/gateway for gateways.ts: the supergraph in SUPERGRAPH_FILE served by @apollo/server's
// standalone server on 127.0.0.1:GATEWAY_PORT, with the defaults; only the client's Authorization header
// travels on to the subgraphs.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

interface Context {
  authorization?: string | undefined;
}

const supergraphSdl = readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8');
const port = Number(process.env.GATEWAY_PORT);

const gateway = new ApolloGateway({
  supergraphSdl,
  buildService: ({ url }) =>
    new RemoteGraphQLDataSource<Context>({
      url,
      willSendRequest({ request, context }) {
        if (context.authorization) request.http?.headers.set('authorization', context.authorization);
      },
    }),
});
const server = new ApolloServer<Context>({ gateway });
await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
