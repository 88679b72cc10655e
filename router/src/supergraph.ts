// Composes the supergraph from the subgraphs' SDL, and reads the checked-in composition.
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SERVICE_DEFAULTS, SUBGRAPHS } from '@marketplace/service-kit';

const root = new URL('../../', import.meta.url);
export const SUPERGRAPH_PATH = new URL('schema/supergraph.graphql', root);

export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map((name) => ({
      name,
      url: `http://127.0.0.1:${SERVICE_DEFAULTS[name].port}/graphql`,
      typeDefs: parse(readFileSync(new URL(`subgraphs/${name}/src/schema.graphql`, root), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(`the subgraphs do not compose:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

export function readSupergraph(path: URL | string = SUPERGRAPH_PATH): string {
  return readFileSync(path, 'utf8');
}
