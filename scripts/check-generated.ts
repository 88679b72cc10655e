// Fails when generated files are stale: resolver types and clients' operations and manifests (codegen), or the composed supergraph.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph, readSupergraph } from '../router/src/supergraph.ts';

const root = path.resolve(import.meta.dirname, '..');
const stale: string[] = [];

if (readSupergraph() !== composeSupergraph()) stale.push('schema/supergraph.graphql');

// Generate into a scratch copy of the output paths and compare with what is checked in.
const scratch = mkdtempSync(path.join(tmpdir(), 'codegen-'));
try {
  execFileSync(process.execPath, [path.join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts'], {
    cwd: root,
    env: { ...process.env, CODEGEN_OUT_DIR: scratch },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const name of ['users', 'products', 'orders']) {
    const file = `subgraphs/${name}/src/__generated__/resolvers-types.ts`;
    if (readFileSync(path.join(scratch, file), 'utf8') !== readFileSync(path.join(root, file), 'utf8')) stale.push(file);
  }
  // Every client's generated folder, file by file, including files that should no longer be there.
  for (const name of readdirSync(path.join(root, 'clients'))) {
    const dir = `clients/${name}/src/__generated__`;
    const fresh = existsSync(path.join(scratch, dir)) ? readdirSync(path.join(scratch, dir)) : [];
    const kept = existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir)) : [];
    for (const file of new Set([...fresh, ...kept])) {
      const [a, b] = [path.join(scratch, dir, file), path.join(root, dir, file)];
      if (!existsSync(a) || !existsSync(b) || readFileSync(a, 'utf8') !== readFileSync(b, 'utf8')) stale.push(`${dir}/${file}`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (stale.length) {
  console.error(`stale generated files (run \`npm run codegen\` and commit them):\n${stale.map((f) => `  ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('generated files are up to date');
