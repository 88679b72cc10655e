// Completes `turbo prune --production` for npm: drops devDependencies on the workspaces it left out, which npm would look up on the registry.
//
// Usage, after `turbo prune <package> --docker --production --out-dir <out>`:
//   node scripts/images/fix-production-prune.ts <out>
// turbo 2.11 removes a dev-only workspace (packages/testing) from the pruned tree but keeps the services'
// `devDependencies` entry naming it, in package.json and in package-lock.json. `npm ci`, even with --omit=dev,
// resolves every edge first, finds no such workspace and asks the registry for it (404). Only edges to
// workspaces of this repository are dropped; anything else unresolvable is left for npm to report.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  name?: string;
  link?: boolean;
  resolved?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

interface Lockfile {
  packages: Record<string, LockEntry>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const writeJson = (file: string, value: unknown) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const out = process.argv[2];
if (!out || !existsSync(path.join(out, 'json', 'package-lock.json'))) {
  console.error('usage: node scripts/images/fix-production-prune.ts <out-dir of turbo prune --docker>');
  process.exit(2);
}

// Every workspace of the repository, by package name, from the full lockfile's links. The lockfile is found
// from this script, not the working directory, which may well be the pruned copy with its pruned lockfile.
const repoLock = readJson<Lockfile>(fileURLToPath(new URL('../../package-lock.json', import.meta.url)));
const workspaces = new Map<string, string>();
for (const [key, entry] of Object.entries(repoLock.packages)) {
  if (entry.link && entry.resolved && key.startsWith('node_modules/')) workspaces.set(key.slice('node_modules/'.length), entry.resolved);
}

const lockPath = path.join(out, 'json', 'package-lock.json');
const lock = readJson<Lockfile>(lockPath);
const leftOut = new Set([...workspaces].filter(([, dir]) => !(dir in lock.packages)).map(([name]) => name));

const dropped: { dir: string; name: string }[] = [];
for (const [key, entry] of Object.entries(lock.packages)) {
  if (key.includes('node_modules/')) continue;
  for (const kind of ['dependencies', 'optionalDependencies', 'peerDependencies'] as const) {
    const needed = Object.keys(entry[kind] ?? {}).filter((name) => leftOut.has(name));
    if (needed.length > 0) throw new Error(`${key || 'the root'} needs ${needed.join(', ')} at run time, but the production prune left it out`);
  }
  for (const name of Object.keys(entry.devDependencies ?? {})) {
    if (leftOut.has(name)) dropped.push({ dir: key, name });
  }
}

function dropFrom(manifest: LockEntry, name: string): void {
  if (!manifest.devDependencies) return;
  delete manifest.devDependencies[name];
  if (Object.keys(manifest.devDependencies).length === 0) delete manifest.devDependencies;
}

for (const { dir, name } of dropped) {
  dropFrom(lock.packages[dir]!, name);
  for (const part of ['json', 'full']) {
    const file = path.join(out, part, dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = readJson<LockEntry>(file);
    dropFrom(manifest, name);
    writeJson(file, manifest);
  }
  console.log(`dropped the dev-only workspace ${name} from ${dir || 'the root'}`);
}
if (dropped.length > 0) {
  writeJson(lockPath, lock);
  // turbo writes the same lockfile next to json/ and full/; keep the copies equal.
  if (existsSync(path.join(out, 'package-lock.json'))) writeJson(path.join(out, 'package-lock.json'), lock);
}
