// npm run compose: writes schema/supergraph.graphql; with --check, fails when it is stale.
import { writeFileSync } from 'node:fs';
import { composeSupergraph, readSupergraph, SUPERGRAPH_PATH } from '../router/src/supergraph.ts';

const composed = composeSupergraph();
if (process.argv.includes('--check')) {
  if (readSupergraph() !== composed) {
    console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result');
    process.exit(1);
  }
  console.log('schema/supergraph.graphql is up to date');
} else {
  writeFileSync(SUPERGRAPH_PATH, composed);
  console.log('wrote schema/supergraph.graphql');
}
