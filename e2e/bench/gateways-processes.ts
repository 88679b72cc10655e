// The gateway bench's processes and what is read from them: the stock and Hive gateways as children on the
// running subgraphs' supergraph, their readiness, and one request sent by hand.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPHS, type SubgraphName } from '@marketplace/service-kit';
import type { TargetName } from './gateways-report.ts';
import type { GraphQLBody } from './gateways-workloads.ts';
import { SERVICES_ROOT, startChild, uniquePort, type StartedChild } from './supergraph-children.ts';
import type { LoadRequest } from './telemetry-load.ts';

const here = import.meta.dirname;
/** This checkout: the gateway children and their packages are always its own, wherever the services come from. */
export const THIS_CHECKOUT = path.resolve(here, '../..');

export interface Target {
  name: TargetName;
  label: string;
  origin: string;
  /** The gateway's process; none for a subgraph alone. */
  pid: number | undefined;
}

export const versionOf = (name: string) => {
  try {
    return (JSON.parse(readFileSync(path.join(THIS_CHECKOUT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

/** The checked-in supergraph of the services' checkout, every subgraph URL pointed at the running ones. */
export function supergraphFor(urls: Record<SubgraphName, string>): string {
  let pointed = 0;
  const sdl = readFileSync(path.join(SERVICES_ROOT, 'schema/supergraph.graphql'), 'utf8').replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (directive, name: string) => {
    const url = urls[name as SubgraphName];
    if (!url) throw new Error(`the supergraph names a subgraph "${name}" that is not running`);
    pointed++;
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
  if (pointed !== SUBGRAPHS.length) throw new Error(`expected ${SUBGRAPHS.length} @join__graph URLs in schema/supergraph.graphql, found ${pointed}`);
  return sdl;
}

/** Ready once `{ __typename }` is answered with data. */
const answersGraphql = async (port: number) => {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"query":"{ __typename }"}',
    signal: AbortSignal.timeout(1000),
  });
  return response.status === 200 && ((await response.json()) as GraphQLBody).data?.__typename === 'Query';
};

export async function send(origin: string, request: LoadRequest): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(`${origin}${request.path}`, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLBody };
  } catch {
    return { status: response.status, body: { errors: [`not JSON: ${text.slice(0, 200)}`] } };
  }
}

/** The stock (gateway-stock.ts) or Hive (gateway-hive.ts) gateway on `supergraphFile`, ready to answer. */
export async function startGateway(name: 'stock' | 'hive', supergraphFile: string): Promise<StartedChild> {
  const port = await uniquePort();
  return startChild({
    label: `${name} gateway`,
    entry: path.join(here, `gateway-${name}.ts`),
    cwd: THIS_CHECKOUT,
    port,
    env: { GATEWAY_PORT: String(port), SUPERGRAPH_FILE: supergraphFile },
    ready: answersGraphql,
  });
}
