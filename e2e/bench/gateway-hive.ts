// Hive Gateway for gateways.ts: the supergraph in SUPERGRAPH_FILE served by createGatewayRuntime on
// node:http at 127.0.0.1:GATEWAY_PORT, with the defaults but for its logging (errors only, or the level
// HIVE_LOG_LEVEL names); only the client's Authorization header travels on to the subgraphs.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime, type LogLevel } from '@graphql-hive/gateway';

const supergraph = readFileSync(process.env.SUPERGRAPH_FILE!, 'utf8');
const port = Number(process.env.GATEWAY_PORT);

const runtime = createGatewayRuntime({
  supergraph,
  logging: (process.env.HIVE_LOG_LEVEL as LogLevel | undefined) ?? 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }),
  },
});
const server = createServer(runtime);
server.listen(port, '127.0.0.1');
const close = () => server.close(() => void Promise.resolve(runtime.dispose()).finally(() => process.exit(0)));
process.once('SIGTERM', close);
process.once('SIGINT', close);
