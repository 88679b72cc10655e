// Fails when a client's persisted document would be refused by the gateway's operation limits or cost check, so it fails here, not in production.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { estimateCost, measureOperation, OPERATION_LIMIT_DEFAULTS, readCostModel } from '../router/src/limits.ts';
import { readManifests } from '../router/src/plugins/trusted-documents.ts';
import { readSupergraph } from '../router/src/supergraph.ts';

const root = path.resolve(import.meta.dirname, '..');
const sdl = readSupergraph();
const schema = buildASTSchema(parse(sdl), { assumeValidSDL: true });
const costModel = readCostModel(sdl);
const limits = OPERATION_LIMIT_DEFAULTS;
const problems: string[] = [];

for (const name of readdirSync(path.join(root, 'clients'))) {
  const file = path.join(root, 'clients', name, 'src/__generated__/persisted-documents.json');
  if (!existsSync(file)) continue;
  for (const [id, text] of readManifests([file])) {
    const where = `clients/${name}: ${id.slice(0, 12)}…`;
    let document;
    try {
      document = parse(text, { maxTokens: limits.MAX_TOKENS });
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message} (MAX_TOKENS ${limits.MAX_TOKENS})`);
      continue;
    }
    for (const operation of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      const label = `${where} ${operation.name?.value ?? '(anonymous)'}`;
      const shape = measureOperation(document, operation);
      const over: [string, number, number][] = [
        ['MAX_DEPTH', shape.depth, limits.MAX_DEPTH],
        ['MAX_ALIASES', shape.aliases, limits.MAX_ALIASES],
        ['MAX_ROOT_FIELDS', shape.rootFields, limits.MAX_ROOT_FIELDS],
        ['MAX_DIRECTIVES', shape.directives, limits.MAX_DIRECTIVES],
        // Without variables, list sizes are the schema's defaults and assumptions.
        ['MAX_COST', estimateCost(schema, costModel, document, operation, {}), limits.MAX_COST],
      ];
      for (const [limit, value, max] of over) if (value > max) problems.push(`${label}: ${value} is above ${limit} (${max})`);
    }
  }
}

if (problems.length) {
  console.error(`persisted documents the gateway would refuse (its default limits):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('every persisted document passes the operation limits and cost check');
